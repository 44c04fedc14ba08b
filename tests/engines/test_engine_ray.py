"""``--engine ray`` on a local Ray instance (2 CPUs): the local engine's JSONL byte for byte, in input
order; a worker that dies mid-job is restarted and nothing is lost or doubled; ``--resume``.

One Ray instance serves the module (started and stopped here); each run starts its own actor pool.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
from pathlib import Path

import pytest

from tests.conftest import DATA

if importlib.util.find_spec("ray") is None:
    pytest.skip("Ray is not installed (pip install 'mtqa[ray]')", allow_module_level=True)

RULES = ("--signals", "rules")


@pytest.fixture(autouse=True)
def empty_hf_cache(tmp_path, monkeypatch):
    """Resolution must not find real models in this machine's Hugging Face cache."""
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))


def test_without_an_address_a_local_instance_listens_on_loopback_and_is_shut_down():
    """Runs first, before the module's instance: the engine starts its own Ray and stops it."""
    from mtqa.config import Config
    from mtqa.engines.ray import RayEngine

    engine = RayEngine(Config(engine="ray", signals=("rules",), workers=1))
    try:
        assert engine.started
        ray = engine.ray
        assert [info["node"] for info in engine.workers_info] == ["127.0.0.1"]
        assert ray.util.get_node_ip_address() == "127.0.0.1"
        (report,) = engine.reports([_doc("a", "Ministers met in Berlin on Monday.")])
        assert report.error is None and report.signature == engine.signature
    finally:
        engine.close()
    assert not ray.is_initialized()


@pytest.fixture(scope="module")
def local_ray():
    from mtqa.engines.ray import import_ray

    ray = import_ray(local=True)  # Ray's single-machine mode, chosen before the import: 127.0.0.1 only
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    try:
        assert ray.util.get_node_ip_address() == "127.0.0.1"
        yield ray
    finally:
        ray.shutdown()


def _doc(doc_id: str, text: str):
    from mtqa.types import Document

    return Document(doc_id, doc_id, text)


def _write_articles(directory: Path, n: int, mark: int | None = None, word: str = "") -> list[Path]:
    paths = []
    for i in range(n):
        path = directory / f"story-{i:02d}.txt"
        extra = f" {word}" if i == mark else ""
        path.write_text(f"Story {i}\n\nMinisters met in Berlin on day {i}.{extra} According to a report by, "
                        f"there were talks on plan {i}.\n")
        paths.append(path)
    return paths


def _jsonl(cli, out: Path, *args) -> tuple[bytes, object]:
    result = cli("score", *args, "--format", "jsonl", "-o", out)
    return out.read_bytes(), result


@pytest.mark.slow
@pytest.mark.parametrize("inputs", ["files", "feed"])
def test_ray_jsonl_equals_the_local_engines_byte_for_byte(cli, local_ray, tiny_models_dir, tmp_path, monkeypatch,
                                                          inputs):
    """One article per task: the reports come back out of order and are put back in order."""
    monkeypatch.chdir(tmp_path)
    Path("mtqa.toml").write_text("docs_per_task = 1\n")
    if inputs == "files":
        args = [DATA / "seed-article.txt", DATA / "samples"]
    else:
        feed = tmp_path / "feed.jsonl"
        texts = [(DATA / "samples" / name).read_text("utf-8") for name in ("airline-strike.txt", "euro-inflation.txt")]
        feed.write_text(json.dumps({"id": "strike", "text": texts[0]}) + "\n{broken\n"
                        + json.dumps({"id": "euro", "text": texts[1]}) + "\n"
                        + json.dumps({"id": "short", "text": "The Kremlin denies it."}) + "\n", encoding="utf-8")
        args = [feed, "--feed"]
    models = ("--models-dir", tiny_models_dir)
    local, local_result = _jsonl(cli, tmp_path / "local.jsonl", *args, *models)
    workers = "2" if inputs == "files" else "1"  # each pool costs model loading; one is enough for the feed
    ray, ray_result = _jsonl(cli, tmp_path / "ray.jsonl", *args, *models, "--engine", "ray", "--workers", workers)
    assert ray_result.exit_code == local_result.exit_code, ray_result.stderr
    assert ray == local
    docs = [json.loads(line) for line in ray.splitlines()]
    assert all(d["skipped_signals"] == [] for d in docs if not d["error"])  # every tiny model ran
    assert ray_result.stderr == local_result.stderr  # error lines and the summary
    if inputs == "feed":
        assert [d["id"] for d in docs] == ["strike", f"{feed}:2", "euro", "short"]
        assert ray_result.exit_code == 2 and ":2: not valid JSON" in docs[1]["error"]
    else:
        assert len(docs) == 3 and ray_result.exit_code == 0


