"""Scoring profiles: the built-in one prints as TOML, reads back unchanged, and edits show in the signature."""

from __future__ import annotations

import json

import pytest

from mtqa.scoring.profile import Profile, load_profile, profile_toml


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


def test_cli_prints_the_profile_and_uses_an_edited_one(cli, tmp_path, seed_path):
    printed = cli("profile")
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
