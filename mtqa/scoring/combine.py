"""Combine signal results into a 0–100 sentence score, a severity and flags.

Each piece of evidence becomes a *risk* in [0, 1]; the sentence score is ``100 * Π(1 - risk)``,
so independent pieces of evidence compound and a clean sentence keeps 100. Evidence comes from

- flags the deterministic detectors raise (their severity sets the risk),
- the detectors' continuous ``risk`` value (a graded oddity that breaks ties between clean
  sentences),
- model metrics, against an absolute threshold from the profile *and* against the article's own
  sentences (a robust z-score: median and MAD), because a model's scale shifts with topic and
  length while a garbled sentence stands out from its neighbours.

A model metric becomes a flag only when both the absolute and the relative test agree, so one
noisy signal alone does not send an editor to a fine sentence.
"""

from __future__ import annotations

import statistics
from dataclasses import replace
from typing import Mapping, Sequence

from mtqa.scoring.profile import FLAG_CODE, Calibrated, Profile, sigmoid
from mtqa.types import Flag, Sentence, SentenceScore, SignalResult, Suspect


def signal_features(signals: Mapping[str, SignalResult]) -> dict[str, float]:
    """The numbers a calibrated profile combines: every signal value, flag counts by severity
    (``flags.major``), and by code for the major and minor flags raised (``flag.no-parse``; absent
    means 0; an ``info`` flag is a note, counted only in ``flags.info``)."""
    features: dict[str, float] = {}
    counts = {level: 0.0 for level in ("major", "minor", "info")}
    codes: dict[str, float] = {}
    for name, res in sorted(signals.items()):
        for key, value in sorted(res.values.items()):
            features[f"{name}.{key}"] = float(value)
        for flag in res.flags:
            if flag.severity in counts:
                counts[flag.severity] += 1.0
            if flag.severity in ("major", "minor"):
                codes[flag.code] = codes.get(flag.code, 0.0) + 1.0
    for level, count in counts.items():
        features[f"flags.{level}"] = count
    for code, count in sorted(codes.items()):
        features[f"{FLAG_CODE}{code}"] = count
    return features


def robust_z(values: Sequence[float]) -> list[float]:
    """(x - median) / (1.4826 * MAD); 0 where the spread is too small to say anything."""
    if len(values) < 3:
        return [0.0] * len(values)
    med = statistics.median(values)
    mad = statistics.median(abs(v - med) for v in values) * 1.4826
    if mad < 1e-9:
        return [0.0] * len(values)
    return [(v - med) / mad for v in values]


def _suspect_span(sentence: Sentence, suspects: Sequence[Suspect], limit: int) -> tuple[int, int]:
    """Document span covering the worst suspects, or the whole sentence when there are none."""
    worst = sorted(suspects, key=lambda s: (s.value, s.start))[:limit]
    if not worst:
        return sentence.start, sentence.end
    return sentence.start + min(s.start for s in worst), sentence.start + max(s.end for s in worst)


def severity_of(flags: Sequence[Flag]) -> str | None:
    for level in ("major", "minor", "info"):
        if any(f.severity == level for f in flags):
            return level
    return None