@pytest.mark.slow
def test_a_worker_that_dies_mid_job_is_restarted_and_nothing_is_lost(cli, local_ray, tmp_path, monkeypatch):
    """One actor exits hard on a marked article, once (a file on disk says it already has): Ray
    restarts it and retries the batch; every article is in the output exactly once, in order."""
    from mtqa.engines.ray import RayEngine, ScoringWorker

    marker = str(tmp_path / "crashed-once")

    class CrashOnce(ScoringWorker):
        def score(self, batch):
            if any("CRASH-HERE" in document.text for _, document in batch) and not os.path.exists(marker):
                open(marker, "w").close()
                os._exit(1)
            return super().score(batch)

    monkeypatch.setattr(RayEngine, "worker_class", CrashOnce)
    paths = _write_articles(tmp_path, 8, mark=5, word="CRASH-HERE")
    expected, _ = _jsonl(cli, tmp_path / "local.jsonl", *paths, *RULES)
    # The settings from mtqa.toml: one article per task, so the other worker keeps going meanwhile.
    monkeypatch.chdir(tmp_path)
    Path("mtqa.toml").write_text('engine = "ray"\nworkers = 2\ndocs_per_task = 1\n')
    result = cli("score", *paths, *RULES, "--format", "jsonl")  # to stdout: Ray's own messages must not land there
    assert result.exit_code == 0, result.stderr
    assert os.path.exists(marker)  # the worker did die
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert ids == [str(p) for p in paths]  # each exactly once, in input order
    assert result.stdout.encode() == expected
    assert "mtqa: 8 checked, 0 could not be checked" in result.stderr.splitlines()


@pytest.mark.slow
def test_a_document_that_kills_its_worker_every_time_becomes_an_error_report(cli, local_ray, tmp_path, monkeypatch):
    """Past Ray's retries the batch is split; the one article that still kills its worker is an
    error report in its place, and the others are checked."""
    from mtqa.engines.ray import RayEngine, ScoringWorker

    class CrashAlways(ScoringWorker):
        def score(self, batch):
            if any("POISON" in document.text for _, document in batch):
                os._exit(1)
            return super().score(batch)

    monkeypatch.setattr(RayEngine, "worker_class", CrashAlways)
    monkeypatch.setattr(RayEngine, "task_retries", 0)  # each retry reloads the models: keep the test short
    paths = _write_articles(tmp_path, 4, mark=1, word="POISON")
    monkeypatch.chdir(tmp_path)
    Path("mtqa.toml").write_text("docs_per_task = 2\n")
    out, result = _jsonl(cli, tmp_path / "ray.jsonl", *paths, *RULES, "--engine", "ray", "--workers", "1")
    assert result.exit_code == 2
    docs = [json.loads(line) for line in out.splitlines()]
    assert [d["id"] for d in docs] == [str(p) for p in paths]
    assert [d["error"] is None for d in docs] == [True, False, True, True]
    assert docs[1]["error"].startswith(f"{paths[1]}: could not be checked (its Ray worker died, 1 attempts: Actor")
    assert "mtqa: 3 checked, 1 could not be checked" in result.stderr.splitlines()


@pytest.mark.slow
def test_resume_with_the_ray_engine_skips_what_is_written(cli, local_ray, tmp_path):
    paths = _write_articles(tmp_path, 6)
    expected, _ = _jsonl(cli, tmp_path / "local.jsonl", *paths, *RULES)
    out = tmp_path / "ray.jsonl"
    lines = expected.splitlines(keepends=True)
    out.write_bytes(b"".join(lines[:2]) + lines[2][:40])  # two articles, and a third cut off by a kill
    result = cli("score", *paths, *RULES, "--format", "jsonl", "-o", out, "--resume", "--engine", "ray",
                 "--workers", "1")
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes() == expected
    assert result.stderr.splitlines()[-1] == ("mtqa: 4 checked, 0 could not be checked, "
                                              "2 skipped (already in the output)")
