"""``mtqa eval labels|pairs|seed`` on small slices: exit codes, figures with n and CI, determinism."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import one_line_error

DATA = Path(__file__).resolve().parents[2] / "data"
PAIRS = DATA / "dev" / "demetr-flores-pairs.tsv.gz"


@pytest.fixture(scope="module")
def pairs_slice(tmp_path_factory) -> Path:
    """36 DEMETR pairs: 12 each of three visibility classes, as a gzipped TSV like the real file."""
    with gzip.open(PAIRS, "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    header, rows = lines[0], lines[1:]
    vis = header.split("\t").index("visibility")
    picked: list[str] = []
    for wanted in ("grammar", "surface", "meaning"):
        picked += [r for r in rows if r.split("\t")[vis] == wanted][:12]
    path = tmp_path_factory.mktemp("pairs") / "slice.tsv.gz"
    path.write_bytes(gzip.compress(("\n".join([header] + picked) + "\n").encode("utf-8")))
    return path


@pytest.fixture
def labels_file(tmp_path) -> Path:
    rows = [("The minister said the talks would resume on Monday.", "ok", "wire"),
            ("However, this has not yet responded.", "garbled", "wire"),
            ("According to a report by, there have been no statements.", "garbled", "web"),
            ("Russia has a conflicting history with Afghanistan.", "awkward", "web"),
            ("The bridge is 378 meters long and has two lanes.", "ok", "web"),
            ("Police closed the road for several hours.", "0", "wire"),
            ("the the road was closed closed for hours.", "1", "wire")]
    path = tmp_path / "labels.tsv"
    path.write_text("text\tlabel\tsource\n" + "".join(f"{t}\t{y}\t{c}\n" for t, y, c in rows), encoding="utf-8")
    return path


def test_labels_json_reports_every_figure_with_n_and_interval(cli, labels_file):
    result = cli("eval", "labels", labels_file, "--signals", "rules", "--category-col", "source",
                 "--resamples", "50", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    overall = report["overall"]
    assert (overall["n"], overall["positives"]) == (7, 3)  # garbled, garbled, 1
    for key in ("auroc", "average_precision", "precision", "recall", "f1"):
        assert set(overall[key]) == {"value", "low", "high", "n"} and overall[key]["n"] == 7
    assert 0.0 <= overall["auroc"]["value"] <= 1.0
    assert {c: m["n"] for c, m in report["categories"].items()} == {"web": 3, "wire": 4}
    assert report["signature"].startswith("mtqa:") and "seg:lines" in report["signature"]
    assert report["dataset"]["sha256"] and report["bootstrap"] == {"resamples": 50, "seed": 0, "interval": 0.95}


def test_labels_json_is_byte_identical_across_runs(cli, labels_file):
    args = ("eval", "labels", labels_file, "--signals", "rules", "--resamples", "30", "--format", "json")
    assert cli(*args).stdout == cli(*args).stdout


def test_labels_positive_and_ignore_change_what_counts(cli, labels_file):
    result = cli("eval", "labels", labels_file, "--signals", "rules", "--positive", "garbled,awkward",
                 "--ignore", "0,1", "--resamples", "10", "--format", "json")
    assert result.exit_code == 0, result.output
    overall = json.loads(result.stdout)["overall"]
    assert (overall["n"], overall["positives"]) == (5, 3)


def test_labels_table_names_the_metrics(cli, labels_file):
    result = cli("eval", "labels", labels_file, "--signals", "rules", "--resamples", "10")
    assert result.exit_code == 0, result.output
    for word in ("auroc", "average_precision", "f1", "n=7", "signature: mtqa:"):
        assert word in result.stdout


def test_labels_ablation_runs_without_each_signal(cli, labels_file):
    result = cli("eval", "labels", labels_file, "--signals", "rules", "--ablate", "--resamples", "10",
                 "--format", "json")
    report = json.loads(result.stdout)
    assert [a["removed"] for a in report["ablation"]] == ["rules"]
    assert "rules:" in report["signature"] and "rules:" not in report["ablation"][0]["signature"]


def test_labels_missing_file(cli, tmp_path):
    one_line_error(cli("eval", "labels", tmp_path / "none.tsv", "--signals", "rules"), "no such file")


def test_labels_missing_column(cli, labels_file):
    one_line_error(cli("eval", "labels", labels_file, "--label-col", "severity", "--signals", "rules"),
                    "no column 'severity'")


def test_labels_unknown_label(cli, tmp_path):
    path = tmp_path / "odd.tsv"
    path.write_text("text\tlabel\nFine sentence.\tmeh\n", encoding="utf-8")
    one_line_error(cli("eval", "labels", path, "--signals", "rules"), "unknown label 'meh'")


def test_labels_unknown_format(cli, labels_file):
    one_line_error(cli("eval", "labels", labels_file, "--format", "yaml"), "unknown format")


def test_pairs_by_visibility_and_perturbation(cli, pairs_slice):
    result = cli("eval", "pairs", pairs_slice, "--signals", "rules", "--resamples", "50", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["overall"]["n"] == 36
    assert {v: m["n"] for v, m in report["by_visibility"].items()} == {"grammar": 12, "meaning": 12, "surface": 12}
    assert sum(m["n"] for m in report["by_perturbation"].values()) == 36
    acc = report["overall"]["accuracy"]
    assert acc["low"] <= acc["value"] <= acc["high"]
    # ties are failures: accuracy can never exceed the share of pairs that are not tied
    assert acc["value"] <= 1 - report["overall"]["ties"] / 36 + 1e-9


def test_pairs_filters(cli, pairs_slice):
    result = cli("eval", "pairs", pairs_slice, "--signals", "rules", "--visibility", "grammar",
                 "--limit", "5", "--resamples", "10", "--format", "json")
    report = json.loads(result.stdout)
    assert report["overall"]["n"] == 5 and list(report["by_visibility"]) == ["grammar"]
    sampled = cli("eval", "pairs", pairs_slice, "--signals", "rules", "--sample", "7", "--seed", "2",
                  "--resamples", "10", "--format", "json")
    assert json.loads(sampled.stdout)["overall"]["n"] == 7


def test_pairs_missing_column_and_empty_filter(cli, tmp_path, pairs_slice):
    path = tmp_path / "p.tsv"
    path.write_text("good\tworse\na\tb\n", encoding="utf-8")
    one_line_error(cli("eval", "pairs", path, "--signals", "rules"), "no column 'bad'")
    one_line_error(cli("eval", "pairs", pairs_slice, "--signals", "rules", "--visibility", "nope"),
                    "no pairs to evaluate")


def test_seed_runs_and_accounts_for_every_label(cli):
    result = cli("eval", "seed", "--signals", "rules", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    figures = report["figures"]
    assert report["labels"]["n"] == 40
    assert figures["garbled_flagged"]["n"] == 7
    assert figures["ok_flagged"]["n"] == 19
    assert figures["junk_set_aside_right_kind"]["n"] == 7
    assert figures["title_heading_recognised"]["n"] == 3
    assert all(f["low"] is None or f["low"] <= f["value"] <= f["high"] for f in figures.values())
    assert len(report["sentences"]) == 40


def test_seed_table(cli):
    result = cli("eval", "seed", "--signals", "rules")
    assert result.exit_code == 0, result.output
    assert "garbled_flagged" in result.stdout and "n=7" in result.stdout


def test_seed_missing_labels(cli, tmp_path):
    one_line_error(cli("eval", "seed", "--labels", tmp_path / "x.tsv", "--signals", "rules"), "no such file")


def test_ablation_leaves_out_signals_that_were_skipped(cli, labels_file, tmp_path, monkeypatch):
    monkeypatch.setenv("MTQA_MODELS_DIR", str(tmp_path / "no-models"))
    result = cli("eval", "labels", labels_file, "--signals", "rules,roundtrip", "--ablate",
                 "--resamples", "10", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [s["name"] for s in report["skipped_signals"]] == ["roundtrip"]
    assert [a["removed"] for a in report["ablation"]] == ["rules"]


def test_chunk_must_be_positive(cli, labels_file):
    one_line_error(cli("eval", "labels", labels_file, "--signals", "rules", "--chunk", "0"), "--chunk")


def test_seed_defaults_are_found_from_another_directory(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("eval", "seed", "--signals", "rules", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["labels"]["n"] == 40


def test_seed_defaults_missing_everywhere_name_both_places(cli, tmp_path, monkeypatch):
    import mtqa.evaluation.drivers

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(mtqa.evaluation.drivers, "REPO_ROOT", tmp_path / "elsewhere")
    result = cli("eval", "seed", "--signals", "rules")
    one_line_error(result, "data/seed-article.txt: not found in")
    assert str(tmp_path / "elsewhere") in result.stderr


def test_labels_refuse_a_file_without_garbled_or_fine_rows(cli, labels_file):
    none = cli("eval", "labels", labels_file, "--signals", "rules", "--positive", "nonsense")
    one_line_error(none, "no row is garbled")
    assert "labels found: 0, 1, awkward, garbled, ok" in none.stderr
    every = cli("eval", "labels", labels_file, "--signals", "rules", "--ignore", "ok,0,awkward")
    one_line_error(every, "every row is garbled")
