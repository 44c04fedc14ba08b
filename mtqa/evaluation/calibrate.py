"""Fit how the signals combine: a logistic regression over signal features, and a flag threshold.

The threshold is chosen on out-of-fold probabilities (stratified k-fold), not on the fit's own
predictions, so the promised precision or recall is not an in-sample illusion. The written profile
records what it was fitted on (file hash, n, signature) and nothing that changes from run to run,
so the same data, models and options give a byte-identical profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from mtqa.config import Config
from mtqa.evaluation.drivers import DEFAULT_POSITIVE, EvalError, label_of, read_table, require_columns, score_texts
from mtqa.scoring.combine import signal_features
from mtqa.scoring.profile import FLAG_CODE, Calibrated, Profile, profile_toml

SEED = 0


@dataclass(frozen=True)
class Fit:
    calibrated: Calibrated
    n: int
    positives: int
    target: str
    cv_precision: float | None
    cv_recall: float | None
    reached: bool  # whether the target precision/recall was reached out of fold


def collect(path: str, config: Config, *, pairs: bool = False, text_col: str = "text",
            label_col: str = "label", positive: Sequence[str] = DEFAULT_POSITIVE, chunk: int = 30,
            ) -> tuple[list[dict[str, float]], list[int], str, str]:
    """Feature rows and labels from a labels TSV or a pairs TSV (good = 0, bad = 1).

    Returns (features, labels, file sha256, run signature).
    """
    table = read_table(path)
    if pairs:
        require_columns(table, "good", "bad")
        texts = [t for r in table.rows for t in (r["good"], r["bad"])]
        labels = [y for _ in table.rows for y in (0, 1)]
    else:
        require_columns(table, text_col, label_col)
        strict = tuple(positive) == DEFAULT_POSITIVE
        texts = [r[text_col] for r in table.rows]
        labels = [label_of(r[label_col], positive, f"{path}: row {i}", strict)
                  for i, r in enumerate(table.rows, 1)]
    scored = score_texts(texts, config, chunk + chunk % 2)
    keep = [i for i, s in enumerate(scored.sentences) if s is not None]
    features = [signal_features(scored.sentences[i].signals) for i in keep]
    return features, [labels[i] for i in keep], table.sha256, scored.signature


def choose_threshold(probs: Sequence[float], labels: Sequence[int], precision: float | None,
                     recall: float | None) -> tuple[float, float | None, float | None, bool]:
    """The threshold (flag when p ≥ t) for the target; returns (t, precision, recall, reached).

    For a precision target: the lowest threshold that reaches it (most recall); if none does, the
    one with the best precision. For a recall target: the highest threshold that still reaches it.
    """
    p = np.asarray(probs, dtype=float)
    y = np.asarray(labels, dtype=int)
    candidates = []
    for t in sorted(set(p.tolist())):
        flagged = p >= t
        tp = int((flagged & (y == 1)).sum())
        prec = tp / int(flagged.sum()) if flagged.any() else None
        rec = tp / int(y.sum()) if y.sum() else None
        candidates.append((t, prec, rec))
    if recall is not None:
        ok = [c for c in candidates if c[2] is not None and c[2] >= recall]
        if ok:
            return (*ok[-1], True)
        return (*candidates[0], False)
    target = 0.9 if precision is None else precision
    ok = [c for c in candidates if c[1] is not None and c[1] >= target]
    if ok:
        return (*ok[0], True)
    best = max(candidates, key=lambda c: (c[1] or 0.0, -c[0]))
    return (*best, False)


def fit(features: Sequence[Mapping[str, float]], labels: Sequence[int], *, precision: float | None = None,
        recall: float | None = None) -> Fit:
    """Standardise, fit a logistic regression, and pick the threshold out of fold."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    for name, value in (("--precision", precision), ("--recall", recall)):
        if value is not None and not 0 < value <= 1:
            raise EvalError(f"{name} must be in (0, 1]")
    if precision is not None and recall is not None:
        raise EvalError("give --precision or --recall, not both")
    y = np.asarray(labels, dtype=int)
    minority = int(min(y.sum(), len(y) - y.sum())) if len(y) else 0
    if minority < 2:
        raise EvalError("calibration needs at least 2 garbled and 2 fine sentences")
    names = sorted({k for row in features for k in row})
    # a flag code a row lacks was not raised (0), as Calibrated reads it; other missing values take the mean
    x = np.array([[row.get(k, 0.0 if k.startswith(FLAG_CODE) else np.nan) for k in names] for row in features],
                 dtype=float).reshape(len(y), len(names))
    mean = np.nanmean(x, axis=0) if names else np.zeros(0)
    mean = np.where(np.isnan(mean), 0.0, mean)
    x = np.where(np.isnan(x), mean, x)
    scale = x.std(axis=0)
    scale = np.where(scale > 1e-12, scale, 1.0)
    xs = (x - mean) / scale
    if not names:  # no signal produced a number: the fit can only learn the base rate
        xs = np.zeros((len(y), 1))
    model = LogisticRegression(C=1.0, max_iter=1000)
    folds = StratifiedKFold(n_splits=min(5, minority), shuffle=True, random_state=SEED)
    oof = cross_val_predict(model, xs, y, cv=folds, method="predict_proba")[:, 1]
    threshold, cv_prec, cv_rec, reached = choose_threshold(oof, y, precision, recall)
    model.fit(xs, y)
    coef = model.coef_[0] if names else np.zeros(0)
    target = f"recall>={recall:g}" if recall is not None else f"precision>={(precision or 0.9):g}"
    calibrated = Calibrated(
        features=tuple(names), mean=tuple(_r(v) for v in mean), scale=tuple(_r(v) for v in scale),
        coef=tuple(_r(v) for v in coef), intercept=_r(model.intercept_[0]), threshold=_r(threshold),
    )
    return Fit(calibrated, len(y), int(y.sum()), target, cv_prec, cv_rec, reached)


def _r(x: float) -> float:
    """12 significant digits: stable across BLAS builds' last-bit noise, exact enough to score."""
    return float(f"{float(x):.12g}") + 0.0


def calibrate(path: str, output: Path, config: Config, *, pairs: bool = False, name: str | None = None,
              precision: float | None = None, recall: float | None = None, text_col: str = "text",
              label_col: str = "label", positive: Sequence[str] = DEFAULT_POSITIVE, chunk: int = 30) -> dict:
    """Fit on ``path`` and write the profile to ``output``; returns a summary for the CLI."""
    features, labels, sha, signature = collect(path, config, pairs=pairs, text_col=text_col,
                                               label_col=label_col, positive=positive, chunk=chunk)
    result = fit(features, labels, precision=precision, recall=recall)
    name = name or output.stem
    source = {
        "file": Path(path).name, "sha256": sha, "kind": "pairs" if pairs else "labels",
        "n": str(result.n), "positives": str(result.positives), "signature": signature,
        "target": result.target, "target_reached": str(result.reached).lower(),
        "cv_precision": "" if result.cv_precision is None else f"{result.cv_precision:.6f}",
        "cv_recall": "" if result.cv_recall is None else f"{result.cv_recall:.6f}",
    }
    text = profile_toml(Profile(name=name, source=source, calibrated=result.calibrated))
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise EvalError(f"{output}: cannot write ({exc.strerror or exc})") from None
    return {"profile": str(output), "name": name, "features": list(result.calibrated.features),
            "threshold": result.calibrated.threshold, **{k: source[k] for k in
            ("n", "positives", "target", "target_reached", "cv_precision", "cv_recall", "signature")}}
