"""Settings come from mtqa.toml or [tool.mtqa] in pyproject.toml; command-line options win."""

from __future__ import annotations

import json

import pytest

from mtqa.config import Config, ConfigError, load_config


def test_mtqa_toml_is_read_and_overrides_win(tmp_path):
    (tmp_path / "mtqa.toml").write_text('signals = "rules"\nbeam = 4\nbatch-size = 8\n')
    config = load_config(tmp_path)
    assert config.signals == ("rules",) and config.beam == 4 and config.batch_size == 8
    assert load_config(tmp_path, beam=2, batch_size=None).beam == 2  # None means "not given"


def test_pyproject_tool_table_is_read(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.mtqa]\nsignals = ["rules"]\nlines = true\n')
    config = load_config(tmp_path)
    assert config.signals == ("rules",) and config.lines is True


def test_mtqa_toml_takes_precedence_over_pyproject(tmp_path):
    (tmp_path / "mtqa.toml").write_text("beam = 3\n")
    (tmp_path / "pyproject.toml").write_text("[tool.mtqa]\nbeam = 5\n")
    assert load_config(tmp_path).beam == 3


@pytest.mark.parametrize("text, message", [
    ("colour = 1\n", "unknown setting 'colour'"),
    ("beam = 0\n", "--beam must be at least 1"),
    ('backend = "tpu"\n', "unknown backend"),
    ("beam = \n", "cannot read configuration"),
    ('beam = "2"\n', "setting 'beam' must be int"),
    ("signals = 5\n", "setting 'signals' must be a list"),
    ('lines = "yes"\n', "setting 'lines' must be bool"),
    ("models-dir = 3\n", "setting 'models_dir' must be a path"),
    ("sentence_detail = false\n", "unknown setting 'sentence_detail'"),  # the command's to set, from its output
])
def test_bad_settings_are_config_errors(tmp_path, text, message):
    (tmp_path / "mtqa.toml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(tmp_path)


def test_cli_reads_the_config_of_the_working_directory(cli, tmp_path, seed_path, monkeypatch):
    (tmp_path / "mtqa.toml").write_text('signals = "rules"\nlines = true\n')
    monkeypatch.chdir(tmp_path)
    result = cli("flags", seed_path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)[0]
    assert "seg:lines" in doc["signature"] and doc["skipped_signals"] == []
    # one sentence per non-empty line, in order
    lines = [line.strip() for line in seed_path.read_text("utf-8").splitlines() if line.strip()]
    assert [s["text"] for s in doc["sentences"]] == lines


def test_cli_reports_a_broken_config_in_one_line(cli, tmp_path, seed_path, monkeypatch):
    (tmp_path / "mtqa.toml").write_text("colour = 1\n")
    monkeypatch.chdir(tmp_path)
    result = cli("flags", seed_path)
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "unknown setting 'colour'" in result.stderr


def test_config_defaults_run_every_signal_offline():
    config = Config()
    assert config.signals == ("rules", "grammar", "roundtrip", "likelihood", "fluency", "learned") and config.offline


def test_api_overrides_take_the_same_forms_as_the_config_file():
    from mtqa import check_text

    report = check_text("The council met on Monday.", Config(), signals="rules")
    assert report.skipped_signals == () and "rules:" in report.signature
