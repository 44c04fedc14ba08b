"""``make bench-engines``: documents per second, the local engine against the Ray engine with 1 and 2
workers, on the same input, side by side in one run; and what starting Ray costs.

Input: the seed article and the two samples, repeated with distinct ids (so no cache can help),
as documents in memory. Two tiers: ``rules`` (no model) and ``tiny`` (every model signal on the
random-weight tiny models of ``mtqa.testing.tiny``: real code paths, tiny matrices).

Measured, in this order, in one process:
- Ray start-up: ``import ray``, ``ray.init`` of a local instance (this machine's CPUs, 127.0.0.1 only)
  and ``ray.shutdown``;
- per engine and tier: start-up (a Checker, or a pool of actors each building one: models and spaCy
  loaded) and then documents per second over the whole input, start-up excluded; the reports of
  every engine are compared with the local engine's, byte for byte as JSONL;
- the machine's own ceiling, no Ray: two independent local processes, each on half the input at the
  same time (the sum of their rates): what two workers can reach here at best;
- resident memory of one actor after each tier (``VmRSS``/``VmHWM`` from /proc; Linux);
- the driver's own work per document (a document pickled out, its report pickled back and written
  as a JSONL line): how many documents per second one driver can feed, whatever the cluster size;
- end to end, what a user waits: ``mtqa score --format jsonl`` in a fresh process, local and Ray.

Every process runs one thread per worker (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, MKL_NUM_THREADS = 1,
torch.set_num_threads(1)), as each Ray actor with one CPU does (Ray sets OMP_NUM_THREADS to an
actor's CPUs): the comparison is between engines, not thread settings. Last line:
``local=<docs/s> ray1=<docs/s> ray2=<docs/s> ray_init_s=<s> pool2_start_s=<s>`` for the tiny tier.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ARTICLES = [DATA / "seed-article.txt", DATA / "samples" / "airline-strike.txt", DATA / "samples" / "euro-inflation.txt"]


def documents(n: int):
    from mtqa.types import Document

    texts = [p.read_text("utf-8") for p in ARTICLES]
    return [Document(f"doc-{i:05d}", f"doc-{i:05d}", texts[i % len(texts)]) for i in range(n)]


def jsonl(reports) -> str:
    from mtqa.report.json import dumps, report_to_dict

    return "".join(dumps(report_to_dict(r), indent=None) + "\n" for r in reports)


def driver_rate(docs, reports) -> float:
    """Documents per second the driver handles: what Ray serialises both ways, and the JSONL line."""
    import pickle

    from mtqa.report.json import dumps, report_to_dict

    began = time.perf_counter()
    for document, report in zip(docs, reports):
        pickle.loads(pickle.dumps(document))
        dumps(report_to_dict(pickle.loads(pickle.dumps(report))), indent=None)
    return len(docs) / (time.perf_counter() - began)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_engine(kind: str, config, docs):
    """(start-up s, documents per second, CPU ms per document, JSONL, RSS of each actor) for one engine.

    CPU time counts this process (the driver, or the local engine) and every actor: on a machine
    shared with other jobs it is the steadier figure, and what a cluster bills."""
    from mtqa.engines import open_engine

    began = time.perf_counter()
    engine = open_engine(config)
    started = time.perf_counter()
    pids = [os.getpid()] + [w["pid"] for w in getattr(engine, "workers_info", [])]
    try:
        cpu_before = sum(cpu_seconds(pid) for pid in pids)
        reports = list(engine.reports(docs))
        finished = time.perf_counter()
        cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
        rss = [proc_memory(pid) for pid in pids[1:]] or [proc_memory(os.getpid())]
    finally:
        engine.close()
    run_engine.last_reports = reports  # type: ignore[attr-defined]
    return started - began, len(docs) / (finished - started), 1000 * cpu / len(docs), jsonl(reports), rss


def proc_memory(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB, or (nan, nan) where /proc is not there."""
    try:
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
        return tuple(int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM"))  # type: ignore[return-value]
    except (OSError, KeyError, ValueError):
        return float("nan"), float("nan")


PLAIN = """
import sys, time
sys.path.insert(0, {tools!r})
import torch
torch.set_num_threads(1)
from bench_engines import documents, run_engine
from mtqa.config import Config
config = Config(signals={signals!r}, models_dir={models!r})
start, rate, _, _, _ = run_engine("local", config, documents({n}))
print(rate)
"""


def plain_processes(n_docs: int, signals: tuple, models: str | None, processes: int = 2) -> float:
    """Sum of the rates of ``processes`` local engines in separate processes, started together."""
    code = PLAIN.format(tools=str(ROOT / "tools"), signals=signals, models=models, n=n_docs // processes)
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT)
             for _ in range(processes)]
    return sum(float(p.communicate()[0].strip().splitlines()[-1]) for p in procs)


