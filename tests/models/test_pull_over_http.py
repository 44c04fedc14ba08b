"""`mtqa models pull` over HTTP: the real CLI and the real huggingface_hub client against the fake hub.

The repositories are configured like the real ones (see ``hubrepos``), so the first test shows that
the registry's pins fetch safetensors for all three roles, where ``main`` would not.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mtqa.config import Config
from mtqa.models.locate import MARKER, locate
from tests.conftest import DATA, ROOT, one_line_error

from .hubrepos import (
    DE_EN,
    DE_EN_PR4,
    EN_DE,
    EN_DE_MAIN,
    EN_DE_PR4,
    GPT2,
    NO_WEIGHTS,
    PINNED,
    hidden_leftovers,
    subprocess_env,
)


def marker(folder: Path) -> dict:
    return json.loads((folder / MARKER).read_text())


def mtqa(*args, timeout: float = 120) -> subprocess.CompletedProcess:
    """The real command line in a fresh process (HF_ENDPOINT is read at import: set before it)."""
    return subprocess.run([sys.executable, "-m", "mtqa", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=subprocess_env(), cwd=ROOT)


def downloads(hub) -> list[str]:
    """Paths of the files the client fetched (GET on /resolve or the LFS "CDN")."""
    return [path for method, path, _ in hub.requests if method == "GET" and "/api/" not in path]


def test_the_registry_pins_fetch_safetensors_for_all_three_roles(cli, hub, tmp_path):
    models = tmp_path / "models"
    result = cli("models", "pull", "--models-dir", models)
    assert result.exit_code == 0, result.output + result.stderr
    assert result.stderr == ""  # quiet when not on a terminal
    for role, (hub_id, commit) in PINNED.items():
        folder = models / role
        files = {p.name for p in folder.iterdir()}
        assert "model.safetensors" in files and "config.json" in files, files
        assert not [n for n in files if n.endswith((".bin", ".h5", ".msgpack", ".ot", ".tflite"))]
        info = marker(folder)
        assert (info["model_id"], info["commit"]) == (hub_id, commit)
        served = hub.repos[hub_id]["main" if role == "fluency" else "refs/pr/4"][1]
        for name, digest in info["files"].items():
            assert digest == hashlib.sha256(served[name]).hexdigest()
        found = locate(role, Config(models_dir=models))
        assert (found.revision, found.commit, found.model_id) == (commit, commit, hub_id)
        assert f"{role}\t{hub_id}@{commit}\t{folder}" in result.stdout
    assert not (models / "fluency" / "coreml").exists()  # only top-level files
    # every file was fetched by commit, never by a branch or ref name that could move meanwhile
    heads = [path for method, path, _ in hub.requests if method == "HEAD"]
    for hub_id, commit in PINNED.values():
        assert f"/{hub_id}/resolve/{commit}/model.safetensors" in heads
    assert not [p for p in downloads(hub) if "/resolve/main/" in p or "refs%2Fpr" in p.split("/resolve/")[-1]]
    assert not [p for _, p, _ in hub.requests if p.endswith(".bin")]
    assert hidden_leftovers(models) == []


def test_main_of_the_opus_mt_repositories_has_no_safetensors(cli, hub, tmp_path):
    result = cli("models", "pull", "backtranslate", "--revision", "main", "--models-dir", tmp_path)
    one_line_error(result, f"role backtranslate ({EN_DE}@main)")
    assert f"commit {EN_DE_MAIN}" in result.stderr and "only pickle files (pytorch_model.bin)" in result.stderr
    assert "mtqa models pull backtranslate --convert" in result.stderr
    assert list(tmp_path.iterdir()) == [] and downloads(hub) == []


def test_pull_in_a_fresh_process_then_verify_and_flags(cli, hub, tmp_path):
    """The pull runs as a user runs it (HF_ENDPOINT read at import); the checks after it run offline."""
    models = tmp_path / "models"
    pulled = mtqa("models", "pull", "--models-dir", models)
    assert pulled.returncode == 0, pulled.stderr
    assert pulled.stderr == ""
    hub.stop()  # nothing after the pull may need the network
    verified = cli("models", "verify", "--models-dir", models)
    assert verified.exit_code == 0, verified.stdout + verified.stderr
    for role, (hub_id, commit) in PINNED.items():
        assert f"{role}\t{hub_id}@{commit}\tok" in verified.stdout
    flagged = cli("flags", DATA / "seed-article.txt", "--models-dir", models, "--format", "json", "--all")
    assert flagged.exit_code in (0, 1), flagged.stderr
    (doc,) = json.loads(flagged.stdout)
    # every pulled model ran; only the learned signal's LM, which is converted from a wheel, not pulled, is missing
    assert [s["name"] for s in doc["skipped_signals"]] == ["learned"]
    prose = [s for s in doc["sentences"] if s["kind"] in ("title", "heading", "body")]
    assert prose and all({"roundtrip", "likelihood", "fluency"} <= set(s["signals"]) for s in prose)
    for hub_id, commit in PINNED.values():
        assert f"{hub_id}@{commit}" in doc["signature"]
    assert "mtqa-tiny" not in doc["signature"]


def test_pull_into_the_hugging_face_cache(cli, hub, hf_home, tmp_path):
    result = cli("models", "pull")
    assert result.exit_code == 0, result.output + result.stderr
    cache = hf_home / "hub"
    for role, (hub_id, commit) in PINNED.items():
        repo = cache / f"models--{hub_id.replace('/', '--')}"
        snapshot = repo / "snapshots" / commit
        assert (snapshot / "model.safetensors").is_file() and not list(snapshot.glob("*.bin"))
        assert f"{role}\t{hub_id}@{commit}\t{snapshot}" in result.stdout
    # the refs the hub client itself would write for a branch or ref; a commit pin needs none
    assert (cache / f"models--{EN_DE.replace('/', '--')}" / "refs/refs/pr/4").read_text() == EN_DE_PR4
    assert (cache / f"models--{GPT2.replace('/', '--')}" / "refs/main").read_text() == PINNED["fluency"][1]
    assert not (cache / f"models--{DE_EN.replace('/', '--')}" / "refs").exists()
    assert hidden_leftovers(cache) == []
    listed = cli("models", "list", "--models-dir", tmp_path / "no-models")
    rows = {line.split("\t")[0]: line for line in listed.stdout.splitlines()}
    assert rows["backtranslate"].startswith(f"backtranslate\t{EN_DE}@refs/pr/4=73d41ab\tmarian\tfound hf-cache")
    for role, (_, commit) in PINNED.items():
        assert f"\tcommit {commit}\t" in rows[role] and rows[role].endswith(" KB"), rows[role]
    verified = cli("models", "verify", "--models-dir", tmp_path / "no-models")
    assert verified.exit_code == 0, verified.stdout
    assert f"roundtrip\t{DE_EN}@{DE_EN_PR4}\tok" in verified.stdout


def test_a_pinned_ref_that_moved_is_refused_before_any_download(cli, hub, tmp_path):
    moved = "0" * 40
    hub.repos[EN_DE]["refs/pr/4"] = (moved, hub.repos[EN_DE]["refs/pr/4"][1])
    result = cli("models", "pull", "backtranslate", "--models-dir", tmp_path)
    one_line_error(result, f"role backtranslate ({EN_DE}@refs/pr/4): the pinned refs/pr/4 now resolves to commit "
                           f"{moved}, not 73d41ab; nothing was downloaded; fix:")
    assert list(tmp_path.iterdir()) == [] and downloads(hub) == []


def test_a_pinned_commit_the_hub_no_longer_has(cli, hub, tmp_path):
    del hub.repos[DE_EN]["refs/pr/4"]
    result = cli("models", "pull", "roundtrip", "--models-dir", tmp_path)
    one_line_error(result, f"role roundtrip ({DE_EN}@{DE_EN_PR4}): asking {hub.url} for the commit failed: "
                           f"revision {DE_EN_PR4} not found")


def test_snapshots_without_weights_are_refused(cli, hub, tmp_path):
    result = cli("models", "pull", NO_WEIGHTS, "--models-dir", tmp_path)
    one_line_error(result, f"{NO_WEIGHTS}@main at commit")
    assert "has no model weights (no *.safetensors, no pytorch_model.bin)" in result.stderr
    # a pinned snapshot without safetensors (say the bot's pull request lost them): same, for a role
    hub.repos[DE_EN]["refs/pr/4"] = (DE_EN_PR4, hub.repos[DE_EN]["main"][1])
    result = cli("models", "pull", "roundtrip", "--models-dir", tmp_path)
    one_line_error(result, f"role roundtrip ({DE_EN}@{DE_EN_PR4}) at commit {DE_EN_PR4}: has no *.safetensors")
    assert list(tmp_path.iterdir()) == [] and downloads(hub) == []


def test_a_corrupt_download_is_refused_and_nothing_is_installed(cli, hub, tmp_path):
    hub.faults["model.safetensors"] = "corrupt"  # right size, wrong bytes: the client accepts it, mtqa must not
    result = cli("models", "pull", "fluency", "--models-dir", tmp_path)
    one_line_error(result, f"role fluency ({GPT2}@main): model.safetensors at commit")
    assert "sha256" in result.stderr and "nothing was installed" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_server_dying_mid_download_leaves_nothing_half_written(hub, tmp_path):
    models = tmp_path / "models"
    hub.faults["model.safetensors"] = "gone"  # the server stops halfway through the weights
    started = time.monotonic()
    result = mtqa("models", "pull", "roundtrip", "--models-dir", models)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"mtqa: error: role roundtrip ({DE_EN}@{DE_EN_PR4}): downloading model.safetensors")
    assert "network error" in lines[0] and "nothing was installed" in lines[0]
    assert list(models.iterdir()) == []  # no model folder, no staging folder
    assert time.monotonic() - started < 30


def test_a_failed_update_keeps_the_model_that_was_there(cli, hub, hf_home, tmp_path, fast_retries):
    models = tmp_path / "models"
    assert cli("models", "pull", "roundtrip", "--models-dir", models).exit_code == 0
    before = {p.name: p.read_bytes() for p in (models / "roundtrip").iterdir()}
    assert cli("models", "pull", "roundtrip").exit_code == 0  # and once into the HF cache
    snapshot = hf_home / "hub" / f"models--{DE_EN.replace('/', '--')}" / "snapshots" / DE_EN_PR4
    cached = {p.name: p.read_bytes() for p in snapshot.iterdir()}
    hub.faults["model.safetensors"] = "gone"
    one_line_error(cli("models", "pull", "roundtrip", "--models-dir", models), "network error")
    one_line_error(cli("models", "pull", "roundtrip"), "network error")
    assert {p.name: p.read_bytes() for p in (models / "roundtrip").iterdir()} == before
    assert {p.name: p.read_bytes() for p in snapshot.iterdir()} == cached
    assert hidden_leftovers(models, hf_home) == []


def test_a_fresh_pull_into_the_cache_that_breaks_leaves_no_snapshot(cli, hub, hf_home, fast_retries):
    hub.faults["model.safetensors"] = "gone"
    one_line_error(cli("models", "pull", "backtranslate"), "downloading model.safetensors")
    repo = hf_home / "hub" / f"models--{EN_DE.replace('/', '--')}"
    assert not (repo / "snapshots").exists() and not (repo / "refs").exists()
    assert hidden_leftovers(hf_home) == []


def test_offline_mode_is_one_line(cli, hub, tmp_path, monkeypatch):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    one_line_error(cli("models", "pull", "fluency", "--models-dir", tmp_path), "HF_HUB_OFFLINE is set")


def test_progress_bar_on_a_terminal(hub, tmp_path):
    import io

    from rich.console import Console

    from mtqa.models.pull import Progress, for_role, pull
    from mtqa.models.registry import load_registry

    screen = io.StringIO()
    with Progress(enabled=True, console=Console(file=screen, force_terminal=True, width=100)) as progress:
        done = pull(for_role(load_registry()["fluency"]), models_dir=tmp_path, progress=progress)
    assert f"fluency {PINNED['fluency'][1][:12]}" in screen.getvalue()
    assert done.size > 0 and "kB" in screen.getvalue()


@pytest.mark.parametrize("name", ["backtranslate", DE_EN])
def test_hub_ids_and_roles_at_another_revision_go_to_a_models_directory(cli, hub, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)  # the default models directory is ./models
    result = cli("models", "pull", name, "--revision", "refs/pr/4")
    assert result.exit_code == 0, result.stderr
    folder = tmp_path / "models" / ("backtranslate" if name == "backtranslate" else "Helsinki-NLP--opus-mt-de-en")
    info = marker(folder)
    assert info["revision"] == "refs/pr/4" and info["commit"] in (EN_DE_PR4, DE_EN_PR4)
    assert locate(name, Config()).revision == info["commit"]



def test_a_pull_killed_outright_is_cleaned_up_by_the_next_pull(hub, tmp_path):
    """kill -9 leaves a staging folder (no handler runs); the next pull of that model removes it."""
    import os
    import signal

    models = tmp_path / "models"
    hub.faults["model.safetensors"] = "stall"  # half the weights arrive, then the connection hangs
    child = subprocess.Popen([sys.executable, "-m", "mtqa", "models", "pull", "roundtrip", "--models-dir", str(models)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=subprocess_env(), cwd=ROOT)
    try:
        assert hub.stalled.wait(60), "the download never started"
        assert hidden_leftovers(models), "a pull in progress has a staging folder"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    assert hidden_leftovers(models), "kill -9 cannot clean up"
    del hub.faults["model.safetensors"]
    result = mtqa("models", "pull", "roundtrip", "--models-dir", models)
    assert result.returncode == 0, result.stderr
    assert hidden_leftovers(models) == []
    assert marker(models / "roundtrip")["commit"] == PINNED["roundtrip"][1]


def test_a_staging_folder_of_a_live_pull_is_left_alone(tmp_path):
    from mtqa.models.pull import OWNER, sweep_abandoned

    live = tmp_path / ".roundtrip.mtqa-pull-live"
    live.mkdir()
    (live / OWNER).write_text(json.dumps({"host": __import__("socket").gethostname(), "pid": __import__("os").getpid()}))
    starting = tmp_path / ".roundtrip.mtqa-pull-starting"  # no owner record yet
    starting.mkdir()
    dead = tmp_path / ".roundtrip.mtqa-pull-dead"
    (dead / "previous").mkdir(parents=True)
    (dead / "previous" / "config.json").write_text("{}")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (dead / OWNER).write_text(json.dumps({"host": __import__("socket").gethostname(), "pid": int(gone.stdout)}))
    final = tmp_path / "roundtrip"
    assert sweep_abandoned(tmp_path, "roundtrip", final) == [dead]
    assert live.is_dir() and starting.is_dir() and not dead.exists()
    assert (final / "config.json").read_text() == "{}"  # a swap cut short: the previous model is put back
