"""The offline guarantee: flags, score and check make no network connection, with or without models."""

from __future__ import annotations

import json
import os
import socket

import pytest

STORY = "Ministers met in Berlin on Monday. They agreed on a plan.\n"


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    """Every way to open a connection raises and is recorded; the test asserts none was tried."""
    attempts: list[str] = []

    def refuse(name):
        def blocked(*args, **kwargs):
            attempts.append(f"{name}{args[1:] if name.startswith('socket.') else args}")
            raise NetworkUsed(f"network access attempted: {name}")
        return blocked

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    return attempts


@pytest.fixture
def story(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(STORY)
    return path


def test_the_fixture_really_blocks(no_network):
    with pytest.raises(NetworkUsed):
        socket.create_connection(("example.org", 80), timeout=1)
    assert no_network


@pytest.mark.parametrize("command", ["flags", "score", "check"])
def test_missing_models_are_reported_without_the_network(cli, story, tmp_path, no_network, command):
    result = cli(command, story, "--models-dir", tmp_path / "no-models", "--format", "json")
    assert no_network == []
    assert result.exit_code == 0, result.stderr
    skipped = json.loads(result.stdout)[0]["skipped_signals"]
    # fluency falls back to the offline n-gram model (it comes with pocketsphinx); learned needs its converted LM
    assert {s["name"] for s in skipped} == {"roundtrip", "likelihood", "learned"}
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"


def test_required_missing_model_is_one_line_without_the_network(cli, story, tmp_path, no_network):
    result = cli("check", story, "--models-dir", tmp_path / "no-models", "--require-models")
    assert no_network == []
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    """Built through the command a user runs, `mtqa models build-tiny DIR`."""
    from typer.testing import CliRunner

    from mtqa.cli.app import app

    directory = tmp_path_factory.mktemp("tiny")
    result = CliRunner().invoke(app, ["models", "build-tiny", str(directory)])
    assert result.exit_code == 0, result.stderr
    return directory


@pytest.mark.slow
def test_tiny_models_run_without_the_network(cli, story, tiny_models, no_network):
    result = cli("flags", story, "--models-dir", tiny_models, "--require-models", "--format", "json", "--all")
    assert no_network == []
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)[0]
    assert doc["skipped_signals"] == []
    assert all(set(s["signals"]) >= {"roundtrip", "fluency"} for s in doc["sentences"])
