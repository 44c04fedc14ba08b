"""evidence.tsv (``make evidence``): every detector measured on every dataset, and the severity rule."""

from __future__ import annotations

import csv
from pathlib import Path

import mtqa.signals.rules as rules
from mtqa.signals.rules.catalogue import CATALOGUE, Catalogue, severity_from_evidence

EVIDENCE = Path(rules.__file__).parent / "evidence.tsv"
COLUMNS = ["code", "dataset", "in_sample", "hits", "correct", "precision", "ci_low", "ci_high",
           "rules_version", "date"]


def evidence() -> list[dict[str, str]]:
    with EVIDENCE.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        assert reader.fieldnames == COLUMNS
        return list(reader)


def test_every_code_has_a_row_on_every_dataset():
    rows = evidence()
    datasets = {r["dataset"] for r in rows}
    assert {"realworld", "realworld-b", "wmt-mqm-news", "mlqe-pe"} <= datasets
    measured = {(r["code"], r["dataset"]) for r in rows}
    assert {(c, d) for c in [*CATALOGUE.codes(), "__base__"] for d in datasets} <= measured
    assert {r["in_sample"] for r in rows if r["dataset"] == "realworld"} == {"yes"}
    assert {r["in_sample"] for r in rows if r["dataset"] != "realworld"} == {"no"}


def test_counts_and_intervals_are_consistent():
    for r in evidence():
        hits, correct = int(r["hits"]), int(r["correct"])
        assert 0 <= correct <= hits, r
        if hits:
            low, p, high = float(r["ci_low"]), float(r["precision"]), float(r["ci_high"])
            assert low <= p <= high and abs(p - correct / hits) < 0.001, r


def _catalogue(*declared: tuple[str, str]) -> Catalogue:
    catalogue = Catalogue()
    for code, severity in declared:
        catalogue.register(code, severity=severity, reads="text", title="T", help="Some help.")(lambda view: [])
    return catalogue


def _row(code: str, dataset: str, hits: int, correct: int, in_sample: str = "no") -> dict[str, str]:
    return {"code": code, "dataset": dataset, "in_sample": in_sample, "hits": str(hits), "correct": str(correct)}


def test_the_severity_rule():
    catalogue = _catalogue(("precise", "minor"), ("one-weak-dataset", "major"), ("in-sample-only", "major"),
                           ("too-few-hits", "major"), ("note", "info"), ("never-fires", "major"))
    rows = [
        _row("precise", "a", 12, 11), _row("precise", "b", 9, 1),  # b has too few hits to count
        _row("one-weak-dataset", "a", 40, 39), _row("one-weak-dataset", "b", 20, 16),  # 0.80 on b
        _row("in-sample-only", "a", 50, 50, in_sample="yes"), _row("in-sample-only", "b", 3, 3),
        _row("too-few-hits", "a", 9, 9), _row("note", "a", 100, 100), _row("never-fires", "a", 0, 0),
        _row("precise", "c", 20, 17),  # exactly 0.85 holds
    ]
    assert severity_from_evidence(rows, catalogue) == {
        "precise": "major", "one-weak-dataset": "minor", "in-sample-only": "minor", "too-few-hits": "minor",
        "note": "info", "never-fires": "minor"}


def test_declared_severities_follow_the_evidence():
    earned = severity_from_evidence(evidence())
    wrong = {d.code: (d.severity, earned[d.code]) for d in CATALOGUE if d.severity != earned[d.code]}
    assert not wrong, f"declared vs earned by evidence.tsv (make evidence, then set the severity): {wrong}"
