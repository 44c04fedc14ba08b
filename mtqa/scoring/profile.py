"""Scoring profiles: the numbers that turn signal results into scores and flags.

The built-in profile (``default-profile.toml``, next to this module) is fitted on human judgements
by ``tools/fit_profile.py`` (``make fit``) in ``score`` mode: the fit sets the sentence score (the
detectors' flags are among its features, with fitted weights), the flags keep their severity for
the gate, and the model signals keep their hand-set metric rules
(``default_metrics()``, from each signal's SPEC: their values cannot be produced where it was fitted).
``Profile()`` is the hand-set combination those rules belong to; ``mtqa calibrate`` writes a fitted
profile in ``gate`` mode.
One reader (``load_profile``) and one writer (``profile_toml``) for both, so every profile file
mtqa writes is one it reads back.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from mtqa.signals.base import MetricRule
from mtqa.signals.registry import default_metrics

FLAG_RISK = {"major": 0.6, "minor": 0.25, "info": 0.0}
FLAG_CODE = "flag."  # a feature counting one flag code; absent from a run's features means not raised (0)
CALIBRATED_MODES = ("gate", "score")
BUILTIN_PROFILE = Path(__file__).with_name("default-profile.toml")


@dataclass(frozen=True)
class Calibrated:
    """A fitted logistic regression: signal features → probability that a sentence is garbled.

    Features are standardised with the training ``mean``/``scale``; a feature a run does not
    produce (a skipped signal) takes its training mean, so it adds nothing either way; a flag-code
    count (``flag.<code>``) that a run lacks is 0: that flag was not raised.
    """

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float  # flag when p >= threshold
    major_threshold: float = 1.0  # flag as major when p >= this (1.0: only minor flags)
    # "gate" (what `mtqa calibrate` writes): flagged exactly when p >= threshold, detector flags below
    # it are shown as info. "score" (the built-in profile): score = 100·(1 − p) times the hand-set
    # metric rules' risks, detector flags keep their severity (their fitted weights are features:
    # flags.<severity>, flag.<code>), and p >= threshold adds a minor flag.
    mode: str = "gate"

    def __post_init__(self) -> None:
        n = len(self.features)
        if not (len(self.mean) == len(self.scale) == len(self.coef) == n):
            raise ProfileError("calibrated profile: features, mean, scale and coef differ in length")
        if any(not scale > 0 for scale in self.scale):
            raise ProfileError("calibrated profile: every scale must be positive")
        if not 0.0 <= self.threshold <= 1.0:
            raise ProfileError("calibrated profile: threshold must be between 0 and 1")
        if self.mode not in CALIBRATED_MODES:
            raise ProfileError(f"calibrated profile: mode must be one of {', '.join(CALIBRATED_MODES)}, not {self.mode!r}")

    def probability(self, features: Mapping[str, float]) -> float:
        z = self.intercept
        for name, mean, scale, coef in zip(self.features, self.mean, self.scale, self.coef):
            z += coef * (features.get(name, 0.0 if name.startswith(FLAG_CODE) else mean) - mean) / scale
        return sigmoid(z)

    def contributions(self, features: Mapping[str, float]) -> list[tuple[float, str, float]]:
        """(contribution to the log-odds, feature, value) for the features this run produced."""
        out = []
        for name, mean, scale, coef in zip(self.features, self.mean, self.scale, self.coef):
            if name in features:
                out.append((coef * (features[name] - mean) / scale, name, features[name]))
        return out

    @property
    def digest(self) -> str:
        """Short hash of the numbers, so two profiles that share a name but not a fit differ."""
        numbers = (self.features, self.mean, self.scale, self.coef, self.intercept, self.threshold,
                   self.major_threshold)
        text = repr(numbers if self.mode == "gate" else (*numbers, self.mode))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class Profile:
    name: str = "default"
    # each signal declares its own; read when a profile is made, so importing this module loads no signal
    metrics: tuple[MetricRule, ...] = field(default_factory=default_metrics)
    flag_risk: Mapping[str, float] = field(default_factory=lambda: dict(FLAG_RISK))
    relative_z: float = -1.5  # a metric this many MADs below the article's median is relatively low
    rules_risk_weight: float = 1.0
    flag_threshold: float = 70.0  # below this score a sentence is flagged even without a detector flag
    # ... but only when a model metric took part in the score: the rules' graded oddity alone flagged
    # sound short sentences on real pages (rhetorical questions) and caught almost nothing
    low_score_needs_models: bool = True
    max_suspects: int = 3
    source: Mapping[str, str] = field(default_factory=dict)  # what a calibrated profile was fitted on
    calibrated: Calibrated | None = None  # when set, it replaces the hand-set combination
    # a second fit for runs that lack a signal the first one reads (the learned signal where its LM is
    # not installed): a missing feature at its training mean would leave the other weights too small
    fallback: Calibrated | None = None

    def fit_for(self, features: Mapping[str, float]) -> Calibrated | None:
        """The fit a run's features call for: ``fallback`` when none of the continuous features that
        only ``calibrated`` reads was produced, else ``calibrated``."""
        cal, fb = self.calibrated, self.fallback
        if cal is None or fb is None:
            return cal
        own = [f for f in cal.features if f not in fb.features and not f.startswith(("flags.", FLAG_CODE))]
        return cal if any(f in features for f in own) else fb

    @property
    def signature(self) -> str:
        """``default`` for the built-in profile, else ``name@<hash of its numbers>``: two profile
        files with the same name but other thresholds never give comparable-looking reports."""
        if self.calibrated is not None:
            fallback = f"+{self.fallback.digest}" if self.fallback is not None else ""
            return f"{self.name}@{self.calibrated.digest}{fallback}"
        if self == Profile():
            return self.name
        numbers = repr((self.metrics, sorted(self.flag_risk.items()), self.relative_z, self.rules_risk_weight,
                        self.flag_threshold, self.max_suspects, self.low_score_needs_models))
        return f"{self.name}@{hashlib.sha256(numbers.encode('utf-8')).hexdigest()[:8]}"


class ProfileError(ValueError):
    """A profile file that cannot be used (exit code 2)."""


def load_profile(path: str | Path | None) -> Profile:
    """The built-in profile (fitted, ``default-profile.toml``), or one written by ``mtqa calibrate`` /
    by hand. ``handset`` is the hand-set combination (``Profile()``)."""
    if path is not None and str(path) == "handset":
        return Profile()
    p = BUILTIN_PROFILE if path is None or str(path) == "default" else Path(path)
    try:
        data = tomllib.loads(p.read_text("utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"profile not found: {p}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"cannot read profile {p}: {exc}") from None
    try:
        return _profile_from(data, p)
    except (TypeError, ValueError, AttributeError) as exc:
        raise ProfileError(f"profile {p}: bad value: {exc}") from None


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{value!r} is not a number")
    return float(value)


def _metric(entry: object) -> MetricRule:
    if not isinstance(entry, dict):
        raise ValueError("each [[metrics]] entry must be a table")
    missing = sorted({f for f in MetricRule.__dataclass_fields__} - set(entry))
    if missing:
        raise ValueError(f"a [[metrics]] entry lacks {', '.join(missing)}")
    rule = MetricRule(**entry)
    for name in ("threshold", "scale", "weight", "major_below"):
        _number(getattr(rule, name))
    _within(rule.weight, 0.0, 1.0, "a metric's weight")
    if rule.scale <= 0:
        raise ValueError("a metric's scale must be above 0")
    if not all(isinstance(getattr(rule, n), str) for n in ("signal", "value", "code", "message")):
        raise ValueError("signal, value, code and message of a [[metrics]] entry must be strings")
    return rule


PROFILE_KEYS = {"low_score_needs_models", "name", "metrics", "flag_risk", "relative_z", "rules_risk_weight", "flag_threshold",
                "max_suspects", "source", "calibrated", "fallback"}


def _within(value: float, low: float, high: float, what: str) -> float:
    if not low <= value <= high:
        raise ValueError(f"{what} must be between {low:g} and {high:g}, not {value:g}")
    return value


def _profile_from(data: dict, p: Path) -> Profile:
    unknown = sorted(set(data) - PROFILE_KEYS)
    if unknown:
        raise ValueError(f"unknown setting {unknown[0]!r}")
    base = Profile()
    metrics = tuple(_metric(m) for m in data["metrics"]) if "metrics" in data else base.metrics
    flag_risk = {**base.flag_risk, **{str(k): _within(_number(v), 0.0, 1.0, f"flag_risk.{k}")
                                      for k, v in data.get("flag_risk", {}).items()}}
    return Profile(
        name=str(data.get("name", p.stem)),
        metrics=metrics,
        flag_risk=flag_risk,
        relative_z=_number(data.get("relative_z", base.relative_z)),
        rules_risk_weight=_within(_number(data.get("rules_risk_weight", base.rules_risk_weight)), 0.0, 1.0,
                                  "rules_risk_weight"),
        flag_threshold=_within(_number(data.get("flag_threshold", base.flag_threshold)), 0.0, 100.0,
                               "flag_threshold"),
        max_suspects=int(_number(data.get("max_suspects", base.max_suspects))),
        low_score_needs_models=bool(data.get("low_score_needs_models", base.low_score_needs_models)),
        source={str(k): str(v) for k, v in data.get("source", {}).items()},
        calibrated=_load_calibrated(data.get("calibrated"), p),
        fallback=_load_calibrated(data.get("fallback"), p, "fallback"),
    )


def _load_calibrated(table: object, path: Path, name: str = "calibrated") -> Calibrated | None:
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ProfileError(f"profile {path}: [{name}] must be a table")
    try:
        return Calibrated(
            features=tuple(str(f) for f in table["features"]),
            mean=tuple(float(x) for x in table["mean"]),
            scale=tuple(float(x) for x in table["scale"]),
            coef=tuple(float(x) for x in table["coef"]),
            intercept=float(table["intercept"]),
            threshold=float(table["threshold"]),
            major_threshold=float(table.get("major_threshold", 1.0)),
            mode=str(table.get("mode", "gate")),
        )
    except KeyError as exc:
        raise ProfileError(f"profile {path}: [{name}] lacks {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise ProfileError(f"profile {path}: bad [{name}] table: {exc}") from None


def sigmoid(x: float) -> float:
    if x < -60:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))


def _toml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        return _toml_str(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(float(value) if isinstance(value, float) else value)


def profile_toml(profile: Profile) -> str:
    """The profile as a file ``load_profile`` reads back: hand-set numbers to edit
    (``mtqa profile > newsroom.toml``), or a fit written by ``mtqa calibrate``."""
    q = _toml_str
    cal = profile.calibrated
    if cal is not None:
        lines = [
            "# Written by `mtqa calibrate`: a logistic regression over signal features.",
            "# p(garbled) = sigmoid(intercept + sum(coef * (x - mean) / scale)); score = 100 * (1 - p);",
            "# a sentence is flagged when p >= threshold.",
            f"name = {q(profile.name)}",
            "",
            "[calibrated]",
        ]
        if cal.mode != "gate":
            lines[0:3] = [
                "# A fitted profile in `score` mode (tools/fit_profile.py writes the built-in one).",
                "# p = sigmoid(intercept + sum(coef * (x - mean) / scale)); score = 100 * (1 - p) times the hand-set",
                "# risks of model metric rules. Detector flags are features: flags.<severity> counts flags (scale 1:",
                "# coef is per flag), flag.<code> a code's own deviation from its severity's weight (a code not",
                "# raised counts 0); a severity with no feature keeps its hand-set risk (flag_risk).",
                "# Flags keep their severity; p >= threshold adds a minor flag to a sentence without one."]
        for title, fit in (("calibrated", cal), ("fallback", profile.fallback)):
            if fit is None:
                continue
            if title == "fallback":
                lines += ["", "# The same fit without the features only [calibrated] reads, for runs that lack them.",
                          "[fallback]"]
            lines += [f"{key} = {_toml_value(getattr(fit, key))}" for key in
                      ("features", "mean", "scale", "coef", "intercept", "threshold", "major_threshold")]
            if fit.mode != "gate":
                lines.append(f"mode = {q(fit.mode)}")
        lines += ["", "[source]"]
        lines += [f"{key} = {q(str(value))}" for key, value in profile.source.items()]
        return "\n".join(lines) + "\n"
    lines = [
        "# mtqa scoring profile: edit the numbers, then use it with --profile FILE.",
        "# Each model metric turns into risk below its threshold; score = 100 * product(1 - risk).",
        f"name = {q(profile.name)}",
        f"relative_z = {profile.relative_z!r}  # MADs below the article's median that count as relatively low",
        f"rules_risk_weight = {profile.rules_risk_weight!r}",
        f"flag_threshold = {profile.flag_threshold!r}  # a score below this is flagged even without a detector flag",
        f"max_suspects = {profile.max_suspects!r}",
        f"low_score_needs_models = {'true' if profile.low_score_needs_models else 'false'}"
        "  # no low-score flag from the rules alone",
        "",
        "[flag_risk]  # risk of one detector flag, by severity",
    ]
    lines += [f"{level} = {risk!r}" for level, risk in profile.flag_risk.items()]
    for m in profile.metrics:
        lines += ["", "[[metrics]]"]
        lines += [f"{key} = {_toml_value(v)}" for key, v in vars(m).items()]
    return "\n".join(lines) + "\n"
