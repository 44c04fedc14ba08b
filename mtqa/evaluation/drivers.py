"""The eval drivers: read labelled data, score it, and report how well mtqa finds garbled sentences.

Scores are "higher is better", so the risk that a sentence is garbled is ``-score``. The figures and
their intervals come from ``metrics``.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import random
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from mtqa.config import Config
from mtqa.evaluation.metrics import (
    auroc,
    average_precision,
    bootstrap_ci,
    figure,
    precision_recall_f1,
    proportion,
    rnd,
)
from mtqa.types import Document, Sentence, SentenceScore

# Label words → garbled (1) or not (0). ``--positive`` overrides which words count as garbled.
DEFAULT_POSITIVE = ("1", "garbled", "major", "minor", "bad", "true", "yes")
KNOWN_LABELS = DEFAULT_POSITIVE + ("0", "ok", "awkward", "good", "false", "no", "title", "heading")


class EvalError(Exception):
    """A data file or option a user gave cannot be used (exit code 2)."""


# ---- reading data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    path: str
    sha256: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, str], ...]


def read_table(path: str | Path) -> Table:
    """A tab-separated file with a header row, no quoting (texts keep their quote marks); .gz ok."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise EvalError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise EvalError(f"{path}: is a directory") from None
    except OSError as exc:
        raise EvalError(f"{path}: cannot read ({exc.strerror or exc})") from None
    sha = hashlib.sha256(data).hexdigest()
    if p.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            raise EvalError(f"{path}: not a valid gzip file") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise EvalError(f"{path}: not UTF-8 text") from None
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if not header:
        raise EvalError(f"{path}: empty file (no header row)")
    columns = tuple(h.strip() for h in header)
    rows = []
    for lineno, values in enumerate(reader, 2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(columns):
            raise EvalError(f"{path}:{lineno}: {len(values)} fields, the header has {len(columns)}")
        rows.append(dict(zip(columns, values)))
    return Table(str(path), sha, columns, tuple(rows))


def require_columns(table: Table, *names: str | None) -> None:
    for name in names:
        if name is not None and name not in table.columns:
            raise EvalError(f"{table.path}: no column {name!r} (columns: {', '.join(table.columns)})")


def label_of(value: str, positive: Sequence[str], where: str, strict: bool = True) -> int:
    """1 for a garbled label; with the default label words an unknown word is an error, with
    ``--positive`` given every other word counts as not garbled."""
    word = value.strip().lower()
    if word in positive:
        return 1
    if word in KNOWN_LABELS or not strict:
        return 0
    raise EvalError(f"{where}: unknown label {value!r}; known: {', '.join(KNOWN_LABELS)} "
                    "(choose the garbled ones with --positive, drop rows with --ignore)")


# ---- scoring rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    """One score per text (None for an empty text), with the run that made them."""

    sentences: tuple[SentenceScore | None, ...]
    signature: str
    skipped: tuple[dict, ...]
    ran: tuple[str, ...]  # the signals that were built and ran


NO_SIGNAL = "no signal"


def score_texts(texts: Sequence[str], config: Config | None, chunk: int = 30) -> Scored:
    """Score every text as one sentence (the ``--lines`` path), ``chunk`` texts to a document.

    Texts are grouped because the scoring compares each sentence with the rest of its document
    (median and MAD); about an article's worth of sentences keeps that comparison meaningful.
    ``config=None`` is the floor of an ablation, a check with no signal at all: every sentence
    scores 100 and nothing is flagged (the CLI refuses such a check; here it is the baseline).
    """
    from mtqa.pipeline import Checker

    if chunk < 1:
        raise EvalError("--chunk must be at least 1")
    if config is None:
        return Scored(tuple(_unscored(i, t) for i, t in enumerate(texts)), NO_SIGNAL, (), ())
    checker = Checker(replace(config, lines=True))
    out: list[SentenceScore | None] = [None] * len(texts)
    for first in range(0, len(texts), chunk):
        group = [" ".join(t.split()) for t in texts[first:first + chunk]]
        doc = Document(f"rows{first + 1}-{first + len(group)}", "<eval>", "\n".join(group))
        for s in checker.check_document(doc).sentences:
            out[first + s.sentence.line - 1] = s
    skipped = tuple({"name": s.name, "reason": s.reason} for s in checker.skipped)
    return Scored(tuple(out), checker.signature, skipped, tuple(sig.name for sig in checker.signals))


def _unscored(index: int, text: str) -> SentenceScore | None:
    text = " ".join(text.split())
    if not text:
        return None
    sentence = Sentence("<eval>", index, text, 0, len(text), index + 1, 1)
    return SentenceScore(sentence, 100.0, None, (), {})


def ablation_report(config: Config, ran: Sequence[str], measure) -> list[dict]:
    """The overall figures re-measured with each signal that ran removed in turn."""
    out = []
    for name, cfg in ablations(config, ran):
        ab_scored, ab_overall, _ = measure(cfg)
        out.append({"removed": name, "signature": ab_scored.signature, **ab_overall})
    return out


def ablations(config: Config, ran: Sequence[str]) -> list[tuple[str, Config | None]]:
    """The configuration with each signal that ran removed in turn; ``None`` when nothing would
    run then (one signal: it vs nothing).

    Skipped signals are not ablated: without them the run is the same run.
    """
    out: list[tuple[str, Config | None]] = []
    for name in ran:
        rest = [s for s in ran if s != name]
        out.append((name, replace(config, signals=tuple(rest)) if rest else None))
    return out


# ---- eval labels ----------------------------------------------------------------------------


def label_metrics(risks: Sequence[float], flagged: Sequence[bool], labels: Sequence[int],
                  resamples: int, seed: int) -> dict:
    r = np.asarray(risks, dtype=float)
    y = np.asarray(labels, dtype=int)
    f = np.asarray(flagged, dtype=bool)
    n = len(y)
    out = {
        "n": n, "positives": int(y.sum()), "flagged": int(f.sum()),
        "auroc": figure(auroc(r, y), bootstrap_ci(lambda i: auroc(r[i], y[i]), n, resamples, seed), n),
        "average_precision": figure(
            average_precision(r, y), bootstrap_ci(lambda i: average_precision(r[i], y[i]), n, resamples, seed), n),
    }
    point = precision_recall_f1(f, y)
    for key in ("precision", "recall", "f1"):
        ci = bootstrap_ci(lambda i, key=key: precision_recall_f1(f[i], y[i])[key], n, resamples, seed)
        out[key] = figure(point[key], ci, n)
    return out


def eval_labels(path: str, config: Config, *, text_col: str = "text", label_col: str = "label",
                category_col: str | None = None, positive: Sequence[str] = DEFAULT_POSITIVE,
                ignore: Sequence[str] = (), resamples: int = 1000, seed: int = 0, chunk: int = 30,
                ablate: bool = False) -> dict:
    table = read_table(path)
    require_columns(table, text_col, label_col, category_col)
    strict = tuple(positive) == DEFAULT_POSITIVE
    positive = tuple(p.lower() for p in positive)
    ignore = tuple(i.lower() for i in ignore)
    rows = [r for r in table.rows if r[label_col].strip().lower() not in ignore]
    labels = [label_of(r[label_col], positive, f"{path}: row {i}", strict) for i, r in enumerate(rows, 1)]
    texts = [r[text_col] for r in rows]
    if not rows:
        raise EvalError(f"{path}: no rows to evaluate")
    if len(set(labels)) < 2:  # AUROC, precision and recall need both garbled and fine rows
        found = ", ".join(sorted({r[label_col].strip().lower() for r in rows}))
        missing = "no row is garbled" if 1 not in labels else "every row is garbled"
        raise EvalError(f"{path}: {missing} (labels found: {found}; garbled means: {', '.join(positive)}); "
                        "choose the garbled labels with --positive")

    def measure(cfg: Config | None) -> tuple[Scored, dict, dict]:
        scored = score_texts(texts, cfg, chunk)
        keep = [i for i, s in enumerate(scored.sentences) if s is not None]
        risks = [-scored.sentences[i].score for i in keep]
        flags = [scored.sentences[i].flagged for i in keep]
        ys = [labels[i] for i in keep]
        overall = label_metrics(risks, flags, ys, resamples, seed)
        per_cat: dict[str, dict] = {}
        if category_col:
            cats = sorted({rows[i][category_col] for i in keep})
            for cat in cats:
                sel = [j for j, i in enumerate(keep) if rows[i][category_col] == cat]
                per_cat[cat] = label_metrics([risks[j] for j in sel], [flags[j] for j in sel],
                                             [ys[j] for j in sel], resamples, seed)
        return scored, overall, per_cat

    scored, overall, per_cat = measure(config)
    report = {
        "command": "eval labels",
        "dataset": {**_dataset(table, len(rows)), "empty_texts_left_out": sum(s is None for s in scored.sentences)},
        "labels": {"positive": sorted(positive), "ignored": sorted(ignore)},
        "signature": scored.signature, "skipped_signals": list(scored.skipped),
        "bootstrap": {"resamples": resamples, "seed": seed, "interval": 0.95},
        "overall": overall,
    }
    if category_col:
        report["categories"] = per_cat
    if ablate:
        report["ablation"] = ablation_report(config, scored.ran, measure)
    return report


def _dataset(table: Table, rows: int) -> dict:
    return {"path": table.path, "sha256": table.sha256, "rows": rows}


# ---- eval pairs -----------------------------------------------------------------------------


def pair_metrics(good: Sequence[float], bad: Sequence[float], resamples: int, seed: int) -> dict:
    """Pairwise accuracy: the bad sentence scores strictly lower; a tie is a failure."""
    g = np.asarray(good, dtype=float)
    b = np.asarray(bad, dtype=float)
    wins = (b < g).astype(float)
    ties = int((b == g).sum())
    n = len(g)
    ci: tuple[float | None, float | None] = (None, None)
    if n and resamples > 0:
        idx = np.random.default_rng(seed).integers(0, n, (resamples, n))
        low, high = np.percentile(wins[idx].mean(axis=1), [2.5, 97.5])
        ci = (float(low), float(high))
    return {"n": n, "accuracy": figure(float(wins.mean()) if n else None, ci, n), "ties": ties,
            "tie_rate": rnd(ties / n) if n else None}


def select_pairs(rows: Sequence[dict], visibility: str | None, limit: int | None,
                 sample: int | None, seed: int) -> list[dict]:
    if visibility is not None:
        rows = [r for r in rows if r.get("visibility") == visibility]
    if sample is not None:
        if sample < 1:
            raise EvalError("--sample must be at least 1")
        chosen = sorted(random.Random(seed).sample(range(len(rows)), min(sample, len(rows))))
        rows = [rows[i] for i in chosen]
    if limit is not None:
        if limit < 1:
            raise EvalError("--limit must be at least 1")
        rows = rows[:limit]
    return list(rows)


def eval_pairs(path: str, config: Config, *, visibility: str | None = None, limit: int | None = None,
               sample: int | None = None, seed: int = 0, resamples: int = 1000, chunk: int = 30,
               ablate: bool = False) -> dict:
    table = read_table(path)
    require_columns(table, "good", "bad")
    if visibility is not None:
        require_columns(table, "visibility")
    rows = select_pairs(table.rows, visibility, limit, sample, seed)
    if not rows:
        raise EvalError(f"{path}: no pairs to evaluate" + (f" with visibility {visibility!r}" if visibility else ""))
    # Good and bad of a pair sit next to each other, so they are compared with the same neighbours.
    texts = [t for r in rows for t in (r["good"], r["bad"])]

    def measure(cfg: Config | None) -> tuple[Scored, dict, dict]:
        scored = score_texts(texts, cfg, chunk + chunk % 2)
        keep = [i for i in range(len(rows))
                if scored.sentences[2 * i] is not None and scored.sentences[2 * i + 1] is not None]
        good = [scored.sentences[2 * i].score for i in keep]
        bad = [scored.sentences[2 * i + 1].score for i in keep]
        groups: dict[str, dict] = {}
        for col in ("visibility", "perturbation"):
            if col not in table.columns:
                continue
            groups[col] = {}
            for value in sorted({rows[i][col] for i in keep}):
                sel = [j for j, i in enumerate(keep) if rows[i][col] == value]
                groups[col][value] = pair_metrics([good[j] for j in sel], [bad[j] for j in sel], resamples, seed)
        return scored, pair_metrics(good, bad, resamples, seed), groups

    scored, overall, groups = measure(config)
    left_out = sum(1 for i in range(len(rows)) if scored.sentences[2 * i] is None or scored.sentences[2 * i + 1] is None)
    report = {
        "command": "eval pairs",
        "dataset": {**_dataset(table, len(rows)), "pairs_with_empty_text_left_out": left_out},
        "filters": {"visibility": visibility, "limit": limit, "sample": sample, "seed": seed},
        "signature": scored.signature, "skipped_signals": list(scored.skipped),
        "bootstrap": {"resamples": resamples, "seed": seed, "interval": 0.95},
        "overall": overall,
        **{f"by_{col}": g for col, g in groups.items()},
    }
    if ablate:
        report["ablation"] = ablation_report(config, scored.ran, measure)
    return report


# ---- eval words -----------------------------------------------------------------------------


def token_spans(text: str, tokens: str) -> list[tuple[int, int]] | None:
    """Character spans in ``text`` of whitespace-separated ``tokens`` that spell the same characters
    with other spacing ("Tskinvali 's" in "Tskinvali's"); None when they do not."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for tok in tokens.split():
        while pos < len(text) and text[pos].isspace():
            pos += 1
        start = pos
        for ch in tok:
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if pos >= len(text) or text[pos] != ch:
                return None
            pos += 1
        spans.append((start, pos))
    return spans


def mcc(gold: np.ndarray, pred: np.ndarray) -> float | None:
    """Matthews correlation of two boolean arrays; None when a margin is empty."""
    tp, tn = float((gold & pred).sum()), float((~gold & ~pred).sum())
    fp, fn = float((~gold & pred).sum()), float((gold & ~pred).sum())
    d = ((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)) ** 0.5
    return (tp * tn - fp * fn) / d if d else None


def eval_words(path: str, config: Config, *, text_col: str = "mt", tokens_col: str = "mt_tok",
               tags_col: str = "word_tags", bad: str = "BAD", flag_spans: bool = False,
               resamples: int = 1000, seed: int = 0, chunk: int = 30) -> dict:
    """Word level (as the WMT word-level QE task): do the suspect spans point at the words tagged BAD?

    Each row is one sentence with its tokens and one tag per token (MLQE-PE: OK/BAD, BAD = changed
    by the post-editor). A token is predicted BAD when a suspect span of any signal overlaps it
    (with ``flag_spans``, also a flag span covering less than half the sentence). MCC over all tags,
    precision and recall of BAD; intervals resample sentences.
    """
    table = read_table(path)
    require_columns(table, text_col, tokens_col, tags_col)
    texts = [" ".join(r[text_col].split()) for r in table.rows]
    scored = score_texts(texts, config, chunk)
    gold: list[bool] = []
    pred: list[bool] = []
    owner: list[int] = []
    left_out = 0
    for i, (row, text, s) in enumerate(zip(table.rows, texts, scored.sentences)):
        spans = token_spans(text, row[tokens_col])
        tags = row[tags_col].split()
        if s is None or spans is None or len(spans) != len(tags):
            left_out += 1
            continue
        marked = [(x.start, x.end) for res in s.signals.values() for x in res.suspects]
        if flag_spans:
            off = s.sentence.start
            marked += [(f.start - off, f.end - off) for f in s.flags if f.end - f.start < 0.5 * len(text)]
        for (a, b), tag in zip(spans, tags):
            gold.append(tag == bad)
            pred.append(any(a < e and st < b for st, e in marked))
            owner.append(i)
    y, p, o = np.array(gold, dtype=bool), np.array(pred, dtype=bool), np.array(owner)
    sentences = sorted(set(owner))
    where = {k: np.flatnonzero(o == k) for k in sentences}

    def resampled(stat):
        def on(idx):
            pick = np.concatenate([where[sentences[j]] for j in idx]) if len(idx) else np.array([], int)
            return stat(y[pick], p[pick])
        return bootstrap_ci(on, len(sentences), resamples, seed)

    def precision(g, q):
        return float((g & q).sum() / q.sum()) if q.sum() else None

    def recall(g, q):
        return float((g & q).sum() / g.sum()) if g.sum() else None

    n = len(y)
    return {
        "command": "eval words",
        "dataset": {**_dataset(table, len(table.rows)), "rows_left_out": left_out, "tags": n,
                    "bad_rate": rnd(float(y.mean())) if n else None},
        "signature": scored.signature, "skipped_signals": list(scored.skipped),
        "bootstrap": {"resamples": resamples, "seed": seed, "interval": 0.95},
        "prediction": "suspects and local flag spans" if flag_spans else "suspects",
        "mcc": figure(mcc(y, p), resampled(mcc), n),
        "precision_bad": figure(precision(y, p), resampled(precision), int(p.sum())),
        "recall_bad": figure(recall(y, p), resampled(recall), int(y.sum())),
        "predicted_bad_rate": rnd(float(p.mean())) if n else None,
    }


# ---- eval seed ------------------------------------------------------------------------------

SEED_ARTICLE = "data/seed-article.txt"
SEED_LABELS = "data/seed-labels.tsv"
# The repository next to the package: ``eval seed`` finds its data there when run from elsewhere.
REPO_ROOT = Path(__file__).resolve().parent.parent.parent


def seed_file(relative: str) -> str:
    """A default seed file: ``relative`` to the working directory if there, else in the repository."""
    if Path(relative).is_file():
        return relative
    repo = REPO_ROOT / relative
    if repo.is_file():
        return str(repo)
    raise EvalError(f"{relative}: not found in {Path.cwd()} nor in {REPO_ROOT}; "
                    "name the files with --article and --labels")


# Seed label → the segment kind mtqa should give it.
JUNK_KIND = {"comment-form": "boilerplate", "duplicate-title": "duplicate"}


@dataclass(frozen=True)
class SeedLabel:
    line: int
    label: str
    starts_with: str


def read_seed_labels(path: str) -> list[SeedLabel]:
    table = read_table(path)
    require_columns(table, "line", "label", "sentence_starts_with")
    out = []
    for i, row in enumerate(table.rows, 2):
        try:
            line = int(row["line"])
        except ValueError:
            raise EvalError(f"{path}:{i}: line {row['line']!r} is not a number") from None
        out.append(SeedLabel(line, row["label"].strip(), row["sentence_starts_with"].strip()))
    return out


def align(labels: Iterable[SeedLabel], sentences: Sequence[SentenceScore]) -> list[tuple[SeedLabel, SentenceScore | None]]:
    """Each label with the sentence that starts on its line with its words, or None (not found)."""
    out = []
    for label in labels:
        match = next((s for s in sentences if s.sentence.line == label.line
                      and s.sentence.text.strip().startswith(label.starts_with)), None)
        out.append((label, match))
    return out


def eval_seed(article: str, labels_path: str, config: Config) -> dict:
    from mtqa.ingest.sources import InputError, Source, read_document
    from mtqa.pipeline import Checker

    if not Path(article).is_file():
        raise EvalError(f"{article}: no such file")
    try:
        document = read_document(Source(article, Path(article)), config.max_bytes)
    except InputError as exc:
        raise EvalError(str(exc)) from None
    labels = read_seed_labels(labels_path)
    checker = Checker(replace(config, lines=False))
    report = checker.check_document(document)
    pairs = align(labels, report.sentences)

    rows = []
    for label, s in pairs:
        rows.append({
            "line": label.line, "label": label.label, "starts_with": label.starts_with,
            "found": s is not None, "kind": s.sentence.kind if s else None,
            "flagged": bool(s and s.flagged), "severity": s.severity if s else None,
            "score": rnd(s.score) if s and s.score is not None else None,
            "codes": sorted({f.code for f in s.flags}) if s else [],
        })

    def count(select: Callable[[dict], bool], success: Callable[[dict], bool]) -> dict:
        chosen = [r for r in rows if select(r)]
        return {**proportion(sum(1 for r in chosen if success(r)), len(chosen)),
                "not_found": sum(1 for r in chosen if not r["found"])}

    def expected_kind(label: str) -> str:
        if label.startswith("junk:"):
            name = label[5:]
            return JUNK_KIND.get(name, name)
        return label

    prose_labels = ("ok", "awkward", "garbled")
    figures = {
        "garbled_flagged": count(lambda r: r["label"] == "garbled", lambda r: r["flagged"]),
        "ok_flagged": count(lambda r: r["label"] == "ok", lambda r: r["flagged"]),
        "awkward_flagged": count(lambda r: r["label"] == "awkward", lambda r: r["flagged"]),
        "junk_set_aside_right_kind": count(lambda r: r["label"].startswith("junk:"),
                                           lambda r: r["kind"] == expected_kind(r["label"])),
        "junk_set_aside_any_kind": count(lambda r: r["label"].startswith("junk:"),
                                         lambda r: r["kind"] is not None and r["kind"] not in ("body", "title", "heading")),
        "title_heading_recognised": count(lambda r: r["label"] in ("title", "heading"),
                                          lambda r: r["kind"] == r["label"]),
        "prose_set_aside_as_junk": count(lambda r: r["label"] in prose_labels,
                                         lambda r: r["kind"] is not None and r["kind"] not in ("body", "title", "heading")),
    }
    return {
        "command": "eval seed",
        "article": {"path": article, "sha256": hashlib.sha256(document.text.encode("utf-8")).hexdigest()},
        "labels": {"path": labels_path, "n": len(labels), "not_found": sum(1 for r in rows if not r["found"])},
        "signature": report.signature,
        "skipped_signals": [{"name": s.name, "reason": s.reason} for s in report.skipped_signals],
        "interval": "wilson 95%",
        "figures": figures,
        "sentences": rows,
    }


def positives_of(spec: str | None) -> tuple[str, ...]:
    if spec is None:
        return DEFAULT_POSITIVE
    words = tuple(w.strip().lower() for w in spec.split(",") if w.strip())
    if not words:
        raise EvalError("--positive needs at least one label")
    return words
