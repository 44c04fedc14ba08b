"""Evaluation metrics against values worked out by hand, and their bootstrap intervals."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from mtqa.evaluation.drivers import EvalError, label_of, pair_metrics, read_table, select_pairs
from mtqa.evaluation.metrics import auroc, average_precision, bootstrap_ci, precision_recall_f1, wilson


def test_auroc_of_a_known_ranking():
    # positives at risk 0.35 and 0.8, negatives at 0.1 and 0.4: 3 of 4 pairs ordered right
    assert auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == pytest.approx(0.75)


def test_auroc_extremes_ties_and_one_class():
    assert auroc([1, 2, 3, 4], [0, 0, 1, 1]) == 1.0
    assert auroc([4, 3, 2, 1], [0, 0, 1, 1]) == 0.0
    assert auroc([5, 5, 5, 5], [0, 1, 0, 1]) == 0.5  # ties count one half
    assert auroc([1, 2], [1, 1]) is None


def test_average_precision_by_hand():
    # ranked 0.8(+) 0.4(-) 0.35(+) 0.1(-): 0.5 * 1 + 0.5 * 2/3
    assert average_precision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == pytest.approx(5 / 6)
    # a tie group is one threshold: precision 1/2 at recall 1
    assert average_precision([1, 1], [0, 1]) == pytest.approx(0.5)
    assert average_precision([1, 2], [0, 0]) is None


def test_average_precision_agrees_with_scikit_learn():
    from sklearn.metrics import average_precision_score, roc_auc_score

    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 60)
    r = np.round(rng.normal(size=60) + y, 1)  # rounded: many ties
    assert average_precision(r, y) == pytest.approx(average_precision_score(y, r))
    assert auroc(r, y) == pytest.approx(roc_auc_score(y, r))


def test_precision_recall_f1():
    out = precision_recall_f1([True, True, False, False], [1, 0, 1, 0])
    assert out == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    none_flagged = precision_recall_f1([False, False], [1, 0])
    assert none_flagged["precision"] is None and none_flagged["recall"] == 0.0


def test_bootstrap_is_deterministic_for_a_seed_and_brackets_the_value():
    values = np.random.default_rng(1).normal(10.0, 2.0, 40)
    stat = lambda idx: float(values[idx].mean())  # noqa: E731
    first = bootstrap_ci(stat, len(values), 500, seed=3)
    assert first == bootstrap_ci(stat, len(values), 500, seed=3)
    assert first != bootstrap_ci(stat, len(values), 500, seed=4)
    assert first[0] < values.mean() < first[1]


def test_wilson_interval_for_zero_of_seven():
    low, high = wilson(0, 7)
    assert low == 0.0
    assert high == pytest.approx(1.959964**2 / (7 + 1.959964**2), abs=1e-6)
    assert wilson(0, 0) == (None, None)


def test_pairwise_accuracy_counts_ties_as_failures():
    m = pair_metrics(good=[90, 80, 70], bad=[80, 80, 75], resamples=200, seed=0)
    assert m["n"] == 3 and m["ties"] == 1
    assert m["accuracy"]["value"] == pytest.approx(1 / 3, abs=1e-6)
    assert m["accuracy"]["low"] <= m["accuracy"]["value"] <= m["accuracy"]["high"]


def test_pair_selection_filters_samples_and_limits():
    rows = [{"good": str(i), "bad": "x", "visibility": "grammar" if i % 2 else "meaning"} for i in range(20)]
    grammar = select_pairs(rows, "grammar", None, None, 0)
    assert [r["good"] for r in grammar] == [str(i) for i in range(1, 20, 2)]
    sample = select_pairs(rows, None, None, 5, seed=11)
    assert sample == select_pairs(rows, None, None, 5, seed=11)
    assert len(sample) == 5 and sample != select_pairs(rows, None, None, 5, seed=12)
    assert len(select_pairs(rows, None, 3, None, 0)) == 3


def test_label_words():
    assert label_of("Garbled", ("garbled", "major"), "x") == 1
    assert label_of("awkward", ("garbled",), "x") == 0
    with pytest.raises(EvalError, match="unknown label 'meh'"):
        label_of("meh", ("garbled",), "x")
    assert label_of("meh", ("broken",), "x", strict=False) == 0


def test_read_table_keeps_quotes_and_reads_gzip(tmp_path):
    body = 'good\tbad\n"Quoted," he said.\the "said.\n'
    plain = tmp_path / "p.tsv"
    plain.write_text(body, encoding="utf-8")
    packed = tmp_path / "p.tsv.gz"
    packed.write_bytes(gzip.compress(body.encode("utf-8")))
    for path in (plain, packed):
        table = read_table(path)
        assert table.rows == ({"good": '"Quoted," he said.', "bad": 'he "said.'},)
    assert read_table(plain).sha256 != read_table(packed).sha256


def test_read_table_rejects_ragged_rows(tmp_path):
    bad = tmp_path / "r.tsv"
    bad.write_text("text\tlabel\nonly one field\n", encoding="utf-8")
    with pytest.raises(EvalError, match=r"r.tsv:2: 1 fields"):
        read_table(bad)
