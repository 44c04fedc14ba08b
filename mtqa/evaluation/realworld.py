"""``mtqa eval realworld DIR``: figures on a folder of real pages labelled sentence by sentence.

The folder holds ``labels.tsv`` (columns file, line, sentence_starts_with, label, note; rows in file
order, and in text order within a line) and ``articles/`` with the pages. Matching:

- a row's span runs from where its ``sentence_starts_with`` is found on its line to the next row's
  start on that line, or to the end of the line (trailing spaces left out);
- rows whose note starts with ``fragment`` form one logical unit with the rows after them up to the
  row whose note starts with ``end of markup-split``; the unit takes that last row's label and is
  left out of the garbled and ok figures;
- a checked sentence belongs to every row span it overlaps by at least one non-space character; a
  unit is *flagged* when any of its sentences is flagged (major or minor), *set aside* when all of
  them have a junk kind.

Figures, each with n and a 95 % interval: garbled recall; strict precision (awkward counted wrong)
and lenient precision (awkward left out); ok flagged; junk recall; article rows set aside; titles
right per article (the title sentences are exactly the labelled title rows); and the Spearman
correlation over articles between ``100 - article score`` and the share of garbled units (bootstrap
interval over articles).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from mtqa.config import Config
from mtqa.evaluation.drivers import EvalError
from mtqa.evaluation.metrics import bootstrap_ci, figure, proportion, rnd
from mtqa.types import DocumentReport

JUNK_KINDS = frozenset({"duplicate", "credit", "caption", "byline", "signoff", "teaser", "boilerplate"})
BODY_LABELS = ("garbled", "ok", "awkward")
COLUMNS = ("file", "line", "sentence_starts_with", "label", "note")


@dataclass
class Row:
    file: str
    line: int
    starts_with: str
    label: str
    note: str
    start: int = 0
    end: int = 0
    sentences: list[int] = field(default_factory=list)  # indexes into the report's sentences


def read_labels(path: Path) -> dict[str, list[Row]]:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise EvalError(f"{path}: missing column(s) {', '.join(missing)}")
            rows = [Row(r["file"], int(r["line"]), r["sentence_starts_with"], r["label"], r["note"] or "")
                    for r in reader]
    except FileNotFoundError:
        raise EvalError(f"{path}: no such file") from None
    except ValueError as exc:
        raise EvalError(f"{path}: bad line number: {exc}") from None
    by_file: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_file[row.file].append(row)
    return dict(by_file)


def place_rows(text: str, rows: list[Row]) -> None:
    """Give each row its character span in ``text``."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    by_line: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        by_line[row.line].append(row)
    for number, on_line in by_line.items():
        if not 1 <= number <= len(lines):
            raise EvalError(f"{on_line[0].file}:{number}: no such line")
        line_text, pos = lines[number - 1], 0
        for row in on_line:
            at = line_text.find(row.starts_with.strip(), pos)
            if at < 0:
                raise EvalError(f"{row.file}:{number}: label text not found: {row.starts_with.strip()!r}")
            row.start, pos = offsets[number - 1] + at, at + 1
        for row, after in zip(on_line, on_line[1:] + [None]):
            end = after.start if after else offsets[number - 1] + len(line_text.rstrip())
            while end > row.start and text[end - 1].isspace():
                end -= 1
            row.end = end


def units_of(rows: list[Row]) -> list[list[Row]]:
    """Rows grouped into logical sentences (markup-split fragments joined)."""
    units, open_unit = [], []
    for row in rows:
        if row.note.startswith("fragment"):
            open_unit.append(row)
        elif open_unit:
            open_unit.append(row)
            if row.note.startswith("end of markup-split"):
                units.append(open_unit)
                open_unit = []
        else:
            units.append([row])
    if open_unit:
        units.append(open_unit)
    return units


