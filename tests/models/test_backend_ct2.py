"""The CTranslate2 backend against the transformers one on the tiny models, and backend selection."""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("ctranslate2")

from conftest import MODEL_TEST_SENTENCES

from mtqa.config import Config
from mtqa.models.context import ModelContext
from mtqa.models.locate import ModelError

SENTENCES = MODEL_TEST_SENTENCES
LOGPROB_TOLERANCE = 1e-4  # nats; float32 on both sides, different kernels (measured: < 1e-6)


@pytest.fixture(scope="module")
def converted_dir(tiny_models_dir, tmp_path_factory):
    """A copy of the tiny set with float32 CTranslate2 conversions beside it (the shared set stays hf-only)."""
    from mtqa.cli.models_cmd import convert_models

    out = tmp_path_factory.mktemp("tiny-ct2")
    for role in ("backtranslate", "roundtrip", "fluency"):
        shutil.copytree(tiny_models_dir / role, out / role)
    convert_models(Config(models_dir=out), [], "float32")
    return out


@pytest.fixture(scope="module")
def both(converted_dir):
    hf = ModelContext(Config(models_dir=converted_dir, backend="hf"))
    ct2 = ModelContext(Config(models_dir=converted_dir, backend="ct2", compute_type="float32"))
    return hf, ct2


@pytest.mark.parametrize("role", ["backtranslate", "roundtrip"])
def test_float32_ct2_gives_the_same_greedy_translations_and_logprobs(both, role):
    hf, ct2 = (ctx.translator(role) for ctx in both)
    assert (hf.backend, ct2.backend) == ("hf", "ct2")
    a, b = hf.translate(SENTENCES), ct2.translate(SENTENCES)
    assert [t.text for t in b] == [t.text for t in a]
    assert [t.mean_logprob for t in b] == pytest.approx([t.mean_logprob for t in a], abs=LOGPROB_TOLERANCE)


def test_float32_ct2_forced_decoding_matches_per_token(both):
    hf, ct2 = (ctx.translator("roundtrip") for ctx in both)
    sources = [t.text for t in both[0].translator("backtranslate").translate(SENTENCES)]
    a, b = hf.score(sources, SENTENCES), ct2.score(sources, SENTENCES)
    for x, y in zip(a, b):
        assert y.tokens == x.tokens
        assert len(y.logprobs) == len(y.tokens) + 1
        assert y.logprobs == pytest.approx(x.logprobs, abs=LOGPROB_TOLERANCE)


def test_ct2_results_do_not_depend_on_the_batching(converted_dir):
    def ctx(tokens):
        return ModelContext(Config(models_dir=converted_dir, backend="ct2", compute_type="float32",
                                   batch_tokens=tokens)).translator("backtranslate")

    small, large = ctx(8), ctx(100_000)
    assert [t.text for t in small.translate(SENTENCES)] == [t.text for t in large.translate(SENTENCES)]
    targets = [t.text for t in large.translate(SENTENCES)]
    for x, y in zip(small.score(SENTENCES, targets), large.score(SENTENCES, targets)):
        assert x.tokens == y.tokens and x.logprobs == pytest.approx(y.logprobs, abs=1e-5)


def test_int8_is_the_cpu_default_and_signs_differently(converted_dir):
    ct2 = ModelContext(Config(models_dir=converted_dir, backend="ct2")).translator("backtranslate")
    hf = ModelContext(Config(models_dir=converted_dir, backend="hf")).translator("backtranslate")
    assert ct2.revision == f"{hf.revision}+ct2-int8"
    (translation,) = ct2.translate(["The Kremlin denies it."])
    assert translation.text and translation.mean_logprob < 0


def test_auto_uses_a_fresh_conversion_and_falls_back_to_hf(converted_dir, tiny_models_dir):
    assert ModelContext(Config(models_dir=converted_dir)).translator("roundtrip").backend == "ct2"
    assert ModelContext(Config(models_dir=tiny_models_dir)).translator("roundtrip").backend == "hf"


def test_explicit_ct2_without_conversion_names_the_fix(tiny_models_dir):
    with pytest.raises(ModelError) as err:
        ModelContext(Config(models_dir=tiny_models_dir, backend="ct2")).translator("roundtrip")
    assert "mtqa models convert" in err.value.fix


def test_stale_conversion_is_not_used(converted_dir, tmp_path):
    for role in ("backtranslate", "backtranslate-ct2"):
        shutil.copytree(converted_dir / role, tmp_path / role)
    (tmp_path / "backtranslate" / "generation_config.json").write_text("{}\n", "utf-8")  # new revision
    assert ModelContext(Config(models_dir=tmp_path)).translator("backtranslate").backend == "hf"


def test_convert_cli_writes_beside_the_models(cli, tiny_models_dir, tmp_path):
    shutil.copytree(tiny_models_dir / "roundtrip", tmp_path / "roundtrip")
    result = cli("models", "convert", "roundtrip", "--models-dir", tmp_path, "--quantization", "int8")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "roundtrip-ct2" / "model.bin").is_file()
    bad = cli("models", "convert", "--models-dir", tmp_path, "--quantization", "int3")
    assert bad.exit_code == 2 and "int3" in bad.stderr


def test_convert_cli_with_a_relative_models_dir(cli, tmp_path, monkeypatch):
    from mtqa.testing.tiny import build_tiny

    build_tiny(tmp_path / "tiny2")
    monkeypatch.chdir(tmp_path)
    result = cli("models", "convert", "backtranslate", "--models-dir", "tiny2", "--quantization", "float32")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "tiny2" / "backtranslate-ct2" / "model.bin").is_file()


def test_convert_cli_names_roles_without_a_ct2_backend(cli, tiny_models_dir):
    only = cli("models", "convert", "fluency", "--models-dir", tiny_models_dir)
    assert only.exit_code == 2
    assert "fluency has no CTranslate2 backend" in only.stderr and len(only.stderr.strip().splitlines()) == 1
