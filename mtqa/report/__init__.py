"""Output formats. Every writer reads the same result objects and recomputes nothing.

A writer gets reports one at a time (``add``) and finishes with ``close``, so batch output can
stream: JSONL and CSV rows go out as each article is done, a JSON list or a table at the end.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Protocol, TextIO

from mtqa.scoring.gate import Gate
from mtqa.types import DocumentReport


@dataclass(frozen=True)
class View:
    """What the user asked to see: per-sentence flags, per-article scores, or a gate verdict."""

    kind: str = "flags"
    show_all: bool = False  # flags: list unflagged sentences too
    gate: Gate = field(default_factory=Gate)
    color: bool | None = None  # None: decide from the terminal and NO_COLOR


class Writer(Protocol):
    def add(self, report: DocumentReport) -> None: ...

    def close(self) -> None: ...


# format name → "module:class"; each class is constructed as cls(out, view)
WRITERS = {
    "table": "mtqa.report.table:TableWriter",
    "json": "mtqa.report.writers:JsonWriter",
    "jsonl": "mtqa.report.writers:JsonlWriter",
    "csv": "mtqa.report.writers:CsvWriter",
    "html": "mtqa.report.html:HtmlWriter",
    "markdown": "mtqa.report.markdown:MarkdownWriter",
    "github": "mtqa.report.github:GithubWriter",
    "sarif": "mtqa.report.sarif:SarifWriter",
    "junit": "mtqa.report.junit:JunitWriter",
}
FORMATS = tuple(WRITERS)
ARTICLE_ROWS = ("table", "csv")  # score and check in these: one row per article, no sentence shown


def make_writer(fmt: str, out: TextIO, view: View) -> Writer:
    if fmt not in WRITERS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    module, cls = WRITERS[fmt].split(":")
    return getattr(importlib.import_module(module), cls)(out, view)
