"""Shared fixtures: the seed article, a CLI runner that keeps stdout and stderr apart."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # development tools the tests exercise (devmeasure)
# Sentences of different lengths for the model backends' tests (order, batching, agreement).
MODEL_TEST_SENTENCES = [
    "The Kremlin denies it.",
    "According to the New York Times report, intelligence agencies announced the finding to the president.",
    "Russia has a conflicting history with Afghanistan.",
    "Yes.",
    "US soldiers have been fighting in the Hindu Kush since the September 11, 2001 terrorist attacks.",
]
DATA = ROOT / "data"


@pytest.fixture(scope="session", autouse=True)
def no_default_models(tmp_path_factory):
    """Tests see no models by default: not the checkout's ./models (where `make setup` converts the
    learned signal's LM), only what a test passes with --models-dir or a fixture builds. Set in the
    environment, so worker processes see it too."""
    import os

    empty = tmp_path_factory.mktemp("no-models")
    old = os.environ.get("MTQA_MODELS_DIR")
    os.environ["MTQA_MODELS_DIR"] = str(empty)
    yield empty
    if old is None:
        os.environ.pop("MTQA_MODELS_DIR", None)
    else:
        os.environ["MTQA_MODELS_DIR"] = old


def one_line_error(result, needle: str) -> None:
    """What every error a user can cause looks like: exit 2, one stderr line naming it, no traceback."""
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert needle in lines[0]
    assert "Traceback" not in result.output + result.stderr


@pytest.fixture
def seed_path() -> Path:
    return DATA / "seed-article.txt"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli(runner):
    """Run ``mtqa ARGS...`` in-process; returns the click Result (stdout, stderr, exit_code)."""
    from mtqa.cli.app import app

    def invoke(*args: str, input: str | bytes | None = None):
        return runner.invoke(app, [str(a) for a in args], input=input)

    return invoke


@pytest.fixture(scope="session")
def tiny_models_dir(tmp_path_factory) -> Path:
    """The tiny model set (real classes, random weights), built once per test session."""
    import torch

    from mtqa.testing.tiny import build_tiny

    # Tiny models are dominated by thread wake-ups on small CI machines; one thread is several times faster.
    torch.set_num_threads(1)

    return build_tiny(tmp_path_factory.mktemp("tiny-models"))


@pytest.fixture(scope="session")
def tiny_context(tiny_models_dir):
    """A ModelContext over the tiny models, shared so each model is loaded once per session."""
    from mtqa.config import Config
    from mtqa.models.context import ModelContext

    return ModelContext(Config(models_dir=tiny_models_dir))
