"""The model registry: which model fills each role, pinned to the revision that holds safetensors.

``registry.toml`` (packaged beside this file; ``models/registry.toml`` in the source tree is the
same) names, for each role, the hub id, the revision and the kind of model.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from mtqa.config import ConfigError

PACKAGED_REGISTRY = Path(__file__).resolve().parent / "registry.toml"
KINDS = ("marian", "causal-lm")


@dataclass(frozen=True)
class ModelSpec:
    role: str
    hub_id: str
    revision: str
    kind: str
    used_by: tuple[str, ...] = ()


def load_registry(path: Path | None = None) -> dict[str, ModelSpec]:
    """Roles → specs from ``registry.toml`` (the packaged copy unless ``path`` is given)."""
    path = path or PACKAGED_REGISTRY
    data = tomllib.loads(path.read_text("utf-8"))
    specs = {}
    for role, entry in data.get("roles", {}).items():
        if entry.get("kind") not in KINDS:
            raise ConfigError(f"{path}: role {role!r} has unknown kind {entry.get('kind')!r}")
        specs[role] = ModelSpec(role, entry["hub_id"], str(entry.get("revision", "main")), entry["kind"],
                                tuple(entry.get("used_by", ())))
    return specs


def dir_name(hub_id: str) -> str:
    """``owner/name`` → ``owner--name``, the layout ``mtqa models pull`` and the HF cache use."""
    return hub_id.replace("/", "--")


def fetch_hint(name: str) -> str:
    return (f"run `mtqa models pull {name}` where there is network, or `mtqa models build-tiny DIR` "
            "and --models-dir DIR for tiny test models")