def combine(
    sentences: Sequence[Sentence],
    results: Mapping[str, Sequence[SignalResult]],
    profile: Profile,
) -> list[SentenceScore]:
    """Score the prose sentences of one document from every signal's results (same order)."""
    if profile.calibrated is not None and profile.calibrated.mode == "gate":
        return _combine_calibrated(sentences, results, profile)
    zscores = _metric_zscores(sentences, results, profile)
    if profile.calibrated is not None:
        return _combine_fitted_score(sentences, results, profile, zscores)
    scored: list[SentenceScore] = []
    for i, sentence in enumerate(sentences):
        signals = {name: res[i] for name, res in sorted(results.items())}
        flags: list[Flag] = []
        risks: list[float] = []
        for res in signals.values():
            for flag in res.flags:
                flags.append(flag)
                risks.append(profile.flag_risk.get(flag.severity, 0.0))
            if "risk" in res.values:
                risks.append(min(1.0, max(0.0, res.values["risk"])) * profile.rules_risk_weight)
        metric_risks, metric_flags = _metric_evidence(sentence, i, signals, profile, zscores)
        risks += metric_risks
        flags += metric_flags
        measured = bool(metric_risks)
        score = 100.0
        for r in risks:
            score *= 1.0 - r
        score = round(score, 2)
        if score < profile.flag_threshold and (measured or not profile.low_score_needs_models) and not any(f.severity in ("major", "minor") for f in flags):
            flags.append(Flag("low-score", f"several weak signals add up (score {score:.0f})", "minor",
                              sentence.start, sentence.end))
        flags.sort(key=lambda f: (f.start, f.end, f.code))
        scored.append(SentenceScore(sentence, score, severity_of(flags), tuple(flags), signals))
    return scored


def _metric_zscores(sentences: Sequence[Sentence], results: Mapping[str, Sequence[SignalResult]],
                    profile: Profile) -> dict[tuple[str, str], dict[int, float]]:
    """Relative standing of each metric among the article's prose sentences."""
    zscores: dict[tuple[str, str], dict[int, float]] = {}
    for rule in profile.metrics:
        per_signal = results.get(rule.signal)
        if per_signal is None:
            continue
        idx = [i for i in range(len(sentences)) if rule.value in per_signal[i].values]
        zs = robust_z([per_signal[i].values[rule.value] for i in idx])
        zscores[(rule.signal, rule.value)] = dict(zip(idx, zs))
    return zscores


def _metric_evidence(sentence: Sentence, i: int, signals: Mapping[str, SignalResult], profile: Profile,
                     zscores: Mapping[tuple[str, str], Mapping[int, float]]) -> tuple[list[float], list[Flag]]:
    """Risks and flags of the profile's metric rules (model signals) for sentence ``i``."""
    risks: list[float] = []
    flags: list[Flag] = []
    for rule in profile.metrics:
        res = signals.get(rule.signal)
        if res is None or rule.value not in res.values:
            continue
        value = res.values[rule.value]
        z = zscores[(rule.signal, rule.value)].get(i, 0.0)
        absolute = sigmoid((rule.threshold - value) / rule.scale)
        relative = sigmoid(-(z - profile.relative_z))
        risks.append(rule.weight * absolute * (0.5 + 0.5 * relative))
        if value < rule.threshold and z <= profile.relative_z:
            severity = "major" if value < rule.major_below else "minor"
            start, end = _suspect_span(sentence, res.suspects, profile.max_suspects)
            flags.append(Flag(rule.code, rule.message.format(value=value, z=z), severity, start, end))
    return risks, flags


def _combine_fitted_score(
    sentences: Sequence[Sentence],
    results: Mapping[str, Sequence[SignalResult]],
    profile: Profile,
    zscores: Mapping[tuple[str, str], Mapping[int, float]],
) -> list[SentenceScore]:
    """The built-in profile's ``score`` mode: score = 100·(1 − p) × Π(1 − metric risk), and × (1 − flag
    risk) for detector flags of a severity the fit has no feature for.

    The fit ranks sentences (it was fitted on human judgements, detector flags among its features);
    the detectors' flags keep their severity (the gate relies on it); the model signals keep their
    hand-set metric rules;
    and a sentence without a detector or metric flag gets a minor ``calibrated-risk`` flag only
    when p reaches the fit's high, precision-chosen threshold.
    """
    assert profile.calibrated is not None
    scored: list[SentenceScore] = []
    for i, sentence, signals, cal, p, flags in _fitted(sentences, results, profile):
        risks, metric_flags = _metric_evidence(sentence, i, signals, profile, zscores)
        # a detector flag whose severity the fit does not weigh keeps its hand-set risk
        risks += [profile.flag_risk.get(f.severity, 0.0) for f in flags if f"flags.{f.severity}" not in cal.features]
        flags += metric_flags
        if p >= cal.threshold and not any(f.severity in ("major", "minor") for f in flags):
            flags.append(_calibrated_flag(sentence, signals, profile, cal, p))
        score = 100.0 * (1.0 - p)
        for r in risks:
            score *= 1.0 - r
        flags.sort(key=lambda f: (f.start, f.end, f.code))
        scored.append(SentenceScore(sentence, round(score, 2), severity_of(flags), tuple(flags), signals))
    return scored


