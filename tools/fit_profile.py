"""Fit the built-in scoring profile on human judgements (``make fit``); re-runnable, deterministic.

Data (kept outside the repository): MLQE-PE (``--mlqe``, default ../shared/dev/mlqe-pe beside the checkout: English
machine translations from et, ne, ro, ru, si with direct-assessment scores), and DEMETR pairs
(``data/dev/demetr-flores-pairs.tsv.gz``, a held-out check). Features come from mtqa itself: every
text is scored on the ``--lines`` path (``mtqa.evaluation.drivers.score_texts``) with what a default
run has without model weights (rules, grammar, the offline n-gram fluency), and ``signal_features``
names them as a profile does. Signal results are cached under ``--cache``, keyed by the texts and a
hash of the code that produces them.

Model: ridge regression of DA z-scores on standardised features plus the detector flags (readable:
one coefficient per feature, one weight per flag), then a one-dimensional logistic link to
P(needs repair: DA < 70, below the DA guideline band "closely preserves the meaning"), so
p = sigmoid(intercept + Σ coef·(x − mean)/scale) and the sentence score is 100·(1 − p). A flag weighs
by its severity (``flags.major``, ``flags.minor``: counts) plus, for a code raised on at least
``MIN_SUPPORT`` training sentences, a deviation of its own (``flag.<code>``) shrunk towards 0 by a
ridge penalty chosen by 5-fold CV; codes are read from the data, so new detectors need no edit here.
No flag may lower the risk (see ``Fit``). The learned signal is one more feature (``learned.quality``,
with its ``learned-risk`` flag): on train its out-of-fold prediction from ``tools/fit_learned.py``
(run first), so the profile fits on the 12,500 train sentences the learned heads read. A second fit
without it, on the same sentences, is the profile's ``[fallback]``: what a run without the LM uses. Cross-validation on train: 5-fold and
leave-one-language-out; then MLQE-PE dev (never used in the fit) per language pair with bootstrap
CIs, with and without the grammar signal, and DEMETR pairwise accuracy per visibility. The minor-flag
threshold is the lowest p whose out-of-fold precision for DA < 50 ("major mistakes" or worse)
reaches ``--precision`` on the training sentences no detector flagged (the only ones it can flag).

    .venv/bin/python tools/fit_profile.py [--mlqe DIR] [--out mtqa/scoring/default-profile.toml]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
from scipy.stats import rankdata, spearmanr
from sklearn.linear_model import LogisticRegression

from mtqa.config import Config
from mtqa.evaluation.drivers import score_texts
from mtqa.scoring.combine import signal_features
from mtqa.scoring.profile import FLAG_CODE, Calibrated, Profile, profile_toml
from mtqa.types import Flag, SignalResult

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
PAIRS = ("et-en", "ne-en", "ro-en", "ru-en", "si-en")
FEATURES = (  # model-free: n-gram fluency, surface, the rules' oddity and findings
    "fluency.ngram_slor", "fluency.ngram_min_rel", "fluency.ngram_unknown_share",
    "rules.lex_arc_mean", "rules.lex_min_zipf", "rules.lex_mean_zipf", "rules.lex_oov_share",
    "rules.lex_caps_share", "rules.lex_digit_share", "rules.lex_comma_per_word", "rules.lex_type_token",
    "rules.lex_rep_bigram", "learned.quality",
)  # the detector flags join these as counts (see Design); grammar.parsed is left out: its no-parse flag carries it
ALPHA = 1.0
csv.field_size_limit(1 << 24)


def read_tsv(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


SIGNALS = ("rules", "grammar", "fluency")  # what a default run has without model weights
FEATURE_CODE = ("mtqa/ingest", "mtqa/text", "mtqa/models", "mtqa/signals", "mtqa/config.py", "mtqa/types.py",
                "mtqa/extensions.py")  # the code the cached signal results depend on
NOT_FEATURE_CODE = ("mtqa/models/smollm.py", "mtqa/signals/learned.py", "mtqa/signals/learned-head.json")  # learned:
# its values on train come from tools/fit_learned.py's out-of-fold predictions, not from these results


def code_digest() -> str:
    """Hash of the code that produces signal results, so a cache never outlives a change to it."""
    h = hashlib.sha256()
    for part in FEATURE_CODE:
        base = ROOT / part
        for f in sorted([base] if base.is_file() else (x for x in base.rglob("*") if x.is_file())):
            if "__pycache__" not in f.parts and str(f.relative_to(ROOT)) not in NOT_FEATURE_CODE:
                h.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def results_of(texts: list[str], cache: Path) -> list[dict | None]:
    """Per text: {signal: {"values": {...}, "flags": [[code, severity], ...]}} from a default model-free
    run (rules, grammar, n-gram fluency); None for an empty text. Cached by texts and code."""
    key = hashlib.sha256(("\n".join(texts) + "\0" + code_digest()).encode()).hexdigest()[:16]
    path = cache / f"results-{key}.jsonl"
    if path.exists():
        return [json.loads(line) for line in path.open()]
    config = Config(signals=SIGNALS, fluency_model="ngram", use_cache=False, profile="handset")
    scored = score_texts(texts, config)
    if scored.skipped:
        sys.exit(f"fit_profile: signals skipped: {scored.skipped} (the fit needs rules, grammar and fluency)")
    rows = []
    for s in scored.sentences:
        rows.append(None if s is None else {
            name: {"values": dict(res.values), "flags": [[f.code, f.severity] for f in res.flags]}
            for name, res in sorted(s.signals.items())})
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows))
    print(f"  scored {len(texts)} texts: {scored.signature}", file=sys.stderr)
    return rows


DEMETR_PAIRS = 2000  # DEMETR pairs for the held-out check (of ~15,000: what the learned signal reads in minutes)


def demetr_pairs(path: Path) -> list[dict]:
    pairs = read_tsv(path)
    return [pairs[i] for i in sorted(np.random.default_rng(0).permutation(len(pairs))[:DEMETR_PAIRS])]


def learned_results(quality: float | None) -> dict | None:
    """The learned signal's result for a sentence whose sentence head said ``quality`` (train: out of
    fold, from tools/fit_learned.py): its value and, past the head's thresholds, its flag."""
    if quality is None:
        return None
    from mtqa.signals.learned import load_head, sigmoid

    head = load_head()
    risk = round(sigmoid(head.link[0] + head.link[1] * quality), 4)
    major = head.major < 1.0 and risk >= head.major
    flags = [["learned-risk", "major" if major else "minor"]] if risk >= head.minor else []
    return {"values": {"quality": quality, "risk": risk}, "flags": flags}


