"""Token-budget batching (used by both backends and the fluency LM): results never depend on it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mtqa.config import Config
from mtqa.models.backends.batching import in_token_batches, token_batches
from mtqa.models.context import ModelContext

SENTENCES = [
    "The Kremlin denies it.",
    "According to the New York Times report, intelligence agencies announced the finding to the president.",
    "Yes.",
    "Russia has a conflicting history with Afghanistan.",
    "US soldiers have been fighting in the Hindu Kush since the September 11, 2001 terrorist attacks.",
]


@given(st.lists(st.integers(1, 200), max_size=60), st.integers(1, 1000), st.one_of(st.none(), st.integers(1, 20)))
def test_batches_cover_every_item_once_within_the_budget(lengths, budget, rows):
    batches = list(token_batches(lengths, budget, rows))
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        padded = len(batch) * max(lengths[i] for i in batch)
        assert len(batch) == 1 or padded <= budget
        assert rows is None or len(batch) <= rows


def test_results_come_back_in_input_order():
    items = ["ccc", "a", "bb", "dddd", "a"]
    assert in_token_batches(items, [len(x) for x in items], lambda b: [x.upper() for x in b], 4) == \
        ["CCC", "A", "BB", "DDDD", "A"]


@pytest.fixture(scope="module")
def budgets(tiny_models_dir):
    return [ModelContext(Config(models_dir=tiny_models_dir, backend="hf", batch_tokens=tokens, batch_size=64))
            for tokens in (1, 60, 100_000)]


def test_hf_translations_and_scores_do_not_depend_on_the_budget(budgets):
    runs = [ctx.translator("backtranslate").translate(SENTENCES) for ctx in budgets]
    for other in runs[1:]:
        assert [t.text for t in other] == [t.text for t in runs[0]]
        assert [t.mean_logprob for t in other] == pytest.approx([t.mean_logprob for t in runs[0]], abs=1e-5)
    scores = [ctx.translator("roundtrip").score([t.text for t in runs[0]], SENTENCES) for ctx in budgets]
    for other in scores[1:]:
        for x, y in zip(other, scores[0]):
            assert x.tokens == y.tokens and x.logprobs == pytest.approx(y.logprobs, abs=1e-5)


def test_lm_scores_do_not_depend_on_the_budget(budgets):
    runs = [ctx.language_model("fluency").score(SENTENCES) for ctx in budgets]
    for other in runs[1:]:
        for x, y in zip(other, runs[0]):
            assert x.tokens == y.tokens and x.offsets == y.offsets
            assert x.logprobs == pytest.approx(y.logprobs, abs=1e-5)


@pytest.mark.parametrize("omp, expected", [("1", (1, 1)), ("4", (2, 2)), ("6", (2, 3))])
def test_ct2_threads_follow_the_cores_a_worker_is_given(monkeypatch, omp, expected):
    """A Ray actor with N CPUs gets OMP_NUM_THREADS=N: CTranslate2 must not use every core of the node."""
    from mtqa.models.backends.ct2 import thread_counts

    monkeypatch.setenv("OMP_NUM_THREADS", omp)
    assert thread_counts() == expected