def end_to_end(args: list[str], env: dict) -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mtqa", "score", *args], check=False, env=env, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rules-docs", type=int, default=120, help="documents for the rules tier")
    parser.add_argument("--tiny-docs", type=int, default=30, help="documents for the tiny-model tier")
    parser.add_argument("--no-end-to-end", action="store_true", help="skip the fresh-process runs")
    args = parser.parse_args()
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # before numpy and torch load
        os.environ[name] = "1"

    import torch

    from mtqa.config import Config
    from mtqa.engines.ray import import_ray
    from mtqa.testing.tiny import build_tiny

    torch.set_num_threads(1)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"machine: {cpus} CPUs, {os.uname().machine}, Python {sys.version.split()[0]}, torch {torch.__version__}; "
          f"load average at start {os.getloadavg()[0]:.1f}")
    work = Path(tempfile.mkdtemp(prefix="mtqa-bench-engines-"))
    tiny = build_tiny(work / "tiny")

    began = time.perf_counter()
    ray = import_ray(local=True)
    import_s = time.perf_counter() - began
    began = time.perf_counter()
    ray.init(address="local", num_cpus=cpus, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    init_s = time.perf_counter() - began
    print(f"ray {ray.__version__}: import {import_s:.2f} s, ray.init (local instance, {cpus} CPUs) {init_s:.2f} s")

    tiers = {"rules": (Config(signals=("rules",)), args.rules_docs),
             "tiny": (Config(models_dir=tiny), args.tiny_docs)}
    rows, summary, memory, driver = [], {}, [], {}
    for tier, (base, n) in tiers.items():
        docs = documents(n)
        local_start, local_rate, local_cpu, local_out, _ = run_engine("local", base, docs)
        driver[tier] = driver_rate(docs, run_engine.last_reports)  # type: ignore[attr-defined]
        rows.append((tier, "local", n, local_start, local_rate, 1.0, local_cpu, "reference"))
        summary.setdefault(tier, {})["local"] = local_rate
        plain = plain_processes(n, base.signals, str(base.models_dir) if base.models_dir else None)
        rows.append((tier, "2 local processes, no Ray (sum)", n, float("nan"), plain, plain / local_rate, float("nan"), "-"))
        for workers in (1, 2):
            config = base.with_overrides(engine="ray", workers=workers)
            start, rate, cpu, out, rss = run_engine("ray", config, docs)
            same = "identical" if out == local_out else "DIFFERENT"
            rows.append((tier, f"ray, {workers} worker{'s' * (workers > 1)}", n, start, rate, rate / local_rate, cpu, same))
            summary[tier][f"ray{workers}"] = rate
            summary[tier][f"pool{workers}_start_s"] = start
            memory += [(tier, workers, i, *m) for i, m in enumerate(rss)]
    began = time.perf_counter()
    ray.shutdown()
    shutdown_s = time.perf_counter() - began

    print()
    print("| tier | engine | docs | start-up (s) | docs/s | vs local | CPU ms/doc | JSONL |")
    print("|---|---|---|---|---|---|---|---|")
    for tier, engine, n, start, rate, ratio, cpu, same in rows:
        shown = "-" if start != start else f"{start:.1f}"
        cpu_shown = "-" if cpu != cpu else f"{cpu:.0f}"
        print(f"| {tier} | {engine} | {n} | {shown} | {rate:.2f} | {ratio:.2f} | {cpu_shown} | {same} |")
    print()
    print(f"Ray start-up: import {import_s:.2f} s + ray.init {init_s:.2f} s; ray.shutdown {shutdown_s:.2f} s")
    for tier, workers, i, rss, hwm in memory:
        print(f"{tier} tier, pool of {workers}, actor {i}: RSS {rss:.0f} MB (peak {hwm:.0f} MB)")
    for tier, rate in driver.items():
        print(f"driver work per document ({tier} reports): {1000 / rate:.2f} ms, {rate:.0f} documents/s")

    if not args.no_end_to_end:
        feed = work / "feed.jsonl"
        feed.write_text("".join(json.dumps({"id": d.id, "text": d.text}) + "\n" for d in documents(args.tiny_docs)))
        env = dict(os.environ)
        common = [str(feed), "--feed", "--format", "jsonl", "-o", str(work / "out.jsonl"), "--models-dir", str(tiny)]
        print()
        print(f"end to end, `mtqa score` on {args.tiny_docs} documents, tiny models, fresh process:")
        for label, extra in (("local", []), ("ray, 1 worker", ["--engine", "ray", "--workers", "1"]),
                             ("ray, 2 workers", ["--engine", "ray", "--workers", "2"])):
            print(f"  {label}: {end_to_end(common + extra, env):.1f} s")

    t = summary["tiny"]
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (above {cpus}: other jobs shared these CPUs)")
    print()
    print(f"local={t['local']:.2f} ray1={t['ray1']:.2f} ray2={t['ray2']:.2f} "
          f"ray_init_s={init_s:.2f} pool2_start_s={t['pool2_start_s']:.2f}")


if __name__ == "__main__":
    main()
