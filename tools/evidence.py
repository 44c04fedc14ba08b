"""Evidence as data: each detector's measured precision per dataset, written to a committed TSV.

    python tools/devmeasure.py evidence [--realworld DIR] [--realworld-b DIR] [--wmt DIR] [--mlqe DIR]
                                        [--out TSV] [--docs MD]      (make evidence)

Why: a severity is a claim ("when this fires, the sentence is damaged"); the claim should rest on
counts anyone can rerun, and ``severity_from_evidence`` (mtqa.signals.rules.catalogue) turns them
into severities. Only counts leave this tool: no third-party sentence goes into the repository.

Datasets (every catalogue code gets a row per dataset, with 0 hits where it never fires, and a
``__base__`` row: hits = units, correct = units with an error, so the reader sees the base rate):

- ``realworld`` (20 labelled dev pages, in sample: the rules were written from them) and
  ``realworld-b`` (12 pages, a lockbox: measured here, never read to write rules). The pages run
  through the model-free tier and are aligned to the labels by ``mtqa.evaluation.realworld`` (the
  matching of the set's measure.py). A hit is a labelled body unit (garbled, awkward or ok; markup
  splits left out) carrying the code at any severity; correct means labelled garbled (strict:
  awkward counts as wrong).
- ``wmt-mqm-news`` (WMT 2021 and 2022 zh→en news with MQM error spans): every distinct target
  sentence is its own one-sentence article. A hit is a (target, code) flagged; correct when some
  annotator's error span (any severity, any row with that target) overlaps one of the code's flag
  spans; a flag over the whole sentence is correct when the target has any error.
- ``mlqe-pe`` (the five X→English dev files) and ``mlqe-pe-train`` (the train files, where rare
  codes find more hits): every sentence its own article; correct when a post-editor tagged a
  token that overlaps the flag's span BAD (word_tags over mt_tok). A flag over the whole sentence
  is correct when HTER >= 0.3: almost nine sentences in ten have some BAD token, so "any BAD
  token" would make any whole-sentence flag look precise by chance.

Precision comes with a 95 % Wilson interval. Runs the rules on about 60,000 sentences: several
minutes on two cores; nothing is cached.
"""

from __future__ import annotations

import collections
import csv
import datetime
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from mtqa.config import Config
from mtqa.evaluation.metrics import wilson
from mtqa.evaluation.realworld import eval_realworld
from mtqa.signals.rules import RulesSignal
from mtqa.signals.rules.catalogue import CATALOGUE
from mtqa.types import Flag, Sentence

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "dev"
EVIDENCE = ROOT / "mtqa" / "signals" / "rules" / "evidence.tsv"
DOCS = ROOT / "docs" / "detectors.md"
COLUMNS = ("code", "dataset", "in_sample", "hits", "correct", "precision", "ci_low", "ci_high",
           "rules_version", "date")
BASE = "__base__"
HTER_BAD = 0.3


@dataclass
class Tally:
    """Per code: hits and correct ones on one dataset, and the dataset's base rate."""

    dataset: str
    in_sample: bool
    units: int = 0
    with_error: int = 0

    def __post_init__(self) -> None:
        self.hits: collections.Counter[str] = collections.Counter()
        self.correct: collections.Counter[str] = collections.Counter()

    def unit(self, has_error: bool, verdicts: dict[str, bool]) -> None:
        """One unit: whether it has an error, and per code it carries, whether the flag is right."""
        self.units += 1
        self.with_error += has_error
        for code, right in verdicts.items():
            self.hits[code] += 1
            self.correct[code] += right


def _table(tally: Tally, version: str, date: str) -> list[dict[str, str]]:
    rows = []
    for code in [BASE, *CATALOGUE.codes()]:
        hits, correct = (tally.units, tally.with_error) if code == BASE else (tally.hits[code], tally.correct[code])
        low, high = wilson(correct, hits)
        rows.append({"code": code, "dataset": tally.dataset, "in_sample": "yes" if tally.in_sample else "no",
                     "hits": str(hits), "correct": str(correct),
                     "precision": f"{correct / hits:.3f}" if hits else "",
                     "ci_low": f"{low:.3f}" if hits else "", "ci_high": f"{high:.3f}" if hits else "",
                     "rules_version": version, "date": date})
    return rows


def measure_realworld(folder: Path, dataset: str, in_sample: bool) -> Tally:
    tally = Tally(dataset, in_sample)
    with tempfile.TemporaryDirectory() as empty:  # no models: the model-free tier
        result = eval_realworld(str(folder), Config(models_dir=Path(empty)), resamples=10)
    for article in result["articles"].values():
        for unit in article["units"]:
            if unit["label"] not in ("garbled", "ok", "awkward") or unit["markup_split"]:
                continue
            garbled = unit["label"] == "garbled"
            tally.unit(garbled, {c: garbled for c in unit["codes"] if c in set(CATALOGUE.codes())})
    return tally


def flags_per_sentence(texts: Sequence[str]) -> list[tuple[Flag, ...]]:
    """The rules signal on each text as its own one-sentence article, parsed in batches."""
    signal = RulesSignal()
    sentences = [Sentence("d", 0, t, 0, len(t), 1, 1, "body") for t in texts]
    docs = signal._parse(list(texts))  # one batched parse; scoring stays one article per sentence
    return [signal.score([s], {(0, len(s.text)): next(docs)})[0].flags for s in sentences]


