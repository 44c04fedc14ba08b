"""What every mtqa command shares: one-line errors and building a Config from options."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from mtqa.cli.batch import safe_line
from mtqa.config import load_config


def fail(message: str) -> "typer.Exit":
    typer.echo(f"mtqa: error: {safe_line(message)}", err=True)
    return typer.Exit(2)


def build_config(**options):
    signals = options.pop("signals", None)
    if signals is not None:
        options["signals"] = tuple(s.strip() for s in signals.split(",") if s.strip())
    if options.get("require_models") is False:
        options["require_models"] = None
    if options.get("lines") is False:
        options["lines"] = None
    return load_config(**options)


def cache_options(cache: Optional[Path], no_cache: bool) -> dict:
    """``--cache PATH`` turns the cache on at PATH, ``--no-cache`` off; neither keeps the config's."""
    return {"cache": cache, "use_cache": False if no_cache else (True if cache else None)}
