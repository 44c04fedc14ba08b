"""The model registry: which model fills each role, pinned to the revision that holds safetensors.

``registry.toml`` (packaged beside this file; ``models/registry.toml`` in the source tree is the
same) names, for each role, the hub id, the revision to ask the hub for, the commit that revision
must resolve to, the files the snapshot must hold and the kind of model.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from mtqa.config import ConfigError

PACKAGED_REGISTRY = Path(__file__).resolve().parent / "registry.toml"
KINDS = ("marian", "causal-lm")
_HEX = re.compile(r"[0-9a-f]+")


def is_commit(revision: str) -> bool:
    """A full 40-hex commit sha (as opposed to a branch, tag or ``refs/pr/N``)."""
    return len(revision) == 40 and bool(_HEX.fullmatch(revision))


@dataclass(frozen=True)
class ModelSpec:
    role: str
    hub_id: str
    revision: str
    kind: str
    used_by: tuple[str, ...] = ()
    commit: str | None = None  # the commit ``revision`` must resolve to: a full sha or its first digits
    files: tuple[str, ...] = ()  # what the snapshot must contain

    @property
    def expected_commit(self) -> str | None:
        return self.commit or (self.revision if is_commit(self.revision) else None)

    def commit_matches(self, commit: str) -> bool:
        """Whether a resolved (full) commit is the pinned one; True when nothing is pinned."""
        expected = self.expected_commit
        return expected is None or commit.startswith(expected)

    @property
    def pinned(self) -> str:
        """The pin as people read it: ``main``, ``<sha>``, or ``refs/pr/4=73d41ab``."""
        expected = self.expected_commit
        return self.revision if expected in (None, self.revision) else f"{self.revision}={expected}"


def load_registry(path: Path | None = None) -> dict[str, ModelSpec]:
    """Roles → specs from ``registry.toml`` (the packaged copy unless ``path`` is given)."""
    path = path or PACKAGED_REGISTRY
    data = tomllib.loads(path.read_text("utf-8"))
    specs = {}
    for role, entry in data.get("roles", {}).items():
        if entry.get("kind") not in KINDS:
            raise ConfigError(f"{path}: role {role!r} has unknown kind {entry.get('kind')!r}")
        revision = str(entry.get("revision", "main"))
        commit = entry.get("commit")
        if commit is not None and not (7 <= len(commit) <= 40 and _HEX.fullmatch(commit)):
            raise ConfigError(f"{path}: role {role!r}: commit must be 7 to 40 lowercase hex digits, not {commit!r}")
        if commit and is_commit(revision) and not revision.startswith(commit):
            raise ConfigError(f"{path}: role {role!r}: revision {revision} is not commit {commit}")
        files = tuple(entry.get("files", ()))
        if files and not any(f.endswith(".safetensors") for f in files):
            raise ConfigError(f"{path}: role {role!r}: files must name the *.safetensors weights")
        specs[role] = ModelSpec(role, entry["hub_id"], revision, entry["kind"], tuple(entry.get("used_by", ())),
                                commit or None, files)
    return specs


def dir_name(hub_id: str) -> str:
    """``owner/name`` → ``owner--name``, the layout ``mtqa models pull`` and the HF cache use."""
    return hub_id.replace("/", "--")


def fetch_hint(name: str) -> str:
    return (f"run `mtqa models pull {name}` where there is network, or `mtqa models build-tiny DIR` "
            "and --models-dir DIR for tiny test models")
