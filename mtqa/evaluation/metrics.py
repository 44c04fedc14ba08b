"""Metrics with their uncertainty: AUROC, average precision, P/R/F1, bootstrap and Wilson intervals.

Every figure comes with its ``n`` and a 95 % interval, because the labelled sets are small and a
difference of a few points is often noise. Intervals are percentile bootstraps with a fixed seed
(deterministic output) or, for plain proportions on tiny sets such as the seed article, Wilson
intervals.
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np
from scipy.stats import rankdata

DIGITS = 6
Z95 = 1.959963984540054


def auroc(risks: Sequence[float], labels: Sequence[int]) -> float | None:
    """P(a random positive has a higher risk than a random negative); ties count one half."""
    y = np.asarray(labels, dtype=bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    ranks = rankdata(np.asarray(risks, dtype=float), method="average")
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def average_precision(risks: Sequence[float], labels: Sequence[int]) -> float | None:
    """Σ (R_k − R_{k−1}) · P_k over the distinct risk thresholds, highest first (as scikit-learn)."""
    y = np.asarray(labels, dtype=float)
    if y.sum() == 0:
        return None
    r = np.asarray(risks, dtype=float)
    order = np.argsort(-r, kind="mergesort")
    r, y = r[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(r)), len(r) - 1]  # last index of each group of equal risks
    tps = np.cumsum(y)[last]
    precision = tps / (last + 1)
    recall = tps / tps[-1]
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def precision_recall_f1(flagged: Sequence[bool], labels: Sequence[int]) -> dict[str, float | None]:
    """At the profile's flag decision; a ratio with nothing to divide by is None."""
    f = np.asarray(flagged, dtype=bool)
    y = np.asarray(labels, dtype=bool)
    tp = int((f & y).sum())
    fp = int((f & ~y).sum())
    fn = int((~f & y).sum())
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = None
    if precision is not None and recall is not None:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def bootstrap_ci(statistic: Callable[[np.ndarray], float | None], n: int, resamples: int = 1000,
                 seed: int = 0) -> tuple[float | None, float | None]:
    """95 % percentile interval of ``statistic(indices)`` over resamples of ``range(n)``.

    Resamples where the statistic is undefined (e.g. one class only) are left out.
    """
    if n == 0 or resamples <= 0:
        return None, None
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(resamples):
        v = statistic(rng.integers(0, n, n))
        if v is not None and math.isfinite(v):
            values.append(v)
    if not values:
        return None, None
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def wilson(k: int, n: int) -> tuple[float | None, float | None]:
    """95 % Wilson score interval for k successes in n; sound even for n = 7 or k = 0."""
    if n == 0:
        return None, None
    p = k / n
    denom = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denom
    low = 0.0 if k == 0 else max(0.0, centre - half)  # exact ends, not rounding noise
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


def rnd(x: float | None) -> float | None:
    return None if x is None else round(float(x), DIGITS) + 0.0


def figure(value: float | None, ci: tuple[float | None, float | None], n: int) -> dict:
    return {"value": rnd(value), "low": rnd(ci[0]), "high": rnd(ci[1]), "n": n}


def proportion(k: int, n: int) -> dict:
    return {**figure(k / n if n else None, wilson(k, n), n), "count": k}