def with_learned(results: list[dict | None], qualities: list[float | None]) -> list[dict | None]:
    out = []
    for r, q in zip(results, qualities):
        lr = learned_results(q)
        out.append(r if r is None or lr is None else {**r, "learned": lr})
    return out


def learned_of(texts: list[str], cache: Path) -> list[float | None]:
    """The learned signal's quality for ``texts``, run as a check runs it; cached by texts and head."""
    from mtqa.signals import learned

    code = learned.HEAD_FILE.read_text() + Path(learned.__file__).read_text()
    key = hashlib.sha256(("\n".join(texts) + "\0" + code).encode()).hexdigest()[:16]
    path = cache / f"learned-{key}.json"
    if path.exists():
        return json.loads(path.read_text())
    scored = score_texts(texts, Config(signals=("learned",), models_dir=ROOT / "models", use_cache=False))
    if scored.skipped:
        sys.exit(f"fit_profile: the learned signal was skipped: {scored.skipped}")
    out = [None if s is None else s.signals["learned"].values.get("quality") for s in scored.sentences]
    path.write_text(json.dumps(out))
    return out


def features_from(results: dict | None, drop: tuple[str, ...] = ()) -> dict:
    """``signal_features`` of cached results (as a run's combine sees them), without the ``drop`` signals."""
    if results is None:
        return {}
    signals = {name: SignalResult(name, r["values"], flags=tuple(Flag(c, "", sev, 0, 0) for c, sev in r["flags"]))
               for name, r in results.items() if name not in drop}
    return signal_features(signals)


SEVERITIES = ("major", "minor")  # detector flags that weigh; info flags are notes, not evidence
MIN_SUPPORT = 50  # training sentences with a flag code before it gets a weight of its own
SHRINK_GRID = (3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0)  # ridge penalty of a code's own weight


