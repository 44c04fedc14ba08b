"""Shared fixtures: the seed article, a CLI runner that keeps stdout and stderr apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture
def seed_path() -> Path:
    return DATA / "seed-article.txt"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli(runner):
    """Run ``mtqa ARGS...`` in-process; returns the click Result (stdout, stderr, exit_code)."""
    from mtqa.cli.main import app

    def invoke(*args: str, input: str | bytes | None = None):
        return runner.invoke(app, [str(a) for a in args], input=input)

    return invoke
