"""Where a model is on disk, and whether it may be loaded.

A model is named by a registry role (``backtranslate``), a hub id (``Helsinki-NLP/opus-mt-en-de``)
or a directory. Resolution never touches the network: first the models directory
(``--models-dir`` / ``$MTQA_MODELS_DIR`` / ``./models``) as ``<dir>/<role>/`` or
``<dir>/<owner>--<name>/``, then the Hugging Face cache with ``local_files_only``. Fetching is an
explicit step (``mtqa models pull``), so a check never downloads anything behind the user's back.

Only safetensors weights are loaded (pickle files can run code), and the revision that goes into
the signature is what was actually loaded: the hub commit (the snapshot folder's name in the
Hugging Face cache; the commit ``mtqa models pull`` recorded in a directory's ``mtqa-model.json``,
as long as the files are still the ones pulled), else a hash of the files, so new weights always
change the signature.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtqa.config import Config, ConfigError
from mtqa.models.registry import ModelSpec, dir_name, fetch_hint, is_commit, load_registry
from mtqa.models.safety import PICKLE_SUFFIXES, UnsafeModel, check_model_dir

MARKER = "mtqa-model.json"  # optional: names the model in a plain directory (tiny models, pulls)
HASHED_SUFFIXES = (".json", ".safetensors", ".spm", ".model", ".txt")


class ModelError(Exception):
    """A model that is missing or must not be loaded; ``reason`` names it, ``fix`` says what to run."""

    def __init__(self, model_id: str, reason: str, fix: str | None = None):
        super().__init__(reason)
        self.model_id = model_id
        self.reason = reason
        self.fix = fix


class BackendUnavailable(ModelError):
    """The model is there, but a backend cannot run it (no conversion, a package missing)."""


class ModelMissing(ModelError):
    """The model is nowhere on disk (as opposed to present but unusable)."""


@dataclass(frozen=True)
class LocatedModel:
    """A model found on disk, with the id and revision a report's signature records."""

    name: str  # what was asked for: a role, a hub id or a path
    model_id: str
    path: Path
    revision: str
    source: str  # "models-dir", "hf-cache" or "path"
    kind: str
    tiny: bool = False
    commit: str | None = None  # the hub commit the files came from, where known


def content_revision(path: Path, exclude: Sequence[str] = ()) -> str:
    """First 12 hex of a sha256 over the config, tokenizer and weight files (names and bytes)."""
    digest = hashlib.sha256()
    for f in sorted(p for p in path.iterdir() if p.is_file() and p.suffix in HASHED_SUFFIXES and p.name not in exclude):
        digest.update(f.name.encode("utf-8") + b"\0")
        _feed(digest, f)
    return digest.hexdigest()[:12]


def _feed(digest: Any, path: Path) -> None:
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    _feed(digest, path)
    return digest.hexdigest()


def check_weights(path: Path, model_id: str) -> None:
    """Refuse a directory without safetensors weights, naming the pickle files it has instead."""
    files = [p.name for p in path.iterdir() if p.is_file()]
    if any(name.endswith(".safetensors") for name in files):
        return
    pickles = sorted(n for n in files if n.endswith(PICKLE_SUFFIXES))
    if pickles:
        raise ModelError(model_id, f"refusing {model_id} in {path}: only pickle weights ({', '.join(pickles)}); "
                                   "mtqa loads safetensors only",
                         f"run `mtqa models pull {model_id} --convert` where there is network (it converts the "
                         "pickle to safetensors, checked), or pull a revision that has safetensors")
    raise ModelError(model_id, f"no model weights (*.safetensors) in {path} for {model_id}", fetch_hint(model_id))


def _kind_of(path: Path, default: str | None) -> str:
    if default:
        return default
    try:
        model_type = json.loads((path / "config.json").read_text("utf-8")).get("model_type")
    except (OSError, ValueError):
        model_type = None
    return "marian" if model_type == "marian" else "causal-lm"


