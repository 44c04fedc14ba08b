"""Registry, offline resolution, revisions, refusal of pickle weights, and `mtqa models ...`."""

from __future__ import annotations

import shutil
import tomllib

import pytest

from mtqa.config import Config
from mtqa.models.context import ModelContext
from mtqa.models.locate import ModelError, ModelMissing, content_revision, locate
from mtqa.models.registry import PACKAGED_REGISTRY, load_registry
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def empty_hf_cache(tmp_path, monkeypatch):
    import huggingface_hub.constants

    cache = tmp_path / "hf-cache"
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))
    return cache


def test_registry_roles_and_packaged_copy_match_the_repository():
    registry = load_registry()
    assert {r: (s.hub_id, s.kind) for r, s in registry.items()} == {
        "backtranslate": ("Helsinki-NLP/opus-mt-en-de", "marian"),
        "roundtrip": ("Helsinki-NLP/opus-mt-de-en", "marian"),
        "fluency": ("distilbert/distilgpt2", "causal-lm"),
    }
    assert (ROOT / "models" / "registry.toml").read_text() == PACKAGED_REGISTRY.read_text()
    assert tomllib.loads(PACKAGED_REGISTRY.read_text())


def test_registry_pins_revisions_that_hold_safetensors():
    registry = load_registry()
    # opus-mt main branches hold only pickles: the conversion bot's pull request 4 has safetensors
    assert (registry["backtranslate"].revision, registry["backtranslate"].commit) == ("refs/pr/4", "73d41ab")
    assert registry["roundtrip"].revision == "6f6b23ef5ef8a586414ad9d2b7dda64ca5352935"
    assert registry["roundtrip"].expected_commit == registry["roundtrip"].revision
    assert registry["fluency"].revision == "main" and registry["fluency"].expected_commit is None
    for spec in registry.values():
        assert "model.safetensors" in spec.files and "config.json" in spec.files
    assert registry["backtranslate"].commit_matches("73d41ab" + "0" * 33)
    assert not registry["backtranslate"].commit_matches("0" * 40)


def test_registry_refuses_a_malformed_pin(tmp_path):
    from mtqa.config import ConfigError

    bad = tmp_path / "registry.toml"
    bad.write_text('[roles.x]\nhub_id = "a/b"\nkind = "marian"\nrevision = "refs/pr/4"\ncommit = "73D4"\n')
    with pytest.raises(ConfigError, match="commit must be 7 to 40 lowercase hex"):
        load_registry(bad)
    bad.write_text('[roles.x]\nhub_id = "a/b"\nkind = "marian"\nfiles = ["pytorch_model.bin"]\n')
    with pytest.raises(ConfigError, match="files must name the"):
        load_registry(bad)


def test_role_dir_and_owner_name_dir_both_resolve(tmp_path, tiny_models_dir):
    shutil.copytree(tiny_models_dir / "backtranslate", tmp_path / "Helsinki-NLP--opus-mt-en-de")
    found = locate("backtranslate", Config(models_dir=tmp_path))
    assert found.path == tmp_path / "Helsinki-NLP--opus-mt-en-de" and found.source == "models-dir"
    assert found.tiny and found.model_id == "mtqa-tiny/marian-en-de"
    by_role = locate("backtranslate", Config(models_dir=tiny_models_dir))
    assert by_role.path == tiny_models_dir / "backtranslate"
    assert locate(str(tiny_models_dir / "fluency"), Config()).kind == "causal-lm"


def test_models_dir_from_environment(tiny_models_dir, monkeypatch):
    monkeypatch.setenv("MTQA_MODELS_DIR", str(tiny_models_dir))
    assert locate("fluency", Config()).path == tiny_models_dir / "fluency"