class Design:
    """The profile's features: the continuous ones, detector flag counts by severity, and the flag
    codes with enough support on train (each with the severity it is mostly raised with)."""

    def __init__(self, results: list[dict | None], features: tuple[str, ...] = FEATURES):
        seen: dict[str, dict[str, int]] = {}
        for r in results:
            for code, sev in {(c, sv) for res in (r or {}).values() for c, sv in res["flags"] if sv in SEVERITIES}:
                seen.setdefault(code, {}).setdefault(sev, 0)
                seen[code][sev] += 1
        self.support = {c: sum(v.values()) for c, v in seen.items()}
        self.codes = tuple(sorted(c for c, n in self.support.items() if n >= MIN_SUPPORT))
        self.severity = {c: max(sorted(seen[c]), key=lambda sv: seen[c][sv]) for c in self.codes}
        self.names = features + tuple(f"flags.{sv}" for sv in SEVERITIES) + tuple(f"{FLAG_CODE}{c}" for c in self.codes)
        self.counts = np.array([n not in features for n in self.names])

    def matrix(self, rows: list[dict]) -> np.ndarray:
        """Continuous features absent from a row are NaN (the fit's mean); absent counts are 0."""
        return np.array([[r.get(n, 0.0 if c else np.nan) for n, c in zip(self.names, self.counts)] for r in rows],
                        dtype=float).reshape(len(rows), len(self.names))


class Fit:
    """Ridge regression of DA z on the features, risk = −prediction, then a logistic link to DA < 70.

    Continuous features are standardised (penalty ``ALPHA``); flag counts stay counts (one weight per
    flag). A code's weight is its severity's weight plus its own deviation, penalised by ``shrink``: a
    rare code stays near its severity's weight. No flag may lower the risk: a severity weight below 0
    is pinned to 0, and a code whose total weight falls below 0 is pinned to a total of 0 (MLQE-PE rates
    meaning, and a visible defect that happens to co-occur with good ratings is still a defect).
    """

    def __init__(self, design: Design, x: np.ndarray, z: np.ndarray, da: np.ndarray, shrink: float):
        self.design = design
        self.mean = np.nanmean(x, axis=0)
        self.mean = np.where(np.isnan(self.mean), 0.0, self.mean)
        x = np.where(np.isnan(x), self.mean, x)
        self.scale = np.where(design.counts, 1.0, x.std(axis=0))
        self.scale[self.scale < 1e-9] = 1.0
        xs = (x - self.mean) / self.scale
        names = design.names
        sev_col = {sv: names.index(f"flags.{sv}") for sv in SEVERITIES}
        code_col = {c: names.index(f"{FLAG_CODE}{c}") for c in design.codes}
        pen = np.where(design.counts, ALPHA, ALPHA)
        pen[list(code_col.values())] = shrink
        zero_sev: set[str] = set()
        pinned: set[str] = set()
        for _ in range(50):
            # columns in use: a pinned code's flags leave its severity's count; a zero severity is out
            cols = [i for i, n in enumerate(names) if not (n.startswith(FLAG_CODE) and n[len(FLAG_CODE):] in pinned)
                    and not (n.startswith("flags.") and n[6:] in zero_sev)]
            xm = xs.copy()
            for c in pinned:
                xm[:, sev_col[design.severity[c]]] -= xs[:, code_col[c]]
            xu = xm[:, cols] - xm[:, cols].mean(axis=0)
            beta_u = np.linalg.solve(xu.T @ xu + np.diag(pen[cols]), xu.T @ (z - z.mean()))
            beta = np.zeros(len(names))
            beta[cols] = beta_u
            for c in pinned:
                beta[code_col[c]] = -beta[sev_col[design.severity[c]]]
            risk = -beta  # per feature: higher is worse
            bad_sev = [sv for sv in SEVERITIES if sv not in zero_sev and risk[sev_col[sv]] < -1e-12]
            bad_code = [c for c in design.codes if c not in pinned
                        and risk[sev_col[design.severity[c]]] + risk[code_col[c]] < -1e-12]
            if not bad_sev and not bad_code:
                break
            if bad_sev:  # one change at a time, the worst first
                zero_sev.add(min(bad_sev, key=lambda sv: risk[sev_col[sv]]))
            else:
                pinned.add(min(bad_code, key=lambda c: risk[sev_col[design.severity[c]]] + risk[code_col[c]]))
        self.coef = risk
        self.icpt = -(z.mean() - (xm[:, cols].mean(axis=0) @ beta_u))
        self.zero_sev, self.pinned = zero_sev, pinned
        r = xs @ self.coef + self.icpt
        link = LogisticRegression(C=1e6).fit(r[:, None], (da < 70).astype(int))
        self.a, self.b = link.intercept_[0], link.coef_[0, 0]

    def p(self, x: np.ndarray) -> np.ndarray:
        x = np.where(np.isnan(x), self.mean, x)
        return 1 / (1 + np.exp(-(self.a + self.b * (((x - self.mean) / self.scale) @ self.coef + self.icpt))))

    def calibrated(self, threshold: float) -> Calibrated:
        return Calibrated(features=self.design.names, mean=tuple(float(v) for v in self.mean),
                          scale=tuple(float(v) for v in self.scale),
                          coef=tuple(round(float(v), 6) for v in self.b * self.coef),
                          intercept=round(float(self.a + self.b * self.icpt), 6),
                          threshold=threshold, major_threshold=1.0, mode="score")


