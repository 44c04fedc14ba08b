"""The SQLite model-output cache: no model work on a re-run, same bytes, safe to share between processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mtqa.config import Config
from mtqa.models.backends.base import TokenScores, Translation
from mtqa.models.cache import Cache, CachedTranslator

ROOT = Path(__file__).resolve().parents[2]


class CountingTranslator:
    """A real translator wrapped to count the sentences it is asked to do."""

    def __init__(self, inner):
        self.inner, self.calls = inner, 0
        self.model_id, self.revision, self.backend = inner.model_id, inner.revision, inner.backend

    def translate(self, texts, beam=1):
        self.calls += len(texts)
        return self.inner.translate(texts, beam=beam)

    def score(self, sources, targets):
        self.calls += len(sources)
        return self.inner.score(sources, targets)


def test_values_round_trip_exactly_and_keys_separate_models(tmp_path, tiny_context):
    cache = Cache(tmp_path / "c.sqlite")
    real = CountingTranslator(tiny_context.translator("backtranslate"))
    first = CachedTranslator(real, cache).translate(["The Kremlin denies it.", "Yes."])
    again = CachedTranslator(real, Cache(tmp_path / "c.sqlite")).translate(["Yes.", "The Kremlin denies it."])
    assert real.calls == 2 and again == [first[1], first[0]]
    assert isinstance(first[0], Translation)
    other = CountingTranslator(tiny_context.translator("backtranslate"))
    other.revision = "another-revision"
    CachedTranslator(other, cache).translate(["Yes."])
    assert other.calls == 1  # a new revision never reads old numbers
    greedy_then_beam = CachedTranslator(real, cache)
    greedy_then_beam.translate(["Yes."], beam=2)
    assert real.calls == 3
    scored = CachedTranslator(real, cache).score(["Ja."], ["Yes."])
    assert isinstance(scored[0], TokenScores) and CachedTranslator(real, cache).score(["Ja."], ["Yes."]) == scored
    assert real.calls == 4


def test_rerun_of_an_unchanged_article_does_no_model_work(tmp_path, tiny_models_dir, seed_path):
    from mtqa.ingest.sources import expand_paths, read_document
    from mtqa.pipeline import Checker

    config = Config(models_dir=tiny_models_dir, use_cache=True, cache=tmp_path / "c.sqlite")
    (source,) = list(expand_paths([str(seed_path)]))
    document = read_document(source, config.max_bytes)

    def run():
        checker = Checker(config)  # a fresh process-level context each time: only the file is shared
        counters = count_model_calls(checker)
        (report,) = list(checker.check_documents([document]))
        return report, counters

    first, counted_first = run()
    second, counted_second = run()
    assert sum(c.calls for c in counted_first) > 0
    assert [c.calls for c in counted_second] == [0] * len(counted_second)
    assert second.sentences == first.sentences


def count_model_calls(checker):
    """Count the sentences that reach each model behind the cache in a Checker's signals."""
    counters, seen = [], set()
    for signal in checker.signals:
        for attr in ("forward", "backward", "lm"):
            wrapped = getattr(signal, attr, None)
            if wrapped is None or id(wrapped) in seen:
                continue
            seen.add(id(wrapped))
            wrapped.inner = (CountingLM if attr == "lm" else CountingTranslator)(wrapped.inner)
            counters.append(wrapped.inner)
    assert len(counters) == 3, "expected the two translators and the LM behind the cache"
    return counters


class CountingLM(CountingTranslator):
    def score(self, texts):
        self.calls += len(texts)
        return self.inner.score(texts)


def test_cli_json_is_byte_identical_with_and_without_cache(cli, tiny_models_dir, seed_path, tmp_path):
    outputs = []
    for extra in (["--no-cache"], ["--cache", tmp_path / "c.sqlite"], ["--cache", tmp_path / "c.sqlite"]):
        out = tmp_path / f"out{len(outputs)}.json"
        result = cli("flags", seed_path, "--models-dir", tiny_models_dir, "--format", "json", "-o", out, *extra)
        assert result.exit_code == 0, result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(Cache(tmp_path / "c.sqlite")) > 0


def test_unusable_cache_path_is_a_one_line_error(cli, tiny_models_dir, seed_path, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")
    result = cli("flags", seed_path, "--models-dir", tiny_models_dir, "--cache", blocker / "c.sqlite")
    assert result.exit_code == 2
    assert result.stderr.startswith("mtqa: error: cannot use cache") and "Traceback" not in result.stderr


WRITER = """
import sys
from mtqa.models.cache import Cache
cache = Cache(sys.argv[1])
scope = ("model", "rev", "{}", "translate")
for i in range(int(sys.argv[3])):
    cache.put_many(scope, {f"{sys.argv[2]}-{i}-{j}": [f"text {i} {j}", -1.5 * j] for j in range(20)})
    cache.get_many(scope, [f"{sys.argv[2]}-{i}-0"])
"""


def test_two_processes_writing_one_cache_do_not_corrupt_it(tmp_path):
    path = tmp_path / "shared.sqlite"
    env = {"PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, "60"], env=env,
                              stderr=subprocess.PIPE, text=True) for name in ("a", "b")]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    cache = Cache(path)
    assert cache.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert cache.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert len(cache) == 2 * 60 * 20
    scope = ("model", "rev", "{}", "translate")
    assert cache.get_many(scope, ["a-59-3", "b-0-19"]) == {"a-59-3": ["text 59 3", -4.5], "b-0-19": ["text 0 19", -28.5]}


@pytest.mark.parametrize("value", [-0.1, 1e-300, -5.590622997283935, 0.30000000000000004])
def test_floats_survive_the_cache_exactly(tmp_path, value):
    cache = Cache(tmp_path / "c.sqlite")
    cache.put_many(("m", "r", "{}", "k"), {"h": [value]})
    assert json.loads(json.dumps(Cache(tmp_path / "c.sqlite").get_many(("m", "r", "{}", "k"), ["h"])["h"])) == [value]
