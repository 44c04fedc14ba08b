"""Calibration: the fit, the threshold for a target, the profile it writes and how scoring uses it."""

from __future__ import annotations

import json
import tomllib

import numpy as np
import pytest

from mtqa.evaluation.calibrate import choose_threshold, fit
from mtqa.evaluation.drivers import EvalError
from mtqa.scoring.combine import combine, signal_features
from mtqa.scoring.profile import Calibrated, Profile, ProfileError, load_profile, profile_toml
from mtqa.types import Flag, Sentence, SignalResult


def _separable(n: int = 40, seed: int = 0):
    rng = np.random.default_rng(seed)
    labels = [i % 2 for i in range(n)]
    features = [{"rules.risk": float(y) * 0.6 + rng.uniform(0, 0.4), "flags.major": float(y and i % 4 == 1)}
                for i, y in enumerate(labels)]
    return features, labels


def test_choose_threshold_for_precision_and_recall():
    probs = [0.1, 0.2, 0.3, 0.6, 0.7, 0.9]
    labels = [0, 0, 1, 0, 1, 1]
    # p >= 0.7: 2/2 correct, the lowest threshold with precision 1.0
    assert choose_threshold(probs, labels, 1.0, None) == (0.7, 1.0, 2 / 3, True)
    # recall 1.0 needs p >= 0.3 (precision 3/4)
    assert choose_threshold(probs, labels, None, 1.0) == (0.3, 0.75, 1.0, True)


def test_choose_threshold_says_when_a_target_is_out_of_reach():
    # best precision is 2/3 (flag everything); the 0.9 asked for is never reached
    t, precision, _, reached = choose_threshold([0.2, 0.8, 0.8], [1, 0, 1], 0.9, None)
    assert (t, precision, reached) == (0.2, 2 / 3, False)


def test_fit_learns_the_direction_and_meets_the_target():
    features, labels = _separable()
    result = fit(features, labels, precision=0.9)
    cal = result.calibrated
    assert cal.features == ("flags.major", "rules.risk")
    assert cal.coef[1] > 0  # more risk, more likely garbled
    assert result.reached and result.cv_precision >= 0.9
    assert (result.n, result.positives) == (40, 20)
    high = cal.probability({"rules.risk": 0.95, "flags.major": 0.0})
    low = cal.probability({"rules.risk": 0.05, "flags.major": 0.0})
    assert high > cal.threshold > low


def test_fit_is_deterministic():
    features, labels = _separable()
    assert fit(features, labels) == fit(features, labels)


def test_fit_needs_both_classes_and_one_target():
    with pytest.raises(EvalError, match="at least 2 garbled"):
        fit([{}, {}, {}], [0, 0, 1])
    features, labels = _separable()
    with pytest.raises(EvalError, match="not both"):
        fit(features, labels, precision=0.9, recall=0.5)
    with pytest.raises(EvalError, match="--precision"):
        fit(features, labels, precision=1.5)


def test_profile_round_trips_through_toml(tmp_path):
    features, labels = _separable()
    result = fit(features, labels)
    path = tmp_path / "newsroom.toml"
    source = {"sha256": "abc", "n": "40", "note": 'a "quoted" word'}
    path.write_text(profile_toml(Profile(name="newsroom", source=source, calibrated=result.calibrated)))
    profile = load_profile(path)
    assert profile.calibrated == result.calibrated
    assert profile.source["note"] == 'a "quoted" word'
    assert profile.signature == f"newsroom@{result.calibrated.digest}"
    assert tomllib.loads(path.read_text())["calibrated"]["threshold"] == result.calibrated.threshold


def test_broken_calibrated_table_is_a_profile_error(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[calibrated]\nfeatures = ["a"]\nmean = [0.0]\nscale = [1.0]\ncoef = []\n'
                    'intercept = 0.0\nthreshold = 0.5\n')
    with pytest.raises(ProfileError, match="differ in length"):
        load_profile(path)
    path.write_text('[calibrated]\nfeatures = ["a"]\n')
    with pytest.raises(ProfileError, match="lacks 'mean'"):
        load_profile(path)


def _sentence(i: int, text: str) -> Sentence:
    return Sentence("d", i, text, i * 100, i * 100 + len(text), i + 1, 1)


def test_calibrated_combine_scores_and_flags_by_probability():
    cal = Calibrated(features=("rules.risk",), mean=(0.5,), scale=(0.25,), coef=(4.0,), intercept=0.0,
                     threshold=0.5)
    profile = Profile(name="cal", calibrated=cal)
    sentences = [_sentence(0, "Risky one."), _sentence(1, "Calm one.")]
    detector = Flag("dangling-by", "a source name is missing", "major", 100, 104)
    results = {"rules": [SignalResult("rules", {"risk": 0.9}),
                         SignalResult("rules", {"risk": 0.1}, flags=(detector,))]}
    risky, calm = combine(sentences, results, profile)
    p_risky = 1 / (1 + np.exp(-4.0 * (0.9 - 0.5) / 0.25))
    assert risky.score == round(100 * (1 - p_risky), 2)
    assert risky.flagged and [f.code for f in risky.flags] == ["calibrated-risk"]
    assert "rules.risk 0.9" in risky.flags[0].message
    # below the fitted threshold a detector's flag stays as a reason but no longer flags
    assert not calm.flagged and calm.flags[0].code == "dangling-by" and calm.flags[0].severity == "info"