def test_hf_cache_snapshot_is_found_offline_with_its_commit_hash(tmp_path, tiny_models_dir, empty_hf_cache):
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = empty_hf_cache / "models--distilbert--distilgpt2"
    shutil.copytree(tiny_models_dir / "fluency", repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    found = locate("fluency", Config(models_dir=tmp_path / "empty"))
    assert found.source == "hf-cache" and found.revision == found.commit == commit


def test_hf_cache_lookup_uses_the_pinned_commit(tmp_path, tiny_models_dir, empty_hf_cache):
    pinned = load_registry()["roundtrip"].revision  # a commit: looked up by it, whatever refs/main says
    repo = empty_hf_cache / "models--Helsinki-NLP--opus-mt-de-en"
    shutil.copytree(tiny_models_dir / "roundtrip", repo / "snapshots" / ("f" * 40))
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("f" * 40)
    with pytest.raises(ModelMissing):
        locate("roundtrip", Config(models_dir=tmp_path / "empty"))
    shutil.copytree(tiny_models_dir / "roundtrip", repo / "snapshots" / pinned)
    assert locate("roundtrip", Config(models_dir=tmp_path / "empty")).revision == pinned
    # a ref pinned with the first digits of its commit: a snapshot of another commit is refused
    other = repo.with_name("models--Helsinki-NLP--opus-mt-en-de")
    shutil.copytree(tiny_models_dir / "backtranslate", other / "snapshots" / ("a" * 40))
    (other / "refs" / "refs" / "pr").mkdir(parents=True)
    (other / "refs" / "refs" / "pr" / "4").write_text("a" * 40)
    with pytest.raises(ModelError, match="not the pinned 73d41ab"):
        locate("backtranslate", Config(models_dir=tmp_path / "empty"))


def test_a_pulled_directory_is_signed_by_its_commit_until_its_files_change(tmp_path, tiny_models_dir):
    import json

    from mtqa.models.locate import MARKER

    commit = "0123456789abcdef0123456789abcdef01234567"
    folder = tmp_path / "fluency"
    shutil.copytree(tiny_models_dir / "fluency", folder)
    marker = {"model_id": "distilbert/distilgpt2", "commit": commit, "content": content_revision(folder, [MARKER])}
    (folder / MARKER).write_text(json.dumps(marker))
    found = locate("fluency", Config(models_dir=tmp_path))
    assert (found.revision, found.commit, found.model_id) == (commit, commit, "distilbert/distilgpt2")
    (folder / "config.json").write_text((folder / "config.json").read_text().replace("}", ' , "x": 1}', 1))
    changed = locate("fluency", Config(models_dir=tmp_path))
    assert changed.commit is None and changed.revision == content_revision(folder)


def test_missing_model_names_the_model_and_the_fix(tmp_path):
    with pytest.raises(ModelMissing) as info:
        locate("roundtrip", Config(models_dir=tmp_path))
    assert "Helsinki-NLP/opus-mt-de-en" in info.value.reason
    assert "mtqa models pull roundtrip" in info.value.fix and "build-tiny" in info.value.fix


def test_revision_changes_when_weights_change(tmp_path, tiny_models_dir):
    copy = tmp_path / "fluency"
    shutil.copytree(tiny_models_dir / "fluency", copy)
    before = content_revision(copy)
    assert before == content_revision(tiny_models_dir / "fluency") and len(before) == 12
    weights = copy / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1
    weights.write_bytes(bytes(data))
    assert content_revision(copy) != before


def test_pickle_only_dir_is_refused_and_empty_dir_explained(tmp_path):
    (tmp_path / "fluency").mkdir()
    (tmp_path / "fluency" / "config.json").write_text("{}")
    with pytest.raises(ModelError, match="no model weights"):
        locate("fluency", Config(models_dir=tmp_path))
    (tmp_path / "fluency" / "pytorch_model.bin").write_bytes(b"\x80\x04")
    with pytest.raises(ModelError, match=r"only pickle weights \(pytorch_model.bin\)"):
        locate("fluency", Config(models_dir=tmp_path))


def test_context_loads_each_model_once_and_shares_back_translations(tiny_models_dir):
    context = ModelContext(Config(models_dir=tiny_models_dir))
    translator = context.translator("backtranslate")
    assert context.translator("backtranslate") is translator
    calls = []
    original = translator.translate

    def counting(texts, beam=1):
        calls.append(list(texts))
        return original(texts, beam)

    translator.translate = counting
    first = context.translate("backtranslate", ["A short one.", "Another sentence here.", "A short one."])
    again = context.translate("backtranslate", ["Another sentence here.", "A short one."])
    assert calls == [["A short one.", "Another sentence here."]]
    assert again == [first[1], first[0]]


def test_wrong_kind_for_a_role_is_an_error(tiny_models_dir):
    context = ModelContext(Config(models_dir=tiny_models_dir))
    with pytest.raises(ModelError, match="not a translator"):
        context.translator(str(tiny_models_dir / "fluency"))


# ---- mtqa models ... ------------------------------------------------------------------------


def test_build_tiny_writes_the_layout_the_resolver_reads(cli, tmp_path):
    result = cli("models", "build-tiny", tmp_path / "tiny")
    assert result.exit_code == 0, result.stderr
    for role in ("backtranslate", "roundtrip", "fluency"):
        files = {p.name for p in (tmp_path / "tiny" / role).iterdir()}
        assert "model.safetensors" in files and "config.json" in files
        assert not any(name.endswith(".bin") for name in files)
        assert locate(role, Config(models_dir=tmp_path / "tiny")).tiny
    assert "--models-dir" in result.stdout


def test_build_tiny_is_deterministic(tmp_path, tiny_models_dir):
    from mtqa.testing.tiny import build_tiny

    build_tiny(tmp_path)
    for role in ("backtranslate", "roundtrip", "fluency"):
        assert content_revision(tmp_path / role) == content_revision(tiny_models_dir / role)


def test_models_list_shows_found_and_missing(cli, tmp_path, tiny_models_dir):
    shutil.copytree(tiny_models_dir / "fluency", tmp_path / "fluency")
    result = cli("models", "list", "--models-dir", tmp_path)
    assert result.exit_code == 0
    rows = {line.split("\t")[0]: line for line in result.stdout.splitlines()}
    assert "found models-dir" in rows["fluency"] and content_revision(tmp_path / "fluency") in rows["fluency"]
    assert "missing" in rows["roundtrip"] and "mtqa models pull roundtrip" in rows["roundtrip"]


def test_models_verify_ok_on_tiny_and_fails_on_broken(cli, tmp_path, tiny_models_dir):
    ok = cli("models", "verify", "--models-dir", tiny_models_dir)
    assert ok.exit_code == 0, ok.stdout + ok.stderr
    assert ok.stdout.count("\tok") == 3
    shutil.copytree(tiny_models_dir / "fluency", tmp_path / "fluency")
    (tmp_path / "fluency" / "model.safetensors").rename(tmp_path / "fluency" / "pytorch_model.bin")
    broken = cli("models", "verify", "--models-dir", tmp_path)
    assert broken.exit_code == 2
    assert "broken" in broken.stdout and "safetensors only" in broken.stdout
    assert len(broken.stderr.strip().splitlines()) == 1


def test_models_verify_missing_fails_only_when_required(cli, tmp_path):
    assert cli("models", "verify", "--models-dir", tmp_path).exit_code == 0
    assert cli("models", "verify", "--models-dir", tmp_path, "--require-models").exit_code == 2


def test_models_pull_without_network_is_one_line_exit_2(cli, tmp_path, monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    result = cli("models", "pull", "fluency", "--models-dir", tmp_path)
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "distilgpt2" in lines[0] and "Traceback" not in result.stderr


def test_models_pull_unknown_role(cli):
    result = cli("models", "pull", "vibes")
    assert result.exit_code == 2 and "unknown model role" in result.stderr
