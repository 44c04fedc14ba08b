"""``make bench-ngram``: what the offline n-gram fluency signal adds to a rules-only check.

A 1,000-sentence article (MLQE-PE dev sentences in paragraphs of five, ``--mlqe``; or ``--article
FILE``), checked side by side in one process: the rules-only Checker, then the n-gram fluency signal
on the same prose sentences; median of 5 runs after a warm-up. Last line: ``ngram_overhead=<%>``.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path

from mtqa.config import Config
from mtqa.models.context import ModelContext
from mtqa.pipeline import Checker
from mtqa.signals.fluency import build
from mtqa.types import Document

csv.field_size_limit(1 << 24)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mlqe", default=str(Path(__file__).resolve().parents[2] / "shared" / "dev" / "mlqe-pe"))
    ap.add_argument("--article", default=None)
    args = ap.parse_args()
    if args.article:
        text = Path(args.article).read_text("utf-8")
    else:
        rows = []
        for lp in ("et-en", "ne-en", "ro-en", "ru-en", "si-en"):
            with open(Path(args.mlqe) / f"{lp}-dev.tsv", encoding="utf-8", newline="") as f:
                rows += [r["mt"] for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)][:200]
        text = "\n\n".join(" ".join(rows[i:i + 5]) for i in range(0, len(rows), 5)) + "\n"
    doc = Document("bench", "bench.txt", text)
    config = Config(signals=("rules",), use_cache=False, profile="handset")
    checker = Checker(config)
    t0 = time.perf_counter()
    fluency = build(Config(fluency_model="ngram", use_cache=False), ModelContext(Config(fluency_model="ngram")))
    load = time.perf_counter() - t0
    prose = [s for s in checker.sentences(doc) if s.is_prose]
    checker.check_document(doc)
    fluency.score(prose)
    rules, ngram = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        checker.check_document(doc)
        rules.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        fluency.score(prose)
        ngram.append(time.perf_counter() - t0)
    r, n = statistics.median(rules), statistics.median(ngram)
    print(f"article: {len(text)} chars, {len(prose)} prose sentences")
    print(f"rules-only check: {r:.3f}s ({len(prose) / r:.0f} sentences/s)")
    print(f"n-gram fluency on the same sentences: {n:.3f}s ({len(prose) / n:.0f} sentences/s); model load + sha256 {load:.3f}s")
    print(f"ngram_overhead={100 * n / r:.1f}%")


if __name__ == "__main__":
    main()