def _combine_calibrated(
    sentences: Sequence[Sentence],
    results: Mapping[str, Sequence[SignalResult]],
    profile: Profile,
) -> list[SentenceScore]:
    """Score = 100·(1 − p); flagged exactly when p ≥ the fitted threshold.

    Detector flags stay as reasons, but below the threshold they are shown as ``info``: the
    threshold was chosen for a precision (or recall) on labelled data, and a flag the fit does not
    back would break that promise.
    """
    assert profile.calibrated is not None
    scored: list[SentenceScore] = []
    for _, sentence, signals, cal, p, flags in _fitted(sentences, results, profile):
        if p >= cal.threshold:
            if not any(f.severity in ("major", "minor") for f in flags):
                flags.append(_calibrated_flag(sentence, signals, profile, cal, p))
        else:
            flags = [replace(f, severity="info") if f.severity in ("major", "minor") else f for f in flags]
        flags.sort(key=lambda f: (f.start, f.end, f.code))
        score = round(100.0 * (1.0 - p), 2)
        scored.append(SentenceScore(sentence, score, severity_of(flags), tuple(flags), signals))
    return scored


def _fitted(sentences: Sequence[Sentence], results: Mapping[str, Sequence[SignalResult]], profile: Profile):
    """Per sentence, for both calibrated modes: (index, sentence, its signal results, the fit that
    applies to them, its p, its flags)."""
    for i, sentence in enumerate(sentences):
        signals = {name: res[i] for name, res in sorted(results.items())}
        features = signal_features(signals)
        cal = profile.fit_for(features)
        assert cal is not None
        yield i, sentence, signals, cal, cal.probability(features), [f for res in signals.values() for f in res.flags]


def _calibrated_flag(sentence: Sentence, signals: Mapping[str, SignalResult], profile: Profile, cal: Calibrated,
                     p: float) -> Flag:
    """The fit's own flag, over the worst suspects, for a sentence no detector flagged."""
    severity = "major" if p >= cal.major_threshold else "minor"
    suspects = [s for res in signals.values() for s in res.suspects]
    start, end = _suspect_span(sentence, suspects, profile.max_suspects)
    return Flag("calibrated-risk", _calibrated_message(cal, signals, p), severity, start, end)


def _calibrated_message(cal: Calibrated, signals: Mapping[str, SignalResult], p: float) -> str:
    top = sorted(cal.contributions(signal_features(signals)), key=lambda c: (-c[0], c[1]))[:3]
    reasons = ", ".join(f"{name} {value:g}" for contribution, name, value in top if contribution > 0)
    why = f" ({reasons})" if reasons else ""
    return f"the calibrated signals say garbled with probability {p:.2f}{why}"


def article_score(sentences: Sequence[SentenceScore]) -> float | None:
    """Mean score of the article's prose sentences, a sentence with a major flag counting 0; None
    when there is no prose.

    A major flag means the sentence must be repaired before publication, whatever its fitted score:
    the article score then falls with the share of such sentences, which is what a ``--min-score``
    gate is for.
    """
    scores = [0.0 if s.severity == "major" else s.score for s in sentences if s.score is not None]
    if not scores:
        return None
    return round(sum(scores) / len(scores), 2)