def boot(x, y, n=1000, seed=0):
    x, y = np.asarray(x, float), np.asarray(y, float)
    rng = np.random.default_rng(seed)
    vals = []
    for _ in range(n):
        i = rng.integers(0, len(x), len(x))
        vals.append(np.corrcoef(rankdata(x[i]), rankdata(y[i]))[0, 1])
    lo, hi = np.percentile(vals, [2.5, 97.5])
    return f"{spearmanr(x, y).statistic:+.3f} [{lo:+.3f}, {hi:+.3f}] n={len(x)}"


def oof_of(design: Design, x, z, da, folds, shrink: float) -> np.ndarray:
    oof = np.zeros(len(z))
    for k in range(5):
        oof[folds == k] = Fit(design, x[folds != k], z[folds != k], da[folds != k], shrink).p(x[folds == k])
    return oof


def scores(cal: Calibrated, feats: list[dict], fallback: Calibrated | None = None) -> np.ndarray:
    """The sentence score a default run gives (``combine`` in score mode, no model signals): with a
    ``fallback``, each sentence by the fit its features call for (``Profile.fit_for``)."""
    profile = Profile(calibrated=cal, fallback=fallback)
    return np.array([round(100.0 * (1.0 - profile.fit_for(f).probability(f)), 2) if f else 100.0 for f in feats])


def flagged_by_detectors(feats: list[dict]) -> np.ndarray:
    return np.array([any(f.get(f"flags.{sv}", 0) > 0 for sv in SEVERITIES) for f in feats])


