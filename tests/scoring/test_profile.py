"""Scoring profiles: the built-in one prints as TOML, reads back unchanged, and edits show in the signature."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from mtqa.scoring.combine import combine
from mtqa.scoring.profile import BUILTIN_PROFILE, Profile, load_profile, profile_toml
from mtqa.types import Flag, Sentence, SignalResult


def test_default_profile_round_trips_through_toml(tmp_path):
    path = tmp_path / "default.toml"
    path.write_text(profile_toml(Profile()))
    loaded = load_profile(path)
    assert loaded == Profile()
    assert loaded.signature == "default"


def test_an_edited_profile_gets_its_own_signature(tmp_path):
    text = profile_toml(Profile()).replace('name = "default"', 'name = "newsroom"')
    (tmp_path / "a.toml").write_text(text)
    (tmp_path / "b.toml").write_text(text.replace("flag_threshold = 70.0", "flag_threshold = 80.0"))
    a, b = load_profile(tmp_path / "a.toml"), load_profile(tmp_path / "b.toml")
    assert a.signature.startswith("newsroom@") and b.signature.startswith("newsroom@")
    assert a.signature != b.signature
    assert b.flag_threshold == 80.0


def test_cli_prints_the_handset_profile_and_uses_an_edited_one(cli, tmp_path, seed_path):
    printed = cli("profile", "--profile", "handset")
    assert printed.exit_code == 0 and "[[metrics]]" in printed.stdout
    strict = tmp_path / "strict.toml"
    # detector flags of every severity weigh more: scores drop, the signature names the profile
    strict.write_text(printed.stdout.replace('name = "default"', 'name = "strict"').replace("minor = 0.25", "minor = 0.5"))
    base = json.loads(cli("flags", seed_path, "--signals", "rules", "--format", "json", "--profile", "handset").stdout)[0]
    edited = json.loads(cli("flags", seed_path, "--signals", "rules", "--format", "json", "--profile", strict).stdout)[0]
    assert "profile:strict@" in edited["signature"] and "profile:default" in base["signature"]
    minor = [i for i, s in enumerate(base["sentences"]) if s["severity"] == "minor"]
    assert minor and all(edited["sentences"][i]["score"] < base["sentences"][i]["score"] for i in minor)


def test_a_missing_profile_is_one_line_and_exit_2(cli, tmp_path, seed_path):
    result = cli("flags", seed_path, "--signals", "rules", "--profile", tmp_path / "nope.toml")
    assert result.exit_code == 2 and "profile not found" in result.stderr


@pytest.mark.parametrize("edit, needle", [
    (("relative_z = -1.5", 'relative_z = "abc"'), "is not a number"),
    (("minor = 0.25", 'minor = "high"'), "is not a number"),
    (("threshold = 40.0", 'threshold = "40"'), "is not a number"),
    (("max_suspects = 3", "max_suspects = 3\nsource = 1"), "bad value"),
    (('code = "disfluent"', 'code = "disfluent"\ncolour = 1'), "bad value"),
    (("major = 0.6", "major = -5"), "flag_risk.major must be between 0 and 1"),
    (("flag_threshold = 70.0", "flag_threshold = 150"), "flag_threshold must be between 0 and 100"),
    (("max_suspects = 3", "max_suspects = 3\nbogus_key = 1"), "unknown setting 'bogus_key'"),
    (('signal = "fluency"', 'signal = "fluency"\n[[metrics]]\nsignal = "nope"'), "lacks"),
])
def test_a_bad_value_in_a_profile_is_a_profile_error(tmp_path, edit, needle):
    from mtqa.scoring.profile import ProfileError

    path = tmp_path / "bad.toml"
    path.write_text(profile_toml(Profile()).replace(*edit))
    with pytest.raises(ProfileError, match=needle):
        load_profile(path)


def test_cli_prints_the_profile_in_use_and_it_reads_back_identically(cli, tmp_path, seed_path):
    printed = cli("profile")
    assert printed.exit_code == 0 and "[calibrated]" in printed.stdout and 'mode = "score"' in printed.stdout
    path = tmp_path / "printed.toml"
    path.write_text(printed.stdout)
    assert load_profile(path) == load_profile(None) and load_profile(path).signature == load_profile(None).signature
    assert printed.stdout == BUILTIN_PROFILE.read_text("utf-8")  # the built-in file is what the writer writes
    assert cli("profile", "--profile", path).stdout == printed.stdout
    default = json.loads(cli("flags", seed_path, "--signals", "rules", "--format", "json").stdout)[0]
    reread = json.loads(cli("flags", seed_path, "--signals", "rules", "--format", "json", "--profile", path).stdout)[0]
    assert reread == default


def test_cli_profile_of_a_missing_file_is_one_line_and_exit_2(cli, tmp_path):
    result = cli("profile", "--profile", tmp_path / "nope.toml")
    assert result.exit_code == 2 and "profile not found" in result.stderr and "Traceback" not in result.stderr


def _one(flags: tuple[Flag, ...]) -> tuple[list[Sentence], dict[str, list[SignalResult]]]:
    text = "The minister met the mayor on Monday."
    sentence = Sentence("doc", 0, text, 0, len(text), 1, 1)
    values = {"lex_mean_zipf": 5.5, "lex_min_zipf": 3.5}
    return [sentence], {"rules": [SignalResult("rules", values, flags=flags)]}


def test_the_built_in_profile_weighs_detector_flags_by_fitted_weights_read_from_the_file(tmp_path):
    builtin = load_profile(None)
    cal = builtin.fit_for({})  # the sentence below has no learned signal: the fallback fit scores it
    which = "fallback" if cal is builtin.fallback else "calibrated"
    assert cal is not None and {"flags.major", "flags.minor"} <= set(cal.features)
    assert any(f.startswith("flag.") for f in cal.features)  # codes with enough support weigh on their own
    # weighs by its severity (the fit may pin a severity's weight at 0; major carries one in the built-in fit)
    minor = Flag("invented-code", "a finding no detector makes", "major", 0, 3)
    clean = combine(*_one(()), builtin)[0]
    flagged = combine(*_one((minor,)), builtin)[0]
    assert flagged.score < clean.score and flagged.severity == "major"  # the flag keeps its severity
    # the weight is the profile's: set it to 0 in the file and the flag no longer changes the score
    i = cal.features.index("flags.major")
    coef = tuple(0.0 if j == i else c for j, c in enumerate(cal.coef))
    path = tmp_path / "no-minor.toml"
    path.write_text(profile_toml(replace(builtin, **{which: replace(cal, coef=coef)})))
    edited = load_profile(path)
    assert edited.signature != builtin.signature
    assert combine(*_one((minor,)), edited)[0].score == combine(*_one(()), edited)[0].score
    # a heavier weight read from the file pulls the flagged sentence further down
    heavier = tuple(c + 1.0 if j == i else c for j, c in enumerate(cal.coef))
    path.write_text(profile_toml(replace(builtin, **{which: replace(cal, coef=heavier)})))
    assert combine(*_one((minor,)), load_profile(path))[0].score < flagged.score


def test_a_flag_code_a_run_did_not_raise_counts_zero_not_the_training_mean():
    from mtqa.scoring.profile import Calibrated

    cal = Calibrated(features=("flag.no-parse", "rules.x"), mean=(0.3, 1.0), scale=(1.0, 1.0), coef=(2.0, 1.0),
                     intercept=0.0, threshold=0.9, mode="score")
    assert cal.probability({"rules.x": 1.0}) == cal.probability({"rules.x": 1.0, "flag.no-parse": 0.0})
    assert cal.probability({}) == cal.probability({"flag.no-parse": 0.0, "rules.x": 1.0})  # other features: the mean


def test_a_sentence_with_no_words_scores_below_a_plain_one_by_default():
    pytest.importorskip("pocketsphinx")
    from mtqa.config import Config
    from mtqa.evaluation.drivers import score_texts

    texts = [".", "The minister met the mayor on Monday.", "…", "Prices rose by two percent last year."]
    scored = score_texts(texts, Config(signals=("rules", "fluency"), fluency_model="ngram", use_cache=False))
    empty = [scored.sentences[i].score for i in (0, 2)]
    plain = [scored.sentences[i].score for i in (1, 3)]
    assert max(empty) < min(plain) / 2  # far below: no words is no English, not an average sentence


def test_a_run_without_the_learned_signal_is_scored_by_the_fallback_fit(tmp_path):
    from mtqa.scoring.profile import Calibrated, Profile, load_profile, profile_toml

    with_lm = Calibrated(features=("learned.quality", "rules.lex_oov_share", "flags.major"), mean=(0.0, 0.0, 0.0),
                         scale=(1.0, 1.0, 1.0), coef=(-2.0, 0.5, 1.0), intercept=0.0, threshold=0.9, mode="score")
    without = Calibrated(features=("rules.lex_oov_share", "flags.major"), mean=(0.0, 0.0), scale=(1.0, 1.0),
                         coef=(3.0, 1.0), intercept=0.0, threshold=0.8, mode="score")
    profile = Profile(name="p", calibrated=with_lm, fallback=without)
    assert profile.fit_for({"learned.quality": 1.0, "rules.lex_oov_share": 0.1}) is with_lm
    assert profile.fit_for({"rules.lex_oov_share": 0.1, "flags.major": 0.0}) is without
    path = tmp_path / "p.toml"
    path.write_text(profile_toml(profile))
    again = load_profile(path)
    assert again.calibrated == with_lm and again.fallback == without and again.signature == profile.signature
    assert profile.signature != Profile(name="p", calibrated=with_lm).signature


def test_the_built_in_profile_has_a_fallback_without_the_learned_signal():
    from mtqa.scoring.profile import load_profile

    profile = load_profile(None)
    assert "learned.quality" in profile.calibrated.features
    assert profile.fallback is not None and not any(f.startswith("learned.") for f in profile.fallback.features)
