"""``mtqa strip``: print the article with junk set aside, paragraphs kept."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Optional

import typer

from mtqa.types import KINDS


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command(name="strip")(strip)


def strip(
    path: str = typer.Argument(..., help="Article file, or - for stdin."),
    keep: Optional[str] = typer.Option(None, "--keep", help=f"Comma-separated kinds to leave in ({', '.join(KINDS)})."),
    drop: Optional[str] = typer.Option(None, "--drop", help="Comma-separated kinds to remove (default: every junk kind)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    fix_encoding: bool = typer.Option(False, "--fix-encoding", help="Repair mojibake first (donâ€™t → don’t, Osnabr├╝cker → Osnabrücker)."),
    explain: bool = typer.Option(False, "--explain", help="List what was removed (line:col, kind, reason) on stderr."),
    max_bytes: int = typer.Option(20_000_000, "--max-bytes", help="Refuse input files larger than this."),
) -> None:
    """Print the article without credits, captions, sign-offs, teasers, web leftovers and repeats.

    Examples:

      mtqa strip story.txt

      mtqa strip story.txt --keep caption -o clean.txt

      mtqa strip story.txt --drop signoff,boilerplate --fix-encoding
    """
    from mtqa.cli.common import fail
    from mtqa.ingest.sources import InputError, expand_paths, read_document
    from mtqa.text.encoding import fix_encoding as repair
    from mtqa.text.strip import KindError, kinds_to_drop, parse_kinds, strip_document

    try:
        sources = expand_paths([path])
        if len(sources) != 1:
            raise InputError(f"{path}: strip takes one article, this names {len(sources)} files")
        doc = read_document(sources[0], max_bytes)
        drop_kinds = kinds_to_drop(parse_kinds(keep), parse_kinds(drop))
    except (InputError, KindError) as exc:
        raise fail(str(exc)) from None
    if fix_encoding:
        doc = replace(doc, text=repair(doc.text))
    text, removed = strip_document(doc, drop_kinds)
    if explain:
        for s in removed:
            typer.echo(f"{doc.path}:{s.line}:{s.col}: {s.kind}: {s.reason or s.kind}: {s.text}", err=True)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except OSError as exc:
        raise fail(f"{output}: cannot write ({exc.strerror or exc})") from None
