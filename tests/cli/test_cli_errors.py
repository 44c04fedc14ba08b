"""Errors a user can cause: one line on stderr, exit code 2, no traceback."""

from __future__ import annotations

import pytest
from conftest import one_line_error


@pytest.mark.parametrize("command", ["flags", "score", "check"])
def test_missing_path(cli, tmp_path, command):
    one_line_error(cli(command, tmp_path / "nope.txt", "--signals", "rules"), "no such file")


def test_empty_file(cli, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n")
    one_line_error(cli("flags", empty, "--signals", "rules"), "empty article")


def test_undecodable_bytes(cli, tmp_path):
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    one_line_error(cli("flags", binary, "--signals", "rules"), "binary data")


def test_glob_matching_nothing(cli, tmp_path):
    one_line_error(cli("score", str(tmp_path / "*.txt"), "--signals", "rules"), "no file matches")


def test_unknown_format(cli, seed_path):
    one_line_error(cli("flags", seed_path, "--format", "yaml"), "unknown format")


def test_unknown_signal(cli, seed_path):
    one_line_error(cli("flags", seed_path, "--signals", "rules,vibes"), "unknown signal")


def test_bad_fail_on(cli, seed_path):
    one_line_error(cli("check", seed_path, "--fail-on", "sometimes"), "--fail-on")


def test_output_that_is_also_an_input_is_refused(cli, tmp_path, seed_path):
    story = tmp_path / "story.txt"
    story.write_text(seed_path.read_text("utf-8"))
    one_line_error(cli("flags", story, "--signals", "rules", "-o", story), "is also an input")
    assert story.read_text("utf-8") == seed_path.read_text("utf-8")


def test_dash_output_is_stdout(cli, seed_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("flags", seed_path, "--signals", "rules", "--format", "csv", "-o", "-")
    assert result.exit_code == 0 and result.stdout.startswith("path,") and not (tmp_path / "-").exists()


@pytest.mark.parametrize("args, needle", [
    (("--signals", "roundtrip", "--models-dir", "/nonexistent-models"), "no signal can run"),  # fluency runs offline (n-gram)
    (("--signals", ""), "no signal selected"),
    (("--max-bytes", "0"), "--max-bytes must be at least 1"),
])
def test_a_check_that_would_score_nothing_is_refused(cli, seed_path, args, needle):
    one_line_error(cli("check", seed_path, *args), needle)


def test_stdin_twice_is_refused(cli, seed_path):
    one_line_error(cli("flags", "-", "-", "--signals", "rules", input=seed_path.read_text("utf-8")), "only once")


def test_a_file_name_with_brackets_is_a_file_not_a_pattern(cli, tmp_path, seed_path):
    (tmp_path / "story[1].txt").write_text(seed_path.read_text("utf-8"))
    (tmp_path / "story1.txt").write_text("A different story. It has two sentences.")
    result = cli("score", tmp_path / "story[1].txt", "--signals", "rules", "--format", "csv")
    assert result.exit_code == 0 and "story[1].txt" in result.stdout and "story1.txt" not in result.stdout


def test_a_directory_scan_reads_text_articles_not_reports(cli, tmp_path, seed_path):
    (tmp_path / "story.txt").write_text(seed_path.read_text("utf-8"))
    assert cli("flags", tmp_path, "--signals", "rules", "--format", "html", "-o", tmp_path / "report.html").exit_code == 0
    assert cli("flags", tmp_path, "--signals", "rules", "--format", "jsonl", "-o", tmp_path / "report.jsonl").exit_code == 0
    result = cli("score", tmp_path, "--signals", "rules", "--format", "csv")
    assert result.exit_code == 0
    assert [line.split(",")[0] for line in result.stdout.splitlines()[1:]] == [str(tmp_path / "story.txt")]
