"""Fixtures: a fake Hugging Face Hub on 127.0.0.1 (``fakehub``) serving ``hubrepos``' repositories, with the
real ``huggingface_hub`` client of this process, and of any subprocess given ``subprocess_env()``, pointed at it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .fakehub import FakeHub
from .hubrepos import ENV, build_repos


@pytest.fixture(scope="session")
def hub_repos(tiny_models_dir) -> dict:
    """``{repo: {revision: (commit, {file: bytes})}}``, built once."""
    return build_repos(tiny_models_dir)


@pytest.fixture
def hf_home(tmp_path) -> Path:
    return tmp_path / "hf-home"


@pytest.fixture
def hub(monkeypatch, hf_home, hub_repos):
    """The fake hub, with this process's client and any subprocess (``subprocess_env()``) pointed at it."""
    from huggingface_hub import constants

    repos = {repo: dict(revisions) for repo, revisions in hub_repos.items()}  # tests may move refs
    with FakeHub(repos, deadline=90) as fake:
        monkeypatch.setattr(constants, "ENDPOINT", fake.url)
        monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", fake.url + "/{repo_id}/resolve/{revision}/{filename}")
        monkeypatch.setattr(constants, "HF_HUB_CACHE", str(hf_home / "hub"))
        monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", True)
        monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)  # an earlier in-process check switched it on
        for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_CACHE", "MTQA_MODELS_DIR"):
            monkeypatch.delenv(key, raising=False)
        for key, value in {**ENV, "HF_ENDPOINT": fake.url, "HF_HOME": str(hf_home)}.items():
            monkeypatch.setenv(key, value)
        yield fake


@pytest.fixture
def fast_retries(monkeypatch):
    """The hub client sleeps 1 s between its 5 download retries; tests need not wait for them."""
    import time
    import types

    from huggingface_hub import file_download

    fake_time = types.SimpleNamespace(**{n: getattr(time, n) for n in dir(time) if not n.startswith("_")})
    fake_time.sleep = lambda seconds: None
    monkeypatch.setattr(file_download, "time", fake_time)
