"""`mtqa models pull --convert`: the one explicit path from a pickle to safetensors, over HTTP and on disk."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil

import pytest
import torch

from mtqa.config import Config
from mtqa.models.convert_pickle import ConversionError, convert_in_place
from mtqa.models.locate import MARKER, locate
from tests.conftest import MODEL_TEST_SENTENCES, one_line_error

from .hubrepos import DE_EN, DE_EN_MAIN, EN_DE, EN_DE_MAIN, model_files, pickled_weights


def translations(folder, sentences):
    from mtqa.models.backends.hf import HFTranslator

    located = locate(str(folder), Config())
    return [t.text for t in HFTranslator.load(located, "cpu", 8).translate(sentences)]


def test_convert_the_pickle_only_main_of_a_role(cli, hub, tmp_path, tiny_models_dir):
    models = tmp_path / "models"
    result = cli("models", "pull", "backtranslate", "--revision", "main", "--convert", "--models-dir", models)
    assert result.exit_code == 0, result.stderr
    assert "converted from pytorch_model.bin" in result.stdout and result.stderr == ""
    folder = models / "backtranslate"
    files = {p.name for p in folder.iterdir()}
    assert "model.safetensors" in files and not [n for n in files if n.endswith(".bin")]
    info = json.loads((folder / MARKER).read_text())
    served = hub.repos[EN_DE]["main"][1]
    assert info["commit"] == EN_DE_MAIN and info["revision"] == "main"
    assert info["converted_from"]["sha256"] == hashlib.sha256(served["pytorch_model.bin"]).hexdigest()
    assert (folder / "config.json").read_bytes() == served["config.json"]  # config and tokenizer as the hub has them
    found = locate("backtranslate", Config(models_dir=models))
    assert found.revision == f"{EN_DE_MAIN}+converted" and found.commit == EN_DE_MAIN
    listed = cli("models", "list", "--models-dir", models).stdout.splitlines()[0]
    assert f"\tcommit {EN_DE_MAIN}\t" in listed and listed.endswith("(not the pinned commit)"), listed
    # the converted weights translate exactly as the tiny model they were pickled from
    assert translations(folder, MODEL_TEST_SENTENCES[:3]) == translations(tiny_models_dir / "backtranslate",
                                                                          MODEL_TEST_SENTENCES[:3])
    assert not [p for p in models.rglob("*") if ".mtqa-pull-" in p.name]


def test_convert_any_hub_id_into_the_default_models_directory(cli, hub, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("models", "pull", DE_EN, "--convert")  # main: pickle only
    assert result.exit_code == 0, result.stderr
    folder = tmp_path / "models" / "Helsinki-NLP--opus-mt-de-en"
    assert f"{DE_EN}@{DE_EN_MAIN}\tmodels/Helsinki-NLP--opus-mt-de-en\t" in result.stdout and folder.is_dir()
    assert locate(DE_EN, Config()).revision == f"{DE_EN_MAIN}+converted"


def test_no_conversion_on_torch_older_than_2_10(cli, hub, tmp_path, monkeypatch):
    import mtqa.models.convert_pickle as convert_pickle

    monkeypatch.setattr(convert_pickle, "torch_version", lambda: (2, 9))
    result = cli("models", "pull", "backtranslate", "--revision", "main", "--convert", "--models-dir", tmp_path)
    one_line_error(result, "cannot convert pytorch_model.bin: torch")
    assert "older than 2.10" in result.stderr and "CVE-2026-24747" in result.stderr
    assert not [p for _, p, _ in hub.requests if "/resolve/" in p]  # refused before any download
    assert list(tmp_path.iterdir()) == []


class _RunsCode:
    def __reduce__(self):
        return (shutil.copyfile, ("/dev/null", "/tmp/mtqa-test-pickle-ran-code"))


def test_a_pickle_that_would_run_code_is_refused(cli, hub, tmp_path):
    buffer = io.BytesIO()
    torch.save({"model.shared.weight": torch.zeros(2), "payload": _RunsCode()}, buffer)
    commit, files = hub.repos[EN_DE]["main"]
    hub.repos[EN_DE]["main"] = (commit, {**files, "pytorch_model.bin": buffer.getvalue()})
    result = cli("models", "pull", "backtranslate", "--revision", "main", "--convert", "--models-dir", tmp_path)
    one_line_error(result, "converting pytorch_model.bin at commit")
    assert "weights_only=True" in result.stderr and "nothing was installed" in result.stderr
    assert not (tmp_path / "backtranslate").exists()
    assert not os.path.exists("/tmp/mtqa-test-pickle-ran-code")


def _pickle_folder(tmp_path, tiny_models_dir, role, kind, state_filter=None):
    folder = tmp_path / role
    folder.mkdir()
    for name, data in model_files(tiny_models_dir / role).items():
        if name != "model.safetensors":
            (folder / name).write_bytes(data)
    data = pickled_weights(tiny_models_dir / role, kind)
    if state_filter:
        state = torch.load(io.BytesIO(data), weights_only=True)
        buffer = io.BytesIO()
        torch.save({k: v for k, v in state.items() if state_filter(k)}, buffer)
        data = buffer.getvalue()
    (folder / "pytorch_model.bin").write_bytes(data)
    return folder


def test_a_causal_lm_converts_with_the_same_scores(tmp_path, tiny_models_dir):
    from mtqa.models.backends.hf import HFCausalLM

    folder = _pickle_folder(tmp_path, tiny_models_dir, "fluency", "causal-lm")
    info = convert_in_place(folder, "pytorch_model.bin", "causal-lm")
    assert info["checked_sentences"] == 3 and not (folder / "pytorch_model.bin").exists()
    scores = [HFCausalLM.load(locate(str(f), Config()), "cpu", 8).score(MODEL_TEST_SENTENCES)
              for f in (folder, tiny_models_dir / "fluency")]
    assert scores[0] == scores[1]


def test_a_checkpoint_missing_weights_is_refused(tmp_path, tiny_models_dir):
    folder = _pickle_folder(tmp_path, tiny_models_dir, "roundtrip", "marian", lambda k: "layers.0.fc1" not in k)
    with pytest.raises(ConversionError, match="does not fit MarianMTModel: .*layers.0.fc1"):
        convert_in_place(folder, "pytorch_model.bin", "marian")
    assert not list(folder.glob("*.safetensors"))
