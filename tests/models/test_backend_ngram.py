"""The offline n-gram backend (pocketsphinx en-us trigram) on invented sentences."""

from __future__ import annotations

import hashlib

import pytest

pytest.importorskip("pocketsphinx")

from mtqa.config import Config  # noqa: E402
from mtqa.models.backends.ngram import NGramLanguageModel, default_model_path  # noqa: E402
from mtqa.models.context import ModelContext  # noqa: E402
from mtqa.signals.fluency import FluencySignal  # noqa: E402
from mtqa.types import Sentence  # noqa: E402


@pytest.fixture(scope="module")
def lm():
    return NGramLanguageModel()


def test_tokens_carry_spans_of_the_original_words(lm):
    text = "In 1990 the U.S. mayor's office didn't pay 3.5% of twenty-one bills."
    toks = lm.tokenize(text)
    for t in toks:
        if t.kind != "boundary":
            assert text[t.start:t.end].strip() == text[t.start:t.end] and t.end > t.start
    words = [t.lm for t in toks]
    assert words[:3] == ["in", "nineteen", "ninety"]  # numbers spelled out, as the model was trained
    assert "u." in words and "didn't" in words and "percent" in words
    assert {"twenty", "one"} <= set(words)  # hyphenated words split
    assert text[toks[1].start:toks[1].end] == "1990"


def test_unknown_names_are_not_penalised(lm):
    a = lm.analyse("The minister met Smith in the capital on Monday.")
    b = lm.analyse("The minister met Kvaratskhelia in the capital on Monday.")
    assert b.values["ngram_unknown_share"] == 0.0 and b.values["ngram_name_share"] > 0
    assert abs(a.values["ngram_slor"] - b.values["ngram_slor"]) < 1.0
    assert not any(s[2] == "Kvaratskhelia" for s in b.suspects)
    c = lm.analyse("The minister met the kvaratskhelia in the capital on Monday.")  # lowercase: unknown
    assert c.values["ngram_unknown_share"] > 0 and any(s[2] == "kvaratskhelia" for s in c.suspects)


def test_a_scrambled_sentence_scores_worse_than_its_original(lm):
    good = "The government announced new measures to support small businesses during the crisis."
    bad = "Businesses the crisis announced to small new during support government measures the."
    g, b = lm.analyse(good), lm.analyse(bad)
    for key in ("ngram_slor", "ngram_mean_logprob", "ngram_min_rel"):
        assert b.values[key] < g.values[key], key
    assert all(bad[s:e] == t for s, e, t, _, _ in b.words)


def test_signature_names_the_backend_and_the_model_files_sha256(lm):
    sha = hashlib.sha256(open(default_model_path(), "rb").read()).hexdigest()
    assert lm.signature() == f"ngram:pocketsphinx-en-us@{sha[:12]}+names:proxy"
    signal = FluencySignal(Config(fluency_model="ngram"), ModelContext(Config(fluency_model="ngram")))
    assert signal.signature().startswith("fluency:2+ngram:pocketsphinx-en-us@" + sha[:12])


def test_fluency_values_are_ngram_named_and_suspects_map_to_the_sentence():
    signal = FluencySignal(Config(fluency_model="ngram"), ModelContext(Config(fluency_model="ngram")))
    text = "He said that the the government will to decide tomorrow."
    (res,) = signal.score([Sentence("d", 0, text, 0, len(text), 1, 1)])
    assert res.values and all(k.startswith("ngram_") for k in res.values)
    assert "mean_logprob" not in res.values  # the neural LM's hand-set rule never reads n-gram numbers
    assert all(text[s.start:s.end] == s.text for s in res.suspects)


def test_the_fluency_role_falls_back_to_ngram_when_no_neural_lm_is_installed(tmp_path):
    context = ModelContext(Config(models_dir=tmp_path, fluency_model="fluency"))
    assert isinstance(context.language_model("fluency"), NGramLanguageModel)


def test_without_pocketsphinx_fluency_is_skipped_with_a_reason(tmp_path, monkeypatch):
    import sys

    from mtqa.signals.registry import build_signals

    monkeypatch.setitem(sys.modules, "pocketsphinx", None)  # import fails as if not installed
    config = Config(models_dir=tmp_path, signals=("fluency",))
    signals, skipped = build_signals(config, ModelContext(config))
    assert not signals and skipped[0].name == "fluency" and "pocketsphinx" in skipped[0].reason


def test_a_sentence_with_no_words_is_the_models_unlikely_empty_sentence(lm):
    empty, good = lm.analyse("."), lm.analyse("The minister met the mayor on Monday.")
    assert [t.lm for t, _, _ in empty.tokens] == ["</s>"]  # P(</s> | <s>), not nothing at all
    for key in ("ngram_slor", "ngram_min_rel", "ngram_mean_logprob"):
        assert empty.values[key] < min(0.0, good.values[key]), key
