"""The transformers backend on tiny models: forced decoding, batching, order, truncation."""

from __future__ import annotations

import math

import pytest
import torch
from conftest import MODEL_TEST_SENTENCES

SENTENCES = MODEL_TEST_SENTENCES


def test_forced_decoding_equals_a_manual_computation_from_logits(tiny_context):
    model = tiny_context.translator("roundtrip")
    source, target = "Der Kreml bestreitet es.", "The Kremlin denies it."
    (scored,) = model.score([source], [target])
    tok, net = model.tokenizer, model.model
    enc = tok([source], return_tensors="pt")
    labels = tok(text_target=[target], return_tensors="pt").input_ids
    decoder_input = torch.cat([torch.tensor([[net.config.decoder_start_token_id]]), labels[:, :-1]], dim=1)
    with torch.no_grad():
        logits = net(**enc, decoder_input_ids=decoder_input).logits[0]
    logits[:, net.config.pad_token_id] = float("-inf")  # Marian never emits padding
    expected = [float(torch.log_softmax(logits[i], -1)[labels[0, i]]) for i in range(labels.shape[1])]
    assert scored.tokens == tuple(tok.convert_ids_to_tokens(labels[0, :-1]))
    assert len(scored.logprobs) == len(scored.tokens) + 1
    assert scored.logprobs == pytest.approx(expected, abs=1e-5)


def test_translation_mean_logprob_is_the_forced_score_of_its_output(tiny_context):
    forward = tiny_context.translator("backtranslate")
    (translation,) = forward.translate(["The Kremlin denies it."])
    assert translation.mean_logprob < 0 and math.isfinite(translation.mean_logprob)
    (again,) = forward.translate(["The Kremlin denies it."])
    assert again == translation


def test_order_is_restored_after_length_sorting(tiny_context):
    forward = tiny_context.translator("backtranslate")
    together = forward.translate(SENTENCES)
    alone = [forward.translate([s])[0] for s in SENTENCES]
    assert [t.text for t in together] == [t.text for t in alone]
    assert [t.mean_logprob for t in together] == pytest.approx([t.mean_logprob for t in alone], abs=1e-5)
    scores = forward.score(SENTENCES, [t.text for t in together])
    single = [forward.score([s], [t.text])[0] for s, t in zip(SENTENCES, together)]
    assert [s.tokens for s in scores] == [s.tokens for s in single]
    for a, b in zip(scores, single):
        assert a.logprobs == pytest.approx(b.logprobs, abs=1e-5)


def test_lm_scores_match_logits_and_batches(tiny_context):
    lm = tiny_context.language_model("fluency")
    text = "Russia dismissed the allegations."
    batch = lm.score([text, "A much longer sentence about the war in Syria and its consequences."])
    ids = [lm.bos_id] + lm.tokenizer(text, add_special_tokens=False).input_ids
    with torch.no_grad():
        logits = lm.model(torch.tensor([ids])).logits[0]
    expected = [float(torch.log_softmax(logits[i], -1)[ids[i + 1]]) for i in range(len(ids) - 1)]
    assert batch[0].logprobs == pytest.approx(expected, abs=1e-5)
    assert len(batch[0].offsets) == len(batch[0].tokens) == len(expected)
    assert "".join(text[a:b] for a, b in batch[0].offsets) == text


def test_overlong_input_is_truncated_not_fatal(tiny_context):
    long = " ".join(["The government announced new measures against the crisis."] * 60)
    forward = tiny_context.translator("backtranslate")
    (translation,) = forward.translate([long])
    assert math.isfinite(translation.mean_logprob)
    (scored,) = tiny_context.translator("roundtrip").score([long], [long])
    assert len(scored.tokens) < forward.max_length and all(math.isfinite(x) for x in scored.logprobs)
    (lm,) = tiny_context.language_model("fluency").score([long])
    assert 0 < len(lm.logprobs) < 128


def test_empty_and_odd_inputs_do_not_crash(tiny_context):
    results = tiny_context.translator("backtranslate").translate(["", "“Fakenews” — 100 %", "…"])
    assert len(results) == 3 and all(math.isfinite(r.mean_logprob) for r in results)
