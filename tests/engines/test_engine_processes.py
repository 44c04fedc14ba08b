"""The local engine's worker processes: the same reports, byte for byte, as one process."""

from __future__ import annotations

import pytest

import mtqa.engines.processes as processes
from mtqa.config import Config
from mtqa.engines import open_engine
from mtqa.engines.local import AUTO_MIN_DOCUMENTS
from mtqa.report.json import dumps, report_to_dict
from mtqa.types import Document, DocumentReport


def documents(seed_path):
    texts = [seed_path.read_text("utf-8"), "Ministers met in Berlin on Monday. The vote is due next week.",
             "Der Minister said that the Fakenews was spread by, according to a report by, the opposition."]
    broken = DocumentReport(Document("x", "x", ""), (), None, "", (), error="x: unreadable")
    docs: list = [Document(f"d{i}", f"d{i}", texts[i % len(texts)]) for i in range(7)]
    return docs[:3] + [broken] + docs[3:]


def jsonl(config: Config, items) -> tuple[str, object]:
    engine = open_engine(config)
    try:
        return "".join(dumps(report_to_dict(r), indent=None) + "\n" for r in engine.reports(items)), engine.pool
    finally:
        engine.close()


@pytest.mark.parametrize("fork", [True, False], ids=["fork", "spawn"])
def test_worker_processes_write_what_one_process_writes(seed_path, monkeypatch, fork):
    items = documents(seed_path)
    one, pool = jsonl(Config(signals=("rules",), workers=1), items)
    assert pool is None
    if not fork:  # as when a model runtime is loaded: each worker builds its own Checker
        monkeypatch.setattr(processes, "fork_safe", lambda: False)
    two, pool = jsonl(Config(signals=("rules",), workers=2, docs_per_task=1), items)
    assert pool is not None and one == two
    assert '"error": "x: unreadable"' in two.splitlines()[3]


def test_a_few_articles_stay_in_this_process_a_batch_uses_the_cores(monkeypatch):
    monkeypatch.setattr("mtqa.engines.local.available_cores", lambda: 2)
    # as in a run with no model runtime loaded (earlier tests in this process may have loaded torch)
    monkeypatch.setattr("mtqa.engines.local.fork_safe", lambda: True)
    docs = [Document(f"d{i}", f"d{i}", f"Ministers met in Berlin on day {i}.") for i in range(AUTO_MIN_DOCUMENTS)]
    few, pool = jsonl(Config(signals=("rules",)), docs[:-1])
    assert pool is None
    many, pool = jsonl(Config(signals=("rules",)), docs)
    assert pool is not None and many.startswith(few)


def test_the_workers_option_reaches_the_local_engine(cli, seed_path, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("Ministers met in Berlin on Monday. The vote is due next week.\n", "utf-8")
    runs = [cli("score", seed_path, other, "--signals", "rules", "--format", "jsonl", *extra).stdout
            for extra in ((), ("--workers", "2"))]
    assert runs[0] and runs[0] == runs[1]


def test_a_batch_cut_short_stops_its_workers(seed_path):
    engine = open_engine(Config(signals=("rules",), workers=2, docs_per_task=1))
    reports = engine.reports(Document(f"d{i}", f"d{i}", seed_path.read_text("utf-8")) for i in range(40))
    first = next(reports)
    processes = list(engine.pool.executor._processes.values())
    reports.close()  # what a closed pipe or Ctrl-C does to the generator
    engine.close()
    assert first.error is None
    assert all(not p.is_alive() for p in processes)
