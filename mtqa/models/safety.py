"""Checks a model directory must pass before anything in it is loaded.

Pickle weights (``.bin``, ``.pt``...) run code when loaded, so a directory that holds one is
refused even when it also has safetensors: a half-converted or tampered download should be looked
at, not used. A model directory reached through a symbolic link that leads outside the
configured model roots is refused too: a link planted in ``models/`` must not make mtqa load
files from elsewhere on the machine.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib", ".npy")


class UnsafeModel(Exception):
    """A model directory mtqa will not load (the message says why and what to do)."""


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def check_model_dir(path: Path, roots: Iterable[Path]) -> Path:
    """The resolved directory, if it is safe to load; raises ``UnsafeModel`` otherwise."""
    resolved_roots = [Path(r).resolve() for r in roots]
    try:
        real = Path(path).resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise UnsafeModel(f"{path}: cannot resolve model directory ({exc})") from None
    if not any(_inside(real, root) for root in resolved_roots):
        raise UnsafeModel(f"{path}: links to {real}, outside the model roots "
                          f"({', '.join(str(r) for r in resolved_roots)}); refusing to follow it")
    pickles = sorted(f.name for f in real.rglob("*") if f.suffix.lower() in PICKLE_SUFFIXES)
    if pickles:
        raise UnsafeModel(f"{path}: holds pickle files ({', '.join(pickles)}), which can run code "
                          "when loaded; mtqa loads safetensors only: remove them or pull the model again")
    for f in real.rglob("*"):
        if f.is_symlink() and not any(_inside(f.resolve(), root) for root in resolved_roots):
            raise UnsafeModel(f"{path}: file {f.name} links outside the model roots; refusing it")
    if not any(f.suffix == ".safetensors" for f in real.rglob("*.safetensors")):
        raise UnsafeModel(f"{path}: no *.safetensors weights")
    return real