def fit_one(results: list, rows: list, z, da, pair, precision: float, features: tuple[str, ...]):
    """One profile fit on ``results`` with the continuous ``features``: (Calibrated, out-of-fold p, lolo p, shrink)."""
    design = Design(results, features)
    feats = [features_from(r) for r in results]
    x = design.matrix(feats)
    print(f"MLQE-PE train n={len(rows)}; signals {', '.join(SIGNALS)}; features: {', '.join(design.names)}")
    print(f"  flag codes with a weight of their own (>= {MIN_SUPPORT} sentences): "
          + ", ".join(f"{c} ({design.severity[c]}, {design.support[c]})" for c in design.codes))
    rare = sorted((c, n) for c, n in design.support.items() if n < MIN_SUPPORT)
    print("  rarer codes (their severity's weight): " + (", ".join(f"{c} ({n})" for c, n in rare) or "none"))

    folds = np.random.default_rng(0).permutation(len(rows)) % 5
    cv = {lam: spearmanr(-oof_of(design, x, z, da, folds, lam), z).statistic for lam in SHRINK_GRID}
    shrink = max(SHRINK_GRID, key=lambda lam: (round(cv[lam], 4), lam))  # ties: the stronger shrinkage
    print("  shrinkage of a code's own weight, 5-fold CV Spearman: "
          + ", ".join(f"{lam:g}: {v:.4f}" for lam, v in cv.items()) + f" -> {shrink:g}")
    oof = oof_of(design, x, z, da, folds, shrink)
    print(f"  5-fold CV Spearman(-p, DA z) {boot(-oof, z)}")
    lolo = np.zeros(len(rows))
    for lp in PAIRS:
        lolo[pair == lp] = Fit(design, x[pair != lp], z[pair != lp], da[pair != lp], shrink).p(x[pair == lp])
        print(f"  leave-{lp}-out        {boot(-lolo[pair == lp], z[pair == lp])}")
    print(f"  leave-one-language-out pooled {boot(-lolo, z)}")

    # the minor calibrated-risk flag goes only to sentences no detector flagged: its threshold is the
    # lowest p whose out-of-fold precision for DA < 50 reaches --precision among those
    bad, open_ = da < 50, ~flagged_by_detectors(feats)
    threshold = 1.0
    for t in np.round(np.arange(0.50, 0.995, 0.01), 2):
        flagged = open_ & (oof >= t)
        if flagged.sum() >= 20 and bad[flagged].mean() >= precision:
            threshold = float(t)
            break
    flagged = open_ & (oof >= threshold)
    print(f"  flag threshold p >= {threshold:.2f}: out-of-fold precision(DA<50) {bad[flagged].mean():.3f}, "
          f"recall {(bad & flagged).sum() / bad.sum():.3f}, flagged {flagged.mean():.3f}")

    fit = Fit(design, x, z, da, shrink)
    cal = fit.calibrated(threshold)
    print("  weights (log-odds of DA < 70 per standard deviation; per flag for flag counts):")
    for n, c, m in zip(cal.features, cal.coef, cal.mean):
        print(f"    {n:32} {c:+.4f}   (train mean {m:.4g})")
    if fit.zero_sev or fit.pinned:
        print(f"  pinned at no effect: severities {sorted(fit.zero_sev)}, codes {sorted(fit.pinned)}")

    return cal, oof, lolo, shrink


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mlqe", default=str(Path(__file__).resolve().parents[2] / "shared" / "dev" / "mlqe-pe"))
    ap.add_argument("--demetr", default=str(ROOT / "data/dev/demetr-flores-pairs.tsv.gz"))
    ap.add_argument("--out", default=str(ROOT / "mtqa/scoring/default-profile.toml"))
    ap.add_argument("--cache", default=str(ROOT / ".cache/fit"))
    ap.add_argument("--precision", type=float, default=0.8, help="out-of-fold precision for DA < 50 of the minor flag")
    ap.add_argument("--results-only", action="store_true", help="score the sentences (cached), fit nothing")
    args = ap.parse_args()
    mlqe, cache = Path(args.mlqe), Path(args.cache)
    if not (mlqe / "et-en-train.tsv").is_file():
        sys.exit(f"fit_profile: no MLQE-PE data in {mlqe} (give --mlqe DIR)")

    split = {}
    from fit_learned import training_rows  # the profile is fitted on the sentences the learned heads read

    for name in ("train", "dev"):
        if name == "train":
            rows = training_rows(mlqe, np.random.default_rng(0))[0]
        else:
            rows = [dict(r, pair=pair) for pair in PAIRS for r in read_tsv(mlqe / f"{pair}-{name}.tsv")]
        results = results_of([r["mt"] for r in rows], cache)
        if args.results_only:
            continue
        split[name] = (rows, results, np.array([float(r["da_z"]) for r in rows]),
                       np.array([float(r["da_mean"]) for r in rows]), np.array([r["pair"] for r in rows]))
    if args.results_only:
        results_of([t for r in demetr_pairs(Path(args.demetr)) for t in (r["good"], r["bad"])], cache)
        return
    oof_path, dev_path = cache / "learned-oof.json", cache / "learned-dev.json"
    if not oof_path.exists() or not dev_path.exists():
        sys.exit("fit_profile: no learned-signal predictions in the cache; run tools/fit_learned.py first")
    learned_oof, learned_dev = json.loads(oof_path.read_text()), json.loads(dev_path.read_text())
    rows, results, z, da, pair = split["train"]
    results = with_learned(results, [learned_oof[r["id"]] for r in rows])
    rows_d, results_d, zd, dad, paird = split["dev"]
    split["dev"] = (rows_d, with_learned(results_d, [learned_dev.get(r["id"]) for r in rows_d]), zd, dad, paird)
    cal, oof, lolo, shrink = fit_one(results, rows, z, da, pair, args.precision, FEATURES)
    print("fallback fit, for runs without the learned signal (its LM not installed):")
    fallback, oof_fb, lolo_fb, _ = fit_one([{k: v for k, v in r.items() if k != "learned"} if r else r for r in results],
                                            rows, z, da, pair, args.precision,
                                            tuple(f for f in FEATURES if not f.startswith("learned.")))
    rows_d, results_d, zd, dad, paird = split["dev"]
    feats_d = [features_from(r) for r in results_d]
    sd = scores(cal, feats_d, fallback)
    print(f"MLQE-PE dev (held out) Spearman(score, DA z) {boot(sd, zd)}")
    for lp in PAIRS:
        sel = paird == lp
        print(f"  {lp} {boot(sd[sel], zd[sel])}   (with DA mean {spearmanr(sd[sel], dad[sel]).statistic:+.3f})")
    sd_ng = scores(cal, [features_from(r, drop=("grammar",)) for r in results_d], fallback)
    print(f"  without the grammar signal (same profile): {boot(sd_ng, zd)}; "
          f"mean score {sd_ng.mean():.2f} vs {sd.mean():.2f}")
    sd_nl = scores(fallback, [features_from(r, drop=("learned",)) for r in results_d])
    print(f"  without the learned signal (the fallback fit, as where the LM is not installed): {boot(sd_nl, zd)}")
    for lp in PAIRS:
        sel = paird == lp
        print(f"    {lp} {boot(sd_nl[sel], zd[sel])}")
    flagged = (sd < 100 * (1 - cal.threshold) + 1e-9) & ~flagged_by_detectors(feats_d)
    print(f"  dev calibrated-risk flag (p >= {cal.threshold:.2f}, no detector flag): flagged {flagged.mean():.3f}, "
          f"precision(DA<50) {(dad[flagged] < 50).mean():.3f}, precision(DA<70) {(dad[flagged] < 70).mean():.3f}")

    pairs = demetr_pairs(Path(args.demetr))
    texts_m = [t for r in pairs for t in (r["good"], r["bad"])]
    res_l = with_learned(results_of(texts_m, cache), learned_of(texts_m, cache))
    vis = np.array([r["visibility"] for r in pairs])
    for label, drop in ((f"{len(pairs)} pairs, with learned", ()), ("same pairs, learned left out (the fallback fit)",
                                                                   ("learned",))):
        score = scores(cal, [features_from(r, drop=drop) for r in res_l], fallback)
        good, badm = score[0::2], score[1::2]
        print(f"DEMETR pairwise accuracy (bad scores strictly lower; held out), {label}:")
        for kind in ("grammar", "surface", "mixed", "meaning", "empty"):
            sel = vis == kind
            k, n = int((badm[sel] < good[sel]).sum()), int(sel.sum())
            lo, hi = wilson(k, n)
            print(f"  {kind:8} {k / max(n, 1):.3f} [{lo:.3f}, {hi:.3f}] n={n}")

    source = {"fitted_by": "tools/fit_profile.py (make fit)",
              "data": f"MLQE-PE train, et/ne/ro/ru/si-en, the {len(rows):,} sentences the learned heads read",
              "n": str(len(rows)), "signals": ", ".join(SIGNALS) + ", learned (out-of-fold on train)",
              "target": "DA z (ranking), logistic link to DA < 70",
              "flags": (f"detector flags weigh by severity (flags.*) plus a code's own deviation (flag.*, codes with "
                        f">= {MIN_SUPPORT} training sentences, ridge penalty {shrink:g} from 5-fold CV); no flag lowers "
                        "the risk; flags keep their severity"),
              "threshold": f"lowest p with out-of-fold precision(DA < 50) >= {args.precision} among sentences no detector flagged",
              "cv5_spearman": f"{spearmanr(-oof, z).statistic:.4f}", "lolo_spearman": f"{spearmanr(-lolo, z).statistic:.4f}",
              "dev_spearman": f"{spearmanr(sd, zd).statistic:.4f}",
              "hand_set": "model signals (roundtrip, likelihood, neural fluency) keep their metric rules from each signal's SPEC"}
    Path(args.out).write_text(profile_toml(Profile(name="default", calibrated=cal, fallback=fallback, source=source)))
    print(f"wrote {args.out}")


def wilson(k: int, n: int, zq: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    d = 1 + zq * zq / n
    c = (p + zq * zq / (2 * n)) / d
    h = zq * np.sqrt(p * (1 - p) / n + zq * zq / (4 * n * n)) / d
    return c - h, c + h


if __name__ == "__main__":
    main()