def whole(flag: Flag, text: str) -> bool:
    """A flag over the whole sentence (no-verb, infinitive-fragment): no span to compare."""
    return flag.start <= len(text) - len(text.lstrip()) and flag.end >= len(text.rstrip())


def overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in spans)


def _verdicts(flags: Iterable[Flag], text: str, whole_ok: bool, spans: list[tuple[int, int]]) -> dict[str, bool]:
    """Per code: right when any of its flags is (whole-sentence flags by ``whole_ok``)."""
    out: dict[str, bool] = {}
    for f in flags:
        if f.code in CATALOGUE.codes():
            right = whole_ok if whole(f, text) else overlaps(f.start, f.end, spans)
            out[f.code] = out.get(f.code, False) or right
    return out


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def measure_wmt(folder: Path) -> Tally:
    spans: dict[str, set[tuple[int, int]]] = {}
    for name in ("news-2021.tsv", "news-2022.tsv"):
        for row in _read(folder / name):
            found = spans.setdefault(row["target"], set())
            for a, b in zip(row["span_starts"].split(), row["span_ends"].split()):
                if int(a) >= 0:
                    found.add((int(a), max(int(b), int(a) + 1)))
    texts = sorted(spans)
    tally = Tally("wmt-mqm-news", False)
    for text, flags in zip(texts, flags_per_sentence(texts)):
        error = sorted(spans[text])
        tally.unit(bool(error), _verdicts(flags, text, bool(error), error))
    return tally


def token_spans(text: str, tokens: Sequence[str]) -> list[tuple[int, int]]:
    """Character span of each pre-tokenized token in the raw text; a token the tokenizer rewrote
    (quotes, brackets) takes the stretch up to the next token that is found."""
    out, pos = [], 0
    for tok in tokens:
        at = text.find(tok, pos)
        if at < 0 or text[pos:at].strip():
            nxt = re.search(r"\S", text[pos:])
            at = pos + nxt.start() if nxt else pos
            out.append((at, at + 1))
            pos = at + 1
        else:
            out.append((at, at + len(tok)))
            pos = at + len(tok)
    return out


def measure_mlqe(folder: Path, split: str) -> Tally:
    rows = [r for path in sorted(folder.glob(f"*-{split}.tsv")) for r in _read(path)]
    tally = Tally("mlqe-pe" if split == "dev" else f"mlqe-pe-{split}", False)
    for row, flags in zip(rows, flags_per_sentence([r["mt"] for r in rows])):
        text, tags = row["mt"], row["word_tags"].split()
        spans = token_spans(text, row["mt_tok"].split())
        bad = [s for s, tag in zip(spans, tags) if tag == "BAD"]
        tally.unit(bool(bad), _verdicts(flags, text, float(row["hter"]) >= HTER_BAD, bad))
    return tally


def write_tsv(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def read_evidence(path: Path = EVIDENCE) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _cell(row: dict[str, str]) -> str:
    if row["hits"] == "0":
        return "0"
    return (f"{row['correct']}/{row['hits']} = {float(row['precision']):.2f} "
            f"[{float(row['ci_low']):.2f}, {float(row['ci_high']):.2f}]")


def markdown(rows: list[dict[str, str]]) -> str:
    """The detector table: code, severity, what it catches, and its evidence per dataset."""
    datasets = list(dict.fromkeys(r["dataset"] for r in rows))
    by = {(r["code"], r["dataset"]): r for r in rows}
    first = rows[0]
    names = [f"{d} (in sample)" if by[(BASE, d)]["in_sample"] == "yes" else d for d in datasets]
    lines = [
        "# Detectors of the rules signal",
        "",
        "Generated by `make evidence` (tools/evidence.py) from `mtqa/signals/rules/evidence.tsv`; do not edit.",
        f"Rules version {first['rules_version']}, measured {first['date']}. A cell is correct/hits = precision "
        "[95 % Wilson interval]; what counts as a hit and as correct on each dataset is in tools/evidence.py. "
        "A code is major when every out-of-sample dataset with at least 10 hits measures a precision of at "
        "least 0.85 (and at least one such dataset exists); otherwise minor; info stays info "
        "(`severity_from_evidence`).",
        "",
        "| code | severity | what it catches | " + " | ".join(names) + " |",
        "|---|---|---|" + "---|" * len(datasets),
        "| *base rate* | | units with an error | " + " | ".join(_cell(by[(BASE, d)]) for d in datasets) + " |",
    ]
    for d in sorted(CATALOGUE, key=lambda d: ({"major": 0, "minor": 1, "info": 2}[d.severity], d.code)):
        cells = " | ".join(_cell(by[(d.code, ds)]) if (d.code, ds) in by else "–" for ds in datasets)
        lines.append(f"| `{d.code}` | {d.severity} | {d.title} | {cells} |")
    return "\n".join(lines) + "\n"


def main(args: dict[str, Path], docs_only: bool = False) -> int:
    if not docs_only:
        version, date = RulesSignal.version, datetime.date.today().isoformat()
        tallies = [measure_realworld(args["realworld"], "realworld", True),
                   measure_realworld(args["realworld_b"], "realworld-b", False),
                   measure_wmt(args["wmt"]), measure_mlqe(args["mlqe"], "dev"), measure_mlqe(args["mlqe"], "train")]
        write_tsv([row for t in tallies for row in _table(t, version, date)], args["out"])
        print(f"wrote {args['out']}")
    args["docs"].write_text(markdown(read_evidence(args["out"])), encoding="utf-8")
    print(f"wrote {args['docs']}")
    return 0
