"""End to end on the tiny models: the CLI, every model signal, positions, determinism, missing models."""

from __future__ import annotations

import json
import math

import pytest

MODEL_SIGNALS = ("roundtrip", "likelihood", "fluency")
EXPECTED_VALUES = {
    "roundtrip": {"chrf", "bleu"},
    "likelihood": {"mean_logprob", "min_logprob", "bt_mean_logprob"},
    "fluency": {"mean_logprob", "perplexity"},
}


@pytest.fixture(autouse=True)
def empty_hf_cache(tmp_path, monkeypatch):
    """Resolution must not find real models in this machine's Hugging Face cache."""
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))


def _flags_json(cli, seed_path, *extra):
    result = cli("flags", seed_path, "--format", "json", "--all", *extra)
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def seed_report(tiny_models_dir):
    from typer.testing import CliRunner

    from mtqa.cli.app import app
    from tests.conftest import DATA

    result = CliRunner().invoke(app, ["flags", str(DATA / "seed-article.txt"), "--format", "json", "--all",
                                      "--models-dir", str(tiny_models_dir)])
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout


def test_every_model_signal_reports_finite_values(seed_report):
    (doc,) = json.loads(seed_report)
    assert doc["skipped_signals"] == []
    prose = [s for s in doc["sentences"] if s["kind"] in ("body", "title", "heading")]
    assert len(prose) > 10
    for sentence in prose:
        for name in MODEL_SIGNALS:
            values = sentence["signals"][name]
            assert EXPECTED_VALUES[name] <= set(values), (name, values)
            for key in EXPECTED_VALUES[name]:
                assert math.isfinite(values[key])
        assert isinstance(sentence["signals"]["roundtrip"]["backtranslation"], str)
        assert isinstance(sentence["signals"]["roundtrip"]["roundtrip"], str)
        assert sentence["signals"]["fluency"]["perplexity"] >= 1.0


def test_suspect_spans_lie_inside_their_sentence(seed_report):
    (doc,) = json.loads(seed_report)
    for sentence in doc["sentences"]:
        for values in sentence["signals"].values():
            for suspect in values.get("suspects", []):
                assert 0 <= suspect["start"] < suspect["end"] <= len(sentence["text"])
                assert sentence["text"][suspect["start"]:suspect["end"]] == suspect["text"]


def test_signature_names_every_model_and_revision(seed_report, tiny_models_dir):
    from mtqa.models.locate import content_revision

    (doc,) = json.loads(seed_report)
    for role, model_id in (("backtranslate", "mtqa-tiny/marian-en-de"), ("roundtrip", "mtqa-tiny/marian-de-en"),
                           ("fluency", "mtqa-tiny/gpt2")):
        assert f"{model_id}@{content_revision(tiny_models_dir / role)}" in doc["signature"]
    for name in MODEL_SIGNALS:
        assert f"{name}:{'2' if name == 'fluency' else '1'}+" in doc["signature"]
    assert "chrF2[nrefs:1," in doc["signature"] and "beam:1" in doc["signature"]


def test_two_runs_give_byte_identical_json(cli, seed_path, tiny_models_dir, seed_report):
    assert _flags_json(cli, seed_path, "--models-dir", tiny_models_dir) == seed_report


def test_batch_size_does_not_change_values(cli, seed_path, tiny_models_dir, tmp_path):
    # the first part of the seed article: long and short sentences, and fast enough at batch size 1
    article = tmp_path / "part.txt"
    article.write_text("\n".join(seed_path.read_text("utf-8").splitlines()[:12]) + "\n", "utf-8")
    one, sixteen = (json.loads(_flags_json(cli, article, "--models-dir", tiny_models_dir, "--batch-size", b))[0]
                    for b in ("1", "16"))
    assert len(sixteen["sentences"]) > 5
    assert one["signature"] == sixteen["signature"]
    for a, b in zip(one["sentences"], sixteen["sentences"]):
        for name in MODEL_SIGNALS:
            if name not in b["signals"]:
                continue
            for key in EXPECTED_VALUES[name]:
                # perplexity is exp(-mean_logprob): the same 1e-5 agreement, on a log scale
                tolerance = {"rel": 1e-5} if key == "perplexity" else {"abs": 1e-5}
                assert a["signals"][name][key] == pytest.approx(b["signals"][name][key], **tolerance)
            assert a["signals"]["roundtrip"]["roundtrip"] == b["signals"]["roundtrip"]["roundtrip"]


def test_missing_models_are_skipped_and_listed_never_zero(cli, seed_path, tmp_path):
    out = _flags_json(cli, seed_path, "--models-dir", tmp_path / "none")
    (doc,) = json.loads(out)
    skipped = {s["name"]: s for s in doc["skipped_signals"]}
    # fluency is not skipped: without distilgpt2 it runs on the offline n-gram model (pocketsphinx)
    assert set(skipped) == {"roundtrip", "likelihood", "learned"}
    assert "Helsinki-NLP/opus-mt-en-de" in skipped["roundtrip"]["reason"]
    assert "mtqa models install lm" in skipped["learned"]["fix"]
    assert "mtqa models pull" in skipped["roundtrip"]["fix"]
    for sentence in doc["sentences"]:
        assert not {"roundtrip", "likelihood", "learned"} & set(sentence["signals"])
        assert all(k.startswith("ngram_") for k in sentence["signals"].get("fluency", {}))
    assert "roundtrip:skipped" in doc["signature"] and "fluency:2+ngram:pocketsphinx-en-us@" in doc["signature"]


def test_missing_model_with_require_models_exits_2_naming_it(cli, seed_path, tmp_path):
    # (fluency is no example any more: without its model it runs on the offline n-gram model)
    result = cli("flags", seed_path, "--models-dir", tmp_path / "none", "--require-models", "--signals",
                 "roundtrip")
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "opus-mt-en-de" in lines[0] and "mtqa models pull backtranslate" in lines[0]
    assert "Traceback" not in result.stderr


def test_pickle_only_model_dir_is_refused(cli, seed_path, tmp_path, tiny_models_dir):
    import shutil

    bad = tmp_path / "models"
    shutil.copytree(tiny_models_dir / "fluency", bad / "fluency")
    (bad / "fluency" / "model.safetensors").unlink()
    (bad / "fluency" / "pytorch_model.bin").write_bytes(b"not loaded")
    result = cli("flags", seed_path, "--models-dir", bad, "--require-models", "--signals", "fluency")
    assert result.exit_code == 2
    assert "pytorch_model.bin" in result.stderr and "safetensors only" in result.stderr
    assert "Traceback" not in result.stderr


def test_json_is_byte_identical_across_batch_sizes(cli, seed_path, tiny_models_dir, tmp_path):
    outputs = []
    for size in ("1", "16"):
        out = tmp_path / f"b{size}.json"
        result = cli("flags", seed_path, "--models-dir", tiny_models_dir, "--batch-size", size, "--format", "json",
                     "-o", out)
        assert result.exit_code == 0, result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_signature_splits_into_its_parts_on_the_bar(seed_report):
    (doc,) = json.loads(seed_report)
    parts = doc["signature"].split("|")
    assert parts[0].startswith("mtqa:") and all(":" in p for p in parts)
    assert [p.split(":")[0] for p in parts if p.split(":")[0] in ("roundtrip", "likelihood", "fluency", "rules")] == [
        "rules", "roundtrip", "likelihood", "fluency"]
