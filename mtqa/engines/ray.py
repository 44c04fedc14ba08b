"""The Ray engine (``--engine ray``): documents checked in a pool of Ray actors, one Checker each.

What runs where
    The driver (the ``mtqa`` process) reads the inputs exactly as the local engine does (files,
    directories, globs, stdin, JSONL feeds; an unreadable input or a broken feed line becomes an
    error report in its place), sends the documents to the actors in small batches
    (``docs_per_task``), puts the reports back in input order and hands each one to the CLI's
    writer as soon as every report before it is in. Nothing finished waits for the end of the job,
    so an interruption keeps everything already written and ``--resume`` goes on from there. Each
    actor builds one ``Checker`` when it starts (models and spaCy loaded once per actor) and checks
    its batches with ``Checker.check_or_report``: a report is the very object the local engine
    makes, so every output format, the gate and the summary work unchanged and JSONL is
    byte-identical.

Why Ray core actors and not Ray Data's ``map_batches`` over an actor pool
    The shape is the same (long-lived actors that load the models once and are fed batches), but
    Ray Data fits this job less well. Input: ``from_items`` wants the whole list in memory, and Ray
    Data's file readers would bypass mtqa's ingest (encoding detection, size limits, stdin, feed
    lines that become error reports in place); here the driver reads lazily and holds a bounded
    window of documents. Order: Ray Data keeps order only with ``preserve_order``, block by block,
    and its rows are Arrow records, so nested reports would be flattened on the workers and rebuilt
    on the driver; here a report travels as itself and a dictionary keyed by input index restores
    the order. Weight: Ray Data needs pyarrow and pandas (``ray[data]``); this engine needs only
    ``ray``.

Faults
    Actors are created with ``max_restarts`` and ``max_task_retries``: a worker process that dies
    (killed, out of memory, its node lost) is started again by Ray, loads its models again, and
    the batches it held are retried. A batch that still fails after Ray's retries is split and its
    documents are retried one by one, each on an idle worker with nothing queued behind it (so an
    article that kills its worker costs no other article a retry); a document that fails alone
    becomes an error report, like a document whose check raises. An actor that Ray gave up on is
    replaced, a bounded number of times. Ray's own messages about all this go to stderr.

A local instance or a cluster
    Without ``--ray-address`` a Ray instance is started for the run, sized to the machine, without
    dashboard, reachable on 127.0.0.1 only (``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0``, Ray's
    single-machine mode, set before Ray is imported), and shut down at the end. With
    ``--ray-address`` (``auto``, ``HOST:PORT`` or ``ray://HOST:10001``) the run joins that cluster
    and ships only the configuration: mtqa and the models must be installed at the same paths on
    every node. A Ray already initialised in this process (a notebook, a test) is used as it is
    and left running.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from mtqa.config import Config, ConfigError
from mtqa.engines.base import EngineError
from mtqa.scoring.profile import ProfileError
from mtqa.signals.base import SignalUnavailable
from mtqa.types import Document, DocumentReport

MAX_RESTARTS = 8  # per actor: Ray starts a dead worker process again this many times
MAX_TASK_RETRIES = 2  # per batch: Ray runs it again on the restarted worker this many times
TASKS_PER_WORKER = 2  # queued per actor, so it never waits for the driver between batches
WINDOW_PER_WORKER = 8  # batches read ahead per actor (in flight, or done and waiting for an earlier one)
REPLACEMENTS_PER_WORKER = 2  # actors Ray gave up on that are replaced, per worker in the pool
LOCAL_ONLY_ENV = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"
INSTALL_HINT = "--engine ray needs Ray: pip install 'mtqa[ray]'"

Batch = list[tuple[int, Document]]


def import_ray(local: bool) -> Any:
    """The ``ray`` module, or ``EngineError`` with the install hint.

    For a local instance, Ray's single-machine mode is chosen before the import (Ray reads it
    then): every Ray process then listens on 127.0.0.1, never on the machine's network address.
    """
    if local and "ray" not in sys.modules:
        os.environ.setdefault(LOCAL_ONLY_ENV, "0")
    try:
        import ray
    except ImportError:
        raise EngineError(INSTALL_HINT) from None
    return ray


class _ClusterMessages:
    """Ray's driver prints the cluster's error messages ("Task ... failed. There are 2 retries
    remaining ...", a worker killed for memory) to ``sys.stdout``, where mtqa may be writing
    reports; while an engine runs they go to stderr instead, and none once it is closing.

    Ray has no setting for this: its driver calls ``ray._private.worker.print_to_stdstream``, which
    is wrapped here and put back on close. Where a Ray release lacks it, nothing is changed.
    """

    def __init__(self) -> None:
        self.module = sys.modules.get("ray._private.worker")
        self.original = getattr(self.module, "print_to_stdstream", None)
        self.closing = False
        if self.original is not None:
            self.module.print_to_stdstream = self.print

    def print(self, data: dict, *args: Any, **kwargs: Any) -> None:
        if not self.closing and self.original is not None:
            self.original({**data, "is_err": True}, *args, **kwargs)

    def restore(self) -> None:
        self.closing = True
        if self.original is not None and getattr(self.module, "print_to_stdstream", None) == self.print:
            self.module.print_to_stdstream = self.original


def first_line(text: object) -> str:
    lines = str(text).strip().splitlines()
    return lines[0] if lines else ""


def _problem(exc: BaseException) -> tuple:
    """A start-up failure in a form that crosses processes (exceptions with extra fields may not)."""
    if isinstance(exc, SignalUnavailable):
        return ("signal", exc.name, exc.reason, exc.fix)
    if isinstance(exc, ConfigError):
        return ("config", str(exc))
    if isinstance(exc, ProfileError):
        return ("profile", str(exc))
    return ("other", f"{type(exc).__name__}: {first_line(exc)}")


def _raise_problem(problem: tuple, node: str) -> None:
    kind, *rest = problem
    if kind == "signal":
        raise SignalUnavailable(*rest)
    if kind == "config":
        raise ConfigError(rest[0])
    if kind == "profile":
        raise ProfileError(rest[0])
    raise EngineError(f"a Ray worker could not start on {node}: {rest[0]}")


class ScoringWorker:
    """One Ray actor: a Checker built once, checking the batches it is sent."""

    def __init__(self, config: Config):
        self.checker: Any = None
        self.problem: tuple | None = None
        try:
            from mtqa.pipeline import Checker

            self.checker = Checker(config)
        except Exception as exc:  # noqa: BLE001 - told to the driver by describe()
            self.problem = _problem(exc)

    def describe(self) -> dict[str, Any]:
        import ray

        info: dict[str, Any] = {"pid": os.getpid(), "node": ray.util.get_node_ip_address(), "problem": self.problem}
        if self.checker is not None:
            info.update(signature=self.checker.signature, skipped=tuple(self.checker.skipped))
        return info

    def score(self, batch: Batch) -> list[tuple[int, DocumentReport]]:
        if self.checker is None:  # restarted, and this time the Checker could not be built
            raise RuntimeError(f"the worker could not start: {self.problem}")
        return [(index, self.checker.check_or_report(document)) for index, document in batch]


@dataclass
class _Task:
    worker: int
    actor: Any
    batch: Batch
    alone: bool  # a document of a failed batch, retried with nothing queued behind it


class RayEngine:
    """A pool of ``ScoringWorker`` actors; ``reports`` streams the reports back in input order."""

    worker_class: type = ScoringWorker
    task_retries: int = MAX_TASK_RETRIES

    def __init__(self, config: Config):
        self.config = config
        self.ray = import_ray(local=config.ray_address is None)
        self.started = False  # this engine started Ray, and shuts it down
        self.actors: list[Any] = []
        self.workers_info: list[dict[str, Any]] = []
        self.replacements_left = 0
        self.timings: dict[str, float] = {}
        self.messages = _ClusterMessages()
        try:
            self._connect()
            self._start_pool(self._pool_size())
        except BaseException:
            self.close()
            raise

    # ---- start and stop -------------------------------------------------------------------------

    def _connect(self) -> None:
        ray = self.ray
        if ray.is_initialized():
            return
        address = self.config.ray_address
        quiet: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.ERROR}
        began = time.perf_counter()
        try:
            if address is None:
                ray.init(address="local", include_dashboard=False, **quiet)
            else:
                ray.init(address=address, **quiet)
        except Exception as exc:  # noqa: BLE001 - Ray raises many kinds; each is one line for the user
            where = "start a local Ray instance" if address is None else f"join the Ray cluster at {address}"
            raise EngineError(f"cannot {where}: {first_line(exc) or type(exc).__name__}") from None
        self.started = True
        self.timings["ray_init_s"] = time.perf_counter() - began

    def _pool_size(self) -> int:
        cfg = self.config
        resources = self.ray.cluster_resources()
        cpus, gpus = resources.get("CPU", 0.0), resources.get("GPU", 0.0)
        fits = int(cpus / cfg.cpus_per_worker + 1e-9)
        if cfg.gpus_per_worker:
            fits = min(fits, int(gpus / cfg.gpus_per_worker + 1e-9))
        if cfg.workers is None and fits >= 1:
            return fits
        # A cluster may grow (autoscaling): there Ray keeps the workers it cannot place yet pending.
        if cfg.workers is None or (cfg.workers > fits and cfg.ray_address is None):
            wanted = cfg.workers or 1
            raise EngineError(
                f"the Ray {'instance' if cfg.ray_address is None else 'cluster'} has {cpus:g} CPUs and {gpus:g} GPUs: "
                f"not enough for {wanted} worker(s) of --cpus-per-worker {cfg.cpus_per_worker:g}"
                + (f" and --gpus-per-worker {cfg.gpus_per_worker:g}" if cfg.gpus_per_worker else ""))
        return cfg.workers

    def _new_actor(self) -> Any:
        cfg = self.config
        remote = self.ray.remote(num_cpus=cfg.cpus_per_worker, num_gpus=cfg.gpus_per_worker,
                                 max_restarts=MAX_RESTARTS, max_task_retries=self.task_retries)(self.worker_class)
        return remote.remote(cfg)

    def _describe(self, actors: list[Any]) -> list[dict[str, Any]]:
        try:
            infos = self.ray.get([actor.describe.remote() for actor in actors])
        except self.ray.exceptions.RayError as exc:
            raise EngineError(f"the Ray workers could not start: {first_line(exc) or type(exc).__name__}") from None
        for info in infos:
            if info["problem"]:
                _raise_problem(info["problem"], info["node"])
        return infos

    def _start_pool(self, size: int) -> None:
        began = time.perf_counter()
        self.actors = [self._new_actor() for _ in range(size)]
        self.workers_info = self._describe(self.actors)
        signatures = sorted({info["signature"] for info in self.workers_info})
        if len(signatures) > 1:
            raise EngineError(f"the Ray workers disagree on the signature ({signatures[0]} vs {signatures[1]}): "
                              "give every node the same models and settings")
        self.signature: str = signatures[0]
        self.skipped: tuple = self.workers_info[0]["skipped"]
        self.replacements_left = REPLACEMENTS_PER_WORKER * size
        self.timings["pool_start_s"] = time.perf_counter() - began

    def close(self) -> None:
        ray = self.ray
        self.messages.closing = True  # tasks cut short by the kill below are no news
        actors, self.actors = self.actors, []
        for actor in actors:
            try:
                ray.kill(actor)
            except Exception:  # noqa: BLE001 - already gone
                pass
        if self.started:
            self.started = False
            ray.shutdown()
        self.messages.restore()

    # ---- the stream -----------------------------------------------------------------------------

    def reports(self, items: Iterable[Document | DocumentReport]) -> Iterator[DocumentReport]:
        """One report per item, in input order, each as soon as the ones before it are in."""
        ray = self.ray
        source = iter(items)
        size = self.config.docs_per_task
        window = WINDOW_PER_WORKER * len(self.actors) * size  # items read and not yet handed on
        ready: dict[int, DocumentReport] = {}
        running: dict[Any, _Task] = {}
        load = [0] * len(self.actors)
        alone: deque[tuple[int, Document]] = deque()  # documents of failed batches, to retry one by one
        again: deque[Batch] = deque()  # batches whose worker was replaced, to send again as they are
        read = handed = 0
        exhausted = False

        def free(idle: bool = False) -> int | None:
            """The least loaded worker that takes a batch (``idle``: with nothing queued at all)."""
            busy = {task.worker for task in running.values() if task.alone}
            limit = 1 if idle else TASKS_PER_WORKER
            candidates = [w for w in range(len(load)) if w not in busy and load[w] < limit]
            return min(candidates, key=load.__getitem__) if candidates else None

        def submit(worker: int, batch: Batch, by_itself: bool = False) -> None:
            actor = self.actors[worker]
            running[actor.score.remote(batch)] = _Task(worker, actor, batch, by_itself)
            load[worker] += 1

        while True:
            # A document retried alone waits for an idle worker, and nothing is queued behind it
            # meanwhile: if it kills its worker again, it costs no other document a retry.
            while alone and (worker := free(idle=True)) is not None:
                submit(worker, [alone.popleft()], by_itself=True)
            while not alone and again and (worker := free()) is not None:
                submit(worker, again.popleft())
            while not alone and not exhausted and read - handed < window and (worker := free()) is not None:
                batch: Batch = []
                while len(batch) < size:
                    item = next(source, None)
                    if item is None:
                        exhausted = True
                        break
                    if isinstance(item, DocumentReport):
                        ready[read] = item
                    else:
                        batch.append((read, item))
                    read += 1
                if batch:
                    submit(worker, batch)
            while handed in ready:
                yield ready.pop(handed)
                handed += 1
            if not running:
                if exhausted and not alone and not again:
                    return
                continue
            done, _ = ray.wait(list(running), num_returns=1)
            for ref in done:
                task = running.pop(ref)
                load[task.worker] -= 1
                try:
                    results = ray.get(ref)
                except ray.exceptions.RayError as exc:  # after Ray's own restarts and retries
                    if self._replaced(task, exc):
                        again.append(task.batch)  # its worker is gone for good: not this batch's doing
                    elif task.alone:
                        index, document = task.batch[0]
                        ready[index] = self._lost(document, exc)
                    else:
                        alone.extend(task.batch)
                    continue
                for index, report in results:
                    ready[index] = report

    def _lost(self, document: Document, exc: BaseException) -> DocumentReport:
        cause = getattr(exc, "cause", None)
        why = f"{type(cause).__name__}: {first_line(cause)}" if isinstance(exc, self.ray.exceptions.RayTaskError) \
            and cause is not None else f"its Ray worker died, {1 + self.task_retries} attempts: {type(exc).__name__}"
        message = f"{document.path}: could not be checked ({why})"
        return DocumentReport(document, (), None, self.signature, self.skipped, error=message)

    def _replaced(self, task: _Task, exc: BaseException) -> bool:
        """Whether the task's actor is gone for good (then replaced, within a budget)."""
        ray = self.ray
        if self.actors[task.worker] is not task.actor:
            return True  # replaced already, after an earlier task of the same actor failed
        if isinstance(exc, ray.exceptions.RayTaskError):
            return False  # the actor is alive; the task itself raised
        try:
            ray.get(task.actor.describe.remote())
            return False
        except ray.exceptions.ActorDiedError:
            pass  # restarts used up, or its node lost for good
        except ray.exceptions.RayError:
            return False  # restarting: it comes back
        if self.replacements_left <= 0:
            raise EngineError("the Ray workers keep dying; stopped (the Ray logs, e.g. "
                              "/tmp/ray/session_latest/logs, say why)")
        self.replacements_left -= 1
        actor = self._new_actor()
        (info,) = self._describe([actor])
        if info["signature"] != self.signature:
            raise EngineError(f"a restarted Ray worker signs differently ({info['signature']} vs {self.signature}): "
                              "give every node the same models and settings")
        self.actors[task.worker] = actor
        return True
