"""``mtqa eval realworld`` on a tiny invented labelled set (never dev text)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtqa.evaluation import realworld
from mtqa.evaluation.drivers import EvalError

PAGE_A = "\n".join([
    "Daily Harbour Courier",
    "Council closes two pools for the winter",
    "The regional council in the northern town voted on Monday to close two of its public pools. "
    "However, this has not yet responded.",
    "Opposition members said the decision would hit families who could not afford the private clubs.",
    "Share on Facebook Share on Twitter",
])
PAGE_B = "\n".join([
    "Farmers get help after the storm",
    "The ministry said that it would pay for the damage to barns and fields in the region.",
    "The minister launchesThe new programme for the families of the region on Friday.",
])
LABELS = [
    ("a.txt", 1, "Daily Harbour Courier", "junk", "site name"),
    ("a.txt", 2, "Council closes two pools", "title", ""),
    ("a.txt", 3, "The regional council in the northern", "ok", ""),
    ("a.txt", 3, "However, this has not yet", "garbled", "demonstrative for a person"),
    ("a.txt", 4, "Opposition members said the", "ok", ""),
    ("a.txt", 5, "Share on Facebook", "junk", "share buttons"),
    ("b.txt", 1, "Farmers get help after the storm", "title", ""),
    ("b.txt", 2, "The ministry said that it would pay", "ok", ""),
    ("b.txt", 3, "The minister launchesThe new", "garbled", "fused words"),
]


@pytest.fixture
def folder(tmp_path) -> Path:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text(PAGE_A, encoding="utf-8")
    (tmp_path / "articles" / "b.txt").write_text(PAGE_B, encoding="utf-8")
    rows = ["file\tline\tsentence_starts_with\tlabel\tnote"] + ["\t".join(map(str, r)) for r in LABELS]
    (tmp_path / "labels.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return tmp_path


def test_units_join_markup_split_fragments():
    rows = [realworld.Row("f", 1, "A", "ok", "fragment: sentence continues on L2"),
            realworld.Row("f", 2, "B", "garbled", "end of markup-split sentence begun on L1"),
            realworld.Row("f", 3, "C", "ok", "")]
    units = realworld.units_of(rows)
    assert [[r.starts_with for r in u] for u in units] == [["A", "B"], ["C"]]


def test_row_spans_run_to_the_next_row_on_the_line():
    text = "Title\nFirst one.  Second one.  \n"
    rows = [realworld.Row("f", 2, "First", "ok", ""), realworld.Row("f", 2, "Second", "ok", "")]
    realworld.place_rows(text, rows)
    assert [text[r.start:r.end] for r in rows] == ["First one.", "Second one."]


def test_spearman():
    assert realworld.spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert realworld.spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert realworld.spearman([1, 1, 1], [1, 2, 3]) is None


def test_cli_figures_on_an_invented_set(cli, folder):
    result = cli("eval", "realworld", str(folder), "--signals", "rules", "--format", "json", "--resamples", "50")
    assert result.exit_code == 0, result.stderr
    r = json.loads(result.stdout)
    f = r["figures"]
    assert f["garbled_recall"]["n"] == 2 and f["garbled_recall"]["count"] == 2
    assert f["junk_recall"]["n"] == 2 and f["junk_recall"]["count"] == 2
    assert f["article_rows_set_aside"]["count"] == 0
    assert f["titles_right_per_article"]["count"] == 2
    assert f["ok_flagged"]["n"] == 3
    for name in ("garbled_recall", "precision_strict", "junk_recall", "spearman_score_vs_garbled_share"):
        assert {"value", "low", "high", "n"} <= set(f[name])
    table = cli("eval", "realworld", str(folder), "--signals", "rules", "--resamples", "50")
    assert "garbled_recall" in table.stdout and "n=2" in table.stdout


def test_missing_label_text_is_a_clear_error(folder):
    (folder / "labels.tsv").write_text("file\tline\tsentence_starts_with\tlabel\tnote\na.txt\t1\tNot there\tok\t\n",
                                       encoding="utf-8")
    with pytest.raises(EvalError, match="label text not found"):
        realworld.eval_realworld(str(folder), __import__("mtqa.config", fromlist=["Config"]).Config(signals=("rules",)))
