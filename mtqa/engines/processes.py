"""Worker processes for the local engine: the cores of one machine, without Ray.

Each worker holds one Checker and checks a few documents per task; the parent reads the inputs,
keeps a bounded number of tasks in flight and hands the reports back in input order, so the output
is byte for byte what one process writes (a report depends only on its document and the Checker).

Model-free checks fork the parent, whose spaCy pipeline and signals are loaded already (memory
shared copy-on-write, no start-up). Once a model runtime is loaded (torch, CTranslate2: thread pools
that do not survive a fork) the workers are spawned and build their own Checker. Workers ignore
Ctrl-C: the parent stops them.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import TYPE_CHECKING

from mtqa.config import Config
from mtqa.engines.base import EngineError
from mtqa.pipeline import Checker
from mtqa.types import Document, DocumentReport

if TYPE_CHECKING:
    from concurrent.futures import Future

AHEAD_PER_WORKER = 8  # tasks in flight per worker: the input is read this far ahead, no further
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
THREADED_RUNTIMES = ("torch", "ctranslate2")

_checker: Checker | None = None  # the worker's own


def fork_safe() -> bool:
    """Forking is safe while no multi-threaded model runtime is loaded in this process."""
    return "fork" in multiprocessing.get_all_start_methods() and not any(m in sys.modules for m in THREADED_RUNTIMES)


def _start(config: Config | None, threads: int) -> None:
    """Worker start: Ctrl-C is the parent's business; one Checker (inherited, or built here)."""
    global _checker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if config is None:  # forked: a parent thread (a progress bar) may have held a stream's lock at the fork
        sys.stdout = open(1, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    if config is not None:
        _checker = Checker(config)
    try:  # numpy's BLAS pool, already sized in a forked parent: the worker's share of the cores
        from threadpoolctl import threadpool_limits

        threadpool_limits(threads)
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        pass


def _signature() -> str:
    assert _checker is not None
    return _checker.signature


def _check(documents: list[Document]) -> list[DocumentReport]:
    assert _checker is not None
    return [_checker.check_or_report(d) for d in documents]


@contextmanager
def _thread_environment(threads: int) -> Iterator[None]:
    """Thread counts for spawned workers (their libraries read them at import), unless the user set them."""
    unset = [name for name in THREAD_VARIABLES if name not in os.environ]
    for name in unset:
        os.environ[name] = str(threads)
    try:
        yield
    finally:
        for name in unset:
            os.environ.pop(name, None)


class ProcessPool:
    """``workers`` processes, each with a Checker built from ``config``."""

    def __init__(self, checker: Checker, workers: int, cores: int, docs_per_task: int):
        global _checker
        from concurrent.futures import ProcessPoolExecutor  # here: a one-process run never pays its import
        from concurrent.futures.process import BrokenProcessPool

        self.workers, self.docs_per_task = workers, docs_per_task
        self.idle = True  # no task in flight: close() may wait for the workers
        self.threads = max(1, cores // workers)
        self.signature = checker.signature
        fork = fork_safe()
        if fork:
            _checker = checker  # what the forked workers inherit
        context = multiprocessing.get_context("fork" if fork else "spawn")
        with _thread_environment(self.threads):
            self.executor = ProcessPoolExecutor(workers, mp_context=context, initializer=_start,
                                                initargs=(None if fork else checker.config, self.threads))
            try:  # start every worker now, inside the thread settings, and compare what they would sign
                signatures = {f.result() for f in [self.executor.submit(_signature) for _ in range(workers)]}
            except BrokenProcessPool as exc:
                self.close()
                raise EngineError(f"the local engine's worker processes could not start ({exc})") from None
        if signatures != {self.signature}:
            self.close()
            raise EngineError("the local engine's worker processes disagree on the signature")

    def reports(self, items: Iterable[Document | DocumentReport]) -> Iterator[DocumentReport]:
        self.idle = False
        in_flight: deque[tuple[list, Future | None]] = deque()
        items = iter(items)
        while chunk := list(islice(items, self.docs_per_task)):
            documents = [i for i in chunk if not isinstance(i, DocumentReport)]
            in_flight.append((chunk, self.executor.submit(_check, documents) if documents else None))
            if len(in_flight) >= self.workers * AHEAD_PER_WORKER:
                yield from self._merge(*in_flight.popleft())
        while in_flight:
            yield from self._merge(*in_flight.popleft())
        self.idle = True

    def _merge(self, chunk: list, future: Future | None) -> Iterator[DocumentReport]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            checked = iter(future.result() if future is not None else ())
        except BrokenProcessPool:
            raise EngineError("a worker process of the local engine died (out of memory, or killed; "
                              "--workers 1 checks in one process)") from None
        for item in chunk:
            yield item if isinstance(item, DocumentReport) else next(checked)

    def close(self) -> None:
        """Stop the workers; a run cut short (Ctrl-C, a closed pipe) does not wait for their tasks."""
        if not self.idle:
            for process in list(getattr(self.executor, "_processes", {}).values()):
                process.terminate()
        self.executor.shutdown(wait=True, cancel_futures=True)