def test_the_hand_set_profile_is_unchanged_and_the_built_in_one_is_fitted():
    assert Profile().calibrated is None and Profile().signature == "default"
    assert load_profile("handset") == Profile()
    builtin = load_profile(None)
    assert builtin == load_profile("default") and builtin.name == "default"
    assert builtin.calibrated is not None and builtin.calibrated.mode == "score"
    assert builtin.signature.startswith("default@") and builtin.metrics == Profile().metrics
    assert any(f.startswith("fluency.ngram_") for f in builtin.calibrated.features)
    from mtqa.scoring.profile import BUILTIN_PROFILE

    assert profile_toml(builtin) == BUILTIN_PROFILE.read_text("utf-8")  # what tools/fit_profile.py writes


def test_signal_features_names_values_and_counts_flags():
    flag, note = Flag("x", "m", "major", 0, 1), Flag("y", "n", "info", 0, 1)
    features = signal_features({"rules": SignalResult("rules", {"risk": 0.2}, flags=(flag, flag, note)),
                                "roundtrip": SignalResult("roundtrip", {"chrf": 55.0})})
    assert features == {"roundtrip.chrf": 55.0, "rules.risk": 0.2, "flags.major": 2.0,
                        "flags.minor": 0.0, "flags.info": 1.0, "flag.x": 2.0}


@pytest.fixture
def labelled(tmp_path):
    rows = [(f"The council met on day {i} and agreed on the budget.", "ok") for i in range(6)]
    rows += [(f"According to a report by, there {i} have been.", "garbled") for i in range(4)]
    path = tmp_path / "labelled.tsv"
    path.write_text("text\tlabel\n" + "".join(f"{t}\t{y}\n" for t, y in rows), encoding="utf-8")
    return path


def test_calibrate_writes_a_profile_that_flags_loads_and_signs(cli, labelled, tmp_path, seed_path):
    out = tmp_path / "wire.toml"
    result = cli("calibrate", labelled, "--signals", "rules", "-o", out)
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert cli("calibrate", labelled, "--signals", "rules", "-o", out).exit_code == 0
    assert out.read_text() == text  # same data, models and options: the same bytes
    source = tomllib.loads(text)["source"]
    assert source["n"] == "10" and source["positives"] == "4" and len(source["sha256"]) == 64
    assert "rules:" in source["signature"]

    default = json.loads(cli("flags", seed_path, "--signals", "rules", "--format", "json").stdout)
    calibrated = cli("flags", seed_path, "--signals", "rules", "--profile", out, "--format", "json")
    assert calibrated.exit_code == 0, calibrated.output
    signature = json.loads(calibrated.stdout)[0]["signature"]
    assert f"profile:{load_profile(out).signature}" in signature and "profile:wire@" in signature
    assert signature != default[0]["signature"]


def test_calibrate_from_pairs(cli, tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("good\tbad\n" + "".join(f"Good sentence number {i}.\tbad sentence {i} {i}\n" for i in range(6)))
    out = tmp_path / "pairs.toml"
    result = cli("calibrate", path, "--pairs", "--recall", "0.8", "--signals", "rules", "-o", out,
                 "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["n"], summary["positives"], summary["target"]) == ("12", "6", "recall>=0.8")
    assert load_profile(out).source["kind"] == "pairs"


def test_calibrate_errors_are_one_line(cli, tmp_path, labelled):
    for args, needle in [((tmp_path / "none.tsv", "-o", tmp_path / "p.toml"), "no such file"),
                         ((labelled, "--label-col", "grade", "-o", tmp_path / "p.toml"), "no column 'grade'"),
                         ((labelled, "--precision", "2", "-o", tmp_path / "p.toml"), "--precision")]:
        result = cli("calibrate", *args, "--signals", "rules")
        assert result.exit_code == 2, result.output
        assert [line for line in result.stderr.splitlines() if line.strip()] == [
            next(line for line in result.stderr.splitlines() if needle in line)]


def test_score_mode_keeps_detector_flags_and_flags_the_fit_only_above_its_threshold():
    cal = Calibrated(features=("rules.risk", "flags.minor"), mean=(0.5, 0.0), scale=(0.25, 1.0), coef=(4.0, 0.5),
                     intercept=0.0, threshold=0.9, mode="score")
    profile = Profile(name="fitted", calibrated=cal)
    sentences = [_sentence(0, "Risky one."), _sentence(1, "Calm one."), _sentence(2, "Middling one.")]
    detector = Flag("dangling-by", "a source name is missing", "major", 100, 104)
    results = {"rules": [SignalResult("rules", {"risk": 0.95}), SignalResult("rules", {"risk": 0.1}, flags=(detector,)),
                         SignalResult("rules", {"risk": 0.55})]}
    risky, calm, middling = combine(sentences, results, profile)
    p_risky = 1 / (1 + np.exp(-4.0 * (0.95 - 0.5) / 0.25))
    assert risky.score == round(100 * (1 - p_risky), 2)
    assert [(f.code, f.severity) for f in risky.flags] == [("calibrated-risk", "minor")]
    # the detector keeps its severity below the fit's threshold, and a major flag (no fit feature) lowers the score
    assert calm.severity == "major" and calm.flags[0].code == "dangling-by"
    p_calm = 1 / (1 + np.exp(-4.0 * (0.1 - 0.5) / 0.25))
    assert calm.score == round(100 * (1 - p_calm) * (1 - profile.flag_risk["major"]), 2)
    assert not middling.flagged  # p < threshold: ranked lower, not flagged
    assert 'mode = "score"' in profile_toml(profile) and "mode" not in profile_toml(Profile(name="g", calibrated=cal.__class__(
        **{**cal.__dict__, "mode": "gate"})))