def _overlap(text: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    lo, hi = max(a[0], b[0]), min(a[1], b[1])
    return hi > lo and text[lo:hi].strip() != ""


def spearman(x: list[float], y: list[float]) -> float | None:
    """Spearman's rank correlation (average ranks for ties); None when either side is constant."""
    if len(x) < 3:
        return None

    def ranks(v: list[float]) -> np.ndarray:
        order = np.argsort(v, kind="mergesort")
        r = np.empty(len(v))
        arr = np.asarray(v, dtype=float)[order]
        i = 0
        while i < len(arr):
            j = i
            while j + 1 < len(arr) and arr[j + 1] == arr[i]:
                j += 1
            r[order[i:j + 1]] = (i + j) / 2.0
            i = j + 1
        return r

    rx, ry = ranks(x), ranks(y)
    if rx.std() == 0 or ry.std() == 0:
        return None
    return float(np.corrcoef(rx, ry)[0, 1])


def _article(report: DocumentReport, text: str, rows: list[Row]) -> dict:
    sentences = report.sentences
    place_rows(text, rows)
    for row in rows:
        row.sentences = [i for i, s in enumerate(sentences)
                         if _overlap(text, (row.start, row.end), (s.sentence.start, s.sentence.end))]
    units = []
    for unit in units_of(rows):
        linked = sorted({i for row in unit for i in row.sentences})
        units.append({
            "line": unit[0].line, "label": unit[-1].label, "markup_split": len(unit) > 1,
            "starts_with": unit[0].starts_with, "note": unit[-1].note,
            "flagged": any(sentences[i].flagged for i in linked),
            "set_aside": bool(linked) and all(sentences[i].sentence.kind in JUNK_KINDS for i in linked),
            "any_junk": any(sentences[i].sentence.kind in JUNK_KINDS for i in linked),
            "kinds": sorted({sentences[i].sentence.kind for i in linked}),
            "codes": sorted({f.code for i in linked for f in sentences[i].flags}),
            "flag_codes": sorted({f"{f.code}:{f.severity}" for i in linked for f in sentences[i].flags
                                  if f.severity in ("major", "minor")}),
        })
    title_rows = {id(r) for r in rows if r.label == "title"}
    titled = [i for i, s in enumerate(sentences) if s.sentence.kind == "title"]
    rows_of_titles = {id(r) for r in rows for i in titled if i in r.sentences}
    titles_right = all(any(sentences[i].sentence.kind == "title" for i in r.sentences)
                       for r in rows if r.label == "title") and rows_of_titles <= title_rows \
        and all(any(i in r.sentences for r in rows) for i in titled)
    body = [u for u in units if u["label"] in BODY_LABELS and not u["markup_split"]]
    share = sum(u["label"] == "garbled" for u in body) / len(body) if body else None
    return {"units": units, "titles_right": titles_right, "score": report.score, "garbled_share": share}


def eval_realworld(folder: str, config: Config, *, resamples: int = 1000, seed: int = 0) -> dict:
    from mtqa.pipeline import Checker
    from mtqa.types import Document

    root = Path(folder)
    labels = read_labels(root / "labels.tsv")
    checker = Checker(replace(config, lines=False))
    articles: dict[str, dict] = {}
    signature, skipped = "", []
    for name in sorted(labels):
        path = root / "articles" / name
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise EvalError(f"{path}: no such file (named in labels.tsv)") from None
        report = checker.check_document(Document(name, str(path), text))
        signature = report.signature
        skipped = [{"name": s.name, "reason": s.reason} for s in report.skipped_signals]
        articles[name] = _article(report, text, sorted(labels[name], key=lambda r: r.line))

    units = [u for a in articles.values() for u in a["units"]]
    body = [u for u in units if u["label"] in BODY_LABELS and not u["markup_split"]]
    garbled = [u for u in body if u["label"] == "garbled"]
    flagged = [u for u in body if u["flagged"]]
    flagged_ok = [u for u in flagged if u["label"] != "awkward"]
    junk = [u for u in units if u["label"] == "junk"]
    article_rows = [u for u in units if u["label"] != "junk"]
    scored = [a for a in articles.values() if a["score"] is not None and a["garbled_share"] is not None]
    x = [100.0 - a["score"] for a in scored]
    y = [a["garbled_share"] for a in scored]

    def rho(idx: np.ndarray) -> float | None:
        return spearman([x[i] for i in idx], [y[i] for i in idx])

    figures = {
        "garbled_recall": proportion(sum(u["flagged"] for u in garbled), len(garbled)),
        "precision_strict": proportion(sum(u["label"] == "garbled" for u in flagged), len(flagged)),
        "precision_lenient": proportion(sum(u["label"] == "garbled" for u in flagged_ok), len(flagged_ok)),
        "ok_flagged": proportion(sum(u["flagged"] for u in body if u["label"] == "ok"),
                                 sum(u["label"] == "ok" for u in body)),
        "awkward_flagged": proportion(sum(u["flagged"] for u in body if u["label"] == "awkward"),
                                      sum(u["label"] == "awkward" for u in body)),
        "junk_recall": proportion(sum(u["set_aside"] for u in junk), len(junk)),
        "article_rows_set_aside": proportion(sum(u["any_junk"] for u in article_rows), len(article_rows)),
        "titles_right_per_article": proportion(sum(a["titles_right"] for a in articles.values()), len(articles)),
        "spearman_score_vs_garbled_share": figure(spearman(x, y), bootstrap_ci(rho, len(x), resamples, seed), len(x)),
    }
    return {
        "command": "eval realworld",
        "dataset": {"path": str(root), "articles": len(articles), "rows": sum(len(r) for r in labels.values())},
        "signature": signature,
        "skipped_signals": skipped,
        "bootstrap": {"resamples": resamples, "seed": seed},
        "interval": "wilson 95% (proportions), bootstrap over articles (Spearman)",
        "figures": figures,
        "articles": {name: {"score": rnd(a["score"]), "garbled_share": rnd(a["garbled_share"]),
                            "titles_right": a["titles_right"], "units": a["units"]}
                     for name, a in articles.items()},
    }
