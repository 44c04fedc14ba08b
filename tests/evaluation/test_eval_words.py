"""``mtqa eval words``: suspect spans against OK/BAD word tags (invented rows)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mtqa.evaluation.drivers import mcc, token_spans


def test_token_spans_follow_the_text_whatever_the_spacing():
    text = "Two soldiers went to Tskinvali's hospital."
    spans = token_spans(text, "Two soldiers went to Tskinvali 's hospital .")
    assert [text[a:b] for a, b in spans] == ["Two", "soldiers", "went", "to", "Tskinvali", "'s", "hospital", "."]
    assert token_spans(text, "Two soldiers ran") is None


def test_mcc():
    y = np.array([True, True, False, False])
    assert mcc(y, y) == pytest.approx(1.0) and mcc(y, ~y) == pytest.approx(-1.0)
    assert mcc(y, np.array([False] * 4)) is None


def test_eval_words_cli(cli, tmp_path):
    pytest.importorskip("pocketsphinx")
    rows = [("The government announced new measures to support small businesses .",
             "OK OK OK OK OK OK OK OK OK OK"),
            ("Businesses the crisis announced to small new during support government measures the .",
             "BAD BAD BAD BAD BAD BAD BAD BAD BAD BAD BAD BAD BAD"),
            ("He said that the the government will to decide tomorrow .", "OK OK OK OK BAD OK OK BAD OK OK OK")]
    lines = ["mt\tmt_tok\tword_tags"] + [f"{t.replace(' .', '.')}\t{t}\t{tags}" for t, tags in rows]
    path = tmp_path / "words.tsv"
    path.write_text("\n".join(lines) + "\n")
    result = cli("eval", "words", path, "--models-dir", tmp_path / "none", "--format", "json", "--resamples", "20")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["dataset"]["tags"] == 34 and report["dataset"]["rows_left_out"] == 0
    assert set(report["mcc"]) == {"value", "low", "high", "n"} and report["recall_bad"]["n"] == 15
    assert "fluency:2+ngram:" in report["signature"]
    missing = cli("eval", "words", path, "--tags-col", "nope")
    assert missing.exit_code == 2 and "nope" in missing.stderr
