"""Does the article score rank real pages by how garbled they are?

For a labelled page set (``../shared/dev/realworld`` layout: ``labels.tsv``) and the JSON that
``measure.py --json-dir DIR`` kept per article: Spearman between each article's score and its share
of garbled sentences (garbled / garbled + awkward + ok), with a bootstrap 95 % interval over
articles. A good ranking is strongly negative (more garbled, lower score).

    .venv/bin/python tools/page_ranking.py LABELS.tsv JSON_DIR
"""

from __future__ import annotations

import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.stats import rankdata, spearmanr


def shares(labels: Path) -> dict[str, float]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    with open(labels, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            label = row["label"]
            if label in ("title", "heading") and "garbled" in row.get("note", ""):
                label = "garbled"
            counts[row["file"]][label] += 1
    out = {}
    for name, c in counts.items():
        prose = c["garbled"] + c["awkward"] + c["ok"]
        if prose:
            out[name] = c["garbled"] / prose
    return out


def article_scores(json_dir: Path) -> dict[str, float]:
    out = {}
    for path in sorted(json_dir.glob("*.json")):
        doc = json.loads(path.read_text("utf-8"))
        doc = doc[0] if isinstance(doc, list) else doc
        if doc.get("score") is not None:
            out[Path(doc["path"]).name] = float(doc["score"])
    return out


def main() -> None:
    labels, json_dir = Path(sys.argv[1]), Path(sys.argv[2])
    share, score = shares(labels), article_scores(json_dir)
    names = sorted(set(share) & set(score))
    x, y = np.array([score[n] for n in names]), np.array([share[n] for n in names])
    rng = np.random.default_rng(0)
    vals = []
    for _ in range(2000):
        i = rng.integers(0, len(x), len(x))
        if len(set(x[i])) > 1 and len(set(y[i])) > 1:
            vals.append(np.corrcoef(rankdata(x[i]), rankdata(y[i]))[0, 1])
    lo, hi = np.percentile(vals, [2.5, 97.5])
    print(f"Spearman(article score, share garbled) {spearmanr(x, y).statistic:+.3f} [{lo:+.3f}, {hi:+.3f}] "
          f"n={len(names)} articles")


if __name__ == "__main__":
    main()
