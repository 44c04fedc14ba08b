"""Errors a user can cause: one line on stderr, exit code 2, no traceback."""

from __future__ import annotations

import pytest


def _one_line_error(result, needle: str) -> None:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert needle in lines[0]
    assert "Traceback" not in result.output + result.stderr


@pytest.mark.parametrize("command", ["flags", "score", "check"])
def test_missing_path(cli, tmp_path, command):
    _one_line_error(cli(command, tmp_path / "nope.txt", "--signals", "rules"), "no such file")


def test_empty_file(cli, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n")
    _one_line_error(cli("flags", empty, "--signals", "rules"), "empty article")


def test_undecodable_bytes(cli, tmp_path):
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    _one_line_error(cli("flags", binary, "--signals", "rules"), "binary data")


def test_glob_matching_nothing(cli, tmp_path):
    _one_line_error(cli("score", str(tmp_path / "*.txt"), "--signals", "rules"), "no file matches")


def test_unknown_format(cli, seed_path):
    _one_line_error(cli("flags", seed_path, "--format", "yaml"), "unknown format")


def test_unknown_signal(cli, seed_path):
    _one_line_error(cli("flags", seed_path, "--signals", "rules,vibes"), "unknown signal")


def test_bad_fail_on(cli, seed_path):
    _one_line_error(cli("check", seed_path, "--fail-on", "sometimes"), "--fail-on")
