"""The model signals on tiny models: values, suspects inside sentences, SLOR, a shared back-translation."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from mtqa.models.context import ModelContext
from mtqa.signals import fluency, likelihood, roundtrip
from mtqa.types import Sentence

TEXTS = ["Russia dismissed the allegations as “unfounded allegations”.",
         "According to a report by, there have been no official statements.",
         "The New York Times accused the Russian mission of spreading Fakenews."]


def _sentences(texts=TEXTS):
    return [Sentence("doc", i, t, 0, len(t), 1, 1) for i, t in enumerate(texts)]


def _all_finite(result):
    return all(isinstance(v, float) and math.isfinite(v) for v in result.values.values())


def test_roundtrip_values_extra_and_signature(tiny_context):
    signal = roundtrip.build(tiny_context.config, tiny_context)
    results = signal.score(_sentences())
    assert [set(r.values) for r in results] == [{"chrf", "bleu"}] * 3
    assert all(_all_finite(r) and 0 <= r.values["chrf"] <= 100 for r in results)
    assert all({"backtranslation", "roundtrip"} == set(r.extra) for r in results)
    assert signal.signature().startswith("roundtrip:1+mtqa-tiny/marian-en-de@")


def test_likelihood_shares_the_back_translation_and_places_suspects(tiny_context):
    context = ModelContext(tiny_context.config)
    rt = roundtrip.build(context.config, context)
    lk = likelihood.build(context.config, context)
    calls = []
    forward = context.translator("backtranslate")
    original = forward.translate
    forward.translate = lambda texts, beam=1: calls.append(len(texts)) or original(texts, beam)
    rt_results = rt.score(_sentences())
    lk.suspect_margin = 0.0  # random weights are flat: any word below the mean counts here
    results = lk.score(_sentences())
    assert calls == [3]
    for text, result in zip(TEXTS, results):
        assert set(result.values) == {"mean_logprob", "min_logprob", "bt_mean_logprob"} and _all_finite(result)
        assert result.values["min_logprob"] <= result.values["mean_logprob"] + 1e-9
        assert len(result.suspects) in (1, 2, 3)
        for s in result.suspects:
            assert text[s.start:s.end] == s.text and s.value < result.values["mean_logprob"]
    bt = context.translate("backtranslate", TEXTS)
    assert [r.values["bt_mean_logprob"] for r in results] == [t.mean_logprob for t in bt]
    assert [r.extra["backtranslation"] for r in rt_results] == [t.text for t in bt]


def test_fluency_values_suspects_and_slor(tiny_context, tiny_models_dir):
    config = replace(tiny_context.config, slor=True, fluency_model=str(tiny_models_dir / "fluency"))
    signal = fluency.build(config, ModelContext(config))
    assert "slor:wordfreq" in signal.signature() and "mtqa-tiny/gpt2@" in signal.signature()
    signal.suspect_margin = 0.0
    for text, result in zip(TEXTS, signal.score(_sentences())):
        assert set(result.values) == {"mean_logprob", "perplexity", "slor"} and _all_finite(result)
        assert result.values["perplexity"] == pytest.approx(math.exp(-result.values["mean_logprob"]))
        assert result.suspects
        for s in result.suspects:
            assert 0 <= s.start < s.end <= len(text) and text[s.start:s.end] == s.text


def test_slor_rewards_frequent_words_less_than_rare_ones(tiny_context):
    # Same LM score, different unigram: SLOR subtracts the unigram log-prob, so rare words score higher.
    assert fluency.unigram_logprob("the") > fluency.unigram_logprob("Fakenews") > math.log(1e-9) - 1e-9
