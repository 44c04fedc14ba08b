"""The decoding shortlist: both backends restrict the translation passes alike, never the scoring ones."""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("ctranslate2")

from conftest import MODEL_TEST_SENTENCES

from mtqa.config import Config, ConfigError
from mtqa.models.context import ModelContext
from mtqa.models.shortlist import shortlist, target_language

WORDS = 30  # a list this short leaves out part of the tiny vocabulary, so the restriction shows


@pytest.fixture(scope="module")
def converted(tiny_models_dir, tmp_path_factory):
    from mtqa.cli.models_cmd import convert_models

    out = tmp_path_factory.mktemp("tiny-shortlist")
    for role in ("backtranslate", "roundtrip"):
        shutil.copytree(tiny_models_dir / role, out / role)
    convert_models(Config(models_dir=out), [], "float32")
    return out


def contexts(models_dir, words):
    return {backend: ModelContext(Config(models_dir=models_dir, backend=backend, compute_type="float32",
                                         shortlist=words)) for backend in ("hf", "ct2")}


def test_the_target_language_comes_from_the_model_id():
    assert target_language("Helsinki-NLP/opus-mt-en-de") == "de"
    assert target_language("mtqa-tiny/marian-de-en") == "en"
    assert target_language("some-model") is None


def test_the_list_keeps_special_short_and_letterless_pieces():
    vocab = {"</s>": 0, "<unk>": 1, "▁die": 2, "▁Regierung": 3, "▁zzq": 4, "42": 5, "▁,": 6, "<pad>": 7}
    kept = shortlist(vocab, lambda words: [["▁" + w] for w in words], "de", 100, ["</s>", "<unk>"])
    assert kept == ["</s>", "<unk>", "▁die", "42", "▁,"]  # vocabulary order; "▁zzq" is no frequent word
    with pytest.raises(ConfigError, match="--shortlist must be 0"):
        Config(shortlist=-1)


def test_both_backends_choose_only_listed_pieces_and_agree(converted):
    ctx = contexts(converted, WORDS)
    hf, ct2 = ctx["hf"].translator("backtranslate"), ctx["ct2"].translator("backtranslate")
    allowed = {i for i, b in enumerate(hf.shortlist_bias.tolist()) if b == 0.0}
    assert 0 < len(allowed) < len(hf.tokenizer.get_vocab())
    a, b = hf.translate(MODEL_TEST_SENTENCES), ct2.translate(MODEL_TEST_SENTENCES)
    assert [t.text for t in a] == [t.text for t in b]
    for t in a:
        assert set(hf.tokenizer(text_target=t.text)["input_ids"]) <= allowed | {hf.eos_id}
    assert hf.revision.endswith("+shortlist30") and ct2.revision.endswith("+shortlist30")
    assert not (converted / "backtranslate-ct2" / "vmap.txt").exists()  # the user's conversion is untouched


def test_scoring_and_reported_logprobs_stay_full_softmax(converted):
    full, short = contexts(converted, 0), contexts(converted, WORDS)
    for backend in ("hf", "ct2"):
        a, b = full[backend].translator("roundtrip"), short[backend].translator("roundtrip")
        sources = ["Die Regierung hat es bestätigt.", "Ja."]
        for x, y in zip(a.score(sources, MODEL_TEST_SENTENCES[:2]), b.score(sources, MODEL_TEST_SENTENCES[:2])):
            assert x == y
        # a translation's mean log-prob is over the full softmax: where the text is the same, so is the mean
        plain, listed = a.translate(MODEL_TEST_SENTENCES), b.translate(MODEL_TEST_SENTENCES)
        same = [(x, y) for x, y in zip(plain, listed) if x.text == y.text]
        assert same
        for x, y in same:
            assert y.mean_logprob == pytest.approx(x.mean_logprob, abs=1e-5)


def test_off_by_default_and_named_in_the_signature(converted, cli, seed_path):
    assert Config().shortlist == 0
    result = cli("score", seed_path, "--models-dir", converted, "--signals", "roundtrip", "--backend", "ct2",
                 "--shortlist", "100", "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    assert "+shortlist100" in result.stdout
