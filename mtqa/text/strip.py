"""An editor's first step: the article with junk set aside, paragraphs kept; mojibake repair.

Stripping works on the segments ``mtqa.text.sentences.segment`` finds, so what ``strip`` removes is exactly what
``flags`` and ``check`` set aside as junk.
"""

from __future__ import annotations

import re
from typing import Iterable

from mtqa.text.sentences.segment import segment
from mtqa.types import JUNK_KINDS, KINDS, Document, Sentence


class KindError(ValueError):
    """A kind name a user gave is not one of ``KINDS``."""


def parse_kinds(value: str | None) -> frozenset[str] | None:
    """``"credit,caption"`` → the kinds; ``None`` when the option was not given."""
    if value is None:
        return None
    kinds = {k.strip().lower() for k in value.split(",") if k.strip()}
    unknown = sorted(kinds - set(KINDS))
    if unknown:
        raise KindError(f"unknown kind {unknown[0]!r}; choose from {', '.join(KINDS)}")
    return frozenset(kinds)


def kinds_to_drop(keep: Iterable[str] | None = None, drop: Iterable[str] | None = None) -> frozenset[str]:
    """All junk kinds by default; ``drop`` replaces that set, ``keep`` takes kinds out of it."""
    chosen = frozenset(JUNK_KINDS) if drop is None else frozenset(drop)
    return chosen - frozenset(keep or ())


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def strip_text(text: str, sentences: Iterable[Sentence], drop: frozenset[str]) -> str:
    """``text`` without the segments whose kind is in ``drop``.

    A line left with only whitespace goes; runs of blank lines shrink to one, so paragraphs stay
    paragraphs; the line endings of the file are kept.
    """
    removed = sorted((s.start, s.end) for s in sentences if s.kind in drop)
    out: list[str] = []
    cursor = 0
    for m in _LINE.finditer(text):
        start = m.start()
        body = m.group().rstrip("\r\n")
        ending = m.group()[len(body):]
        kept = []
        pos = start
        while cursor < len(removed) and removed[cursor][0] < start + len(body):
            a, b = removed[cursor]
            if a >= pos:
                kept.append(text[pos:a])
            pos = max(pos, b)
            if b <= start + len(body):
                cursor += 1
            else:
                break
        if pos < start + len(body):
            kept.append(text[pos:start + len(body)])
        line = "".join(kept).rstrip()
        had_text = bool(body.strip())
        if had_text and not line.strip():
            continue  # everything on it was dropped
        out.append(line + (ending or ""))
    return _squeeze_blank_lines(out)


def _squeeze_blank_lines(lines: list[str]) -> str:
    result: list[str] = []
    for line in lines:
        blank = not line.strip()
        if blank and (not result or not result[-1].strip()):
            continue
        result.append(line)
    while result and not result[-1].strip():
        result.pop()
    if result and not result[-1].endswith(("\n", "\r")):
        result[-1] += _newline_of(result)
    return "".join(result)


def _newline_of(lines: list[str]) -> str:
    for line in lines:
        for nl in ("\r\n", "\n", "\r"):
            if line.endswith(nl):
                return nl
    return "\n"


def strip_document(doc: Document, drop: frozenset[str] | None = None) -> tuple[str, list[Sentence]]:
    """The stripped text and the segments that were removed."""
    drop = kinds_to_drop() if drop is None else drop
    sentences = segment(doc)
    return strip_text(doc.text, sentences, drop), [s for s in sentences if s.kind in drop]