def _marker(path: Path) -> dict[str, Any]:
    try:
        return json.loads((path / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def check_safe(path: Path, model_id: str, roots: Sequence[Path]) -> None:
    """Safetensors only, no pickle files, no links out of the model roots (``modelsafety``)."""
    check_weights(path, model_id)
    try:
        check_model_dir(path, roots)
    except UnsafeModel as exc:
        raise ModelError(model_id, f"refusing {model_id}: {exc}",
                         "remove the pickle files or links, or pull the model again") from None


def hf_cache_root() -> Path:
    """The Hugging Face hub cache (``$HF_HUB_CACHE``, else ``$HF_HOME/hub``, else ``~/.cache/huggingface/hub``)."""
    try:
        from huggingface_hub import constants

        return Path(constants.HF_HUB_CACHE)
    except ImportError:
        pass
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    home = os.environ.get("HF_HOME") or os.path.join(os.environ.get("XDG_CACHE_HOME", "~/.cache"), "huggingface")
    return Path(home).expanduser() / "hub"


def dir_revision(path: Path, marker: dict[str, Any]) -> tuple[str, str | None]:
    """(revision for the signature, hub commit or None) of a plain model directory.

    A directory ``mtqa models pull`` wrote names its commit; that commit is the revision as long as
    the files (but the marker) still hash to what the pull wrote (``content``), else the file hash is.
    """
    commit = marker.get("commit")
    if isinstance(commit, str) and is_commit(commit) and marker.get("content") == content_revision(path, [MARKER]):
        return (f"{commit}+converted" if marker.get("converted_from") else commit), commit
    return content_revision(path), None


def _from_dir(name: str, model_id: str, path: Path, source: str, kind: str | None,
              roots: Sequence[Path]) -> LocatedModel:
    marker = _marker(path)
    model_id = str(marker.get("model_id", model_id))
    check_safe(path, model_id, roots)
    revision, commit = dir_revision(path, marker)
    return LocatedModel(name, model_id, path, revision, source, _kind_of(path, kind),
                        bool(marker.get("tiny", False)), commit)


def hf_cache_snapshot(hub_id: str, revision: str, root: Path | None = None) -> Path | None:
    """The cached snapshot of ``hub_id`` at ``revision`` in the Hugging Face cache, read from disk only.

    The cache layout: ``models--<owner>--<name>/snapshots/<commit>/``, and ``refs/<revision>`` holding
    the commit a branch or ref pointed to when it was fetched. A commit sha is looked up directly.
    """
    storage = (root or hf_cache_root()) / f"models--{dir_name(hub_id)}"
    commit = revision if is_commit(revision) else None
    if commit is None:
        try:
            commit = (storage / "refs" / revision).read_text("utf-8").strip()
        except (OSError, ValueError):
            return None
    snapshot = storage / "snapshots" / commit
    return snapshot if commit and snapshot.is_dir() else None


def locate(name: str, config: Config, registry: dict[str, ModelSpec] | None = None) -> LocatedModel:
    """Find ``name`` (role, hub id or directory) on disk; raises ``ModelError`` when it is absent."""
    registry = load_registry() if registry is None else registry
    spec = registry.get(name)
    if spec is None and Path(name).is_dir():
        path = Path(name)
        return _from_dir(name, path.name, path, "path", None, [path])
    hub_id, revision, kind = (spec.hub_id, spec.revision, spec.kind) if spec else (name, "main", None)
    models_dir = config.resolved_models_dir()
    candidates = ([models_dir / spec.role] if spec else []) + [models_dir / dir_name(hub_id)]
    for candidate in candidates:
        if candidate.is_dir():
            return _from_dir(name, hub_id, candidate, "models-dir", kind, [models_dir])
    snapshot = hf_cache_snapshot(hub_id, revision)
    if snapshot is not None:
        if spec is not None and not spec.commit_matches(snapshot.name):
            raise ModelError(hub_id, f"the Hugging Face cache holds {hub_id} at {revision} as commit {snapshot.name}, "
                                     f"not the pinned {spec.expected_commit} (role {spec.role})",
                             f"run `mtqa models pull {spec.role}`")
        check_safe(snapshot, hub_id, [hf_cache_root()])
        return LocatedModel(name, hub_id, snapshot, snapshot.name, "hf-cache", _kind_of(snapshot, kind),
                            bool(_marker(snapshot).get("tiny", False)), snapshot.name)
    role = f" (role {spec.role})" if spec else ""
    raise ModelMissing(hub_id, f"model {hub_id}{role} not found in {models_dir}/ or the Hugging Face cache",
                     fetch_hint(spec.role if spec else hub_id))


def resolve_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ConfigError("--device cuda: no CUDA device is available; use --device cpu")
    return device
