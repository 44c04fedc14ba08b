"""The console script itself: usage errors are one line on stderr and exit 2, like input errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from conftest import DATA, ROOT

from mtqa.signals.grammar import import_link_grammar

SEED = str(DATA / "seed-article.txt")


def mtqa(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mtqa", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


@pytest.mark.parametrize("args, needle", [
    (("flags", "--beam", "x", SEED), "Invalid value for '--beam'"),
    (("flags",), "Missing argument"),
    (("flags", "--bogus", SEED), "No such option: --bogus"),
    (("check", SEED, "--min-score", "abc"), "Invalid value for '--min-score'"),
    (("nosuch",), "No such command"),
])
def test_usage_errors_are_one_line_and_exit_2(args, needle):
    result = mtqa(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mtqa: error: ") and needle in lines[0]
    assert "Traceback" not in result.stderr


def test_no_arguments_show_the_help_and_exit_0():
    result = mtqa()
    assert result.returncode == 0 and "flags" in result.stdout and "check" in result.stdout


def test_exit_codes_pass_through_the_console_script():
    # the seed article has flagged sentences (which severities: the catalogue's, from evidence.tsv)
    assert mtqa("check", SEED, "--signals", "rules", "--fail-on", "minor").returncode == 1
    assert mtqa("check", SEED, "--signals", "rules", "--fail-on", "never").returncode == 0


def _first_bytes_then_close(*args: str) -> tuple[int, str]:
    """Run ``mtqa ARGS``, read a little of stdout and close it, as ``| head -c 20`` does."""
    proc = subprocess.Popen([sys.executable, "-m", "mtqa", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT)
    proc.stdout.read(20)
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    return proc.wait(timeout=120), stderr


@pytest.mark.parametrize("args", [
    ("flags", "--help"),
    ("score", str(DATA / "samples"), SEED, SEED, SEED, "--signals", "rules", "--format", "jsonl"),
])
def test_a_reader_that_stops_early_ends_the_command_quietly(args):
    code, stderr = _first_bytes_then_close(*args)
    assert "Traceback" not in stderr and "cannot write" not in stderr and "error" not in stderr, stderr
    assert code in (0, -13, 141)  # ended by SIGPIPE (a shell shows 141), like any Unix tool


@pytest.mark.parametrize("command", ["score", "check"])
def test_article_rows_give_the_figures_the_full_report_gives(cli, tmp_path, seed_path, command):
    """score and check as a table or CSV leave out what only a sentence row shows, nothing else."""
    if import_link_grammar() is None:
        pytest.skip("link-grammar not installed (apt-get install python3-link-grammar)")
    models = tmp_path / "no-models"
    models.mkdir()
    rows = cli(command, seed_path, "--models-dir", models, "--format", "csv")
    full = cli(command, seed_path, "--models-dir", models, "--format", "jsonl")
    assert rows.exit_code == full.exit_code
    (row,) = csv.DictReader(io.StringIO(rows.stdout))
    (doc,) = [json.loads(line) for line in full.stdout.splitlines()]
    assert "grammar:" in doc["signature"] and doc["flagged"] > 0
    assert (float(row["score"]), int(row["flagged"])) == (doc["score"], doc["flagged"])
