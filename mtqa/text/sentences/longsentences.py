"""Split run-on "sentences" into pieces the models can read whole.

Translation and language models stop at 512 tokens and truncate the rest, so a 5,000-word
sentence with no punctuation would be scored on its first few hundred words and the rest never
looked at. Splitting it (at a clause mark or a space near the limit, never inside a word if it can
be helped) keeps every character in some scored piece; each piece is a Sentence whose span still
points into the original document.

``MAX_CHARS`` is 1,000: English news text runs at four to five characters per SentencePiece token,
so a piece stays far below the 512-token limit, while real sentences (even 60-word ones, about
400 characters) are never cut, which would make the detectors see fragments. Scripts with fewer
characters per token may still reach the limit; the models then truncate the piece safely.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from mtqa.positions import LineIndex
from mtqa.types import Document, Sentence

MAX_CHARS = 1000
_CLAUSE = re.compile(r"[,;:)\]–—]\s")
_SPACE = re.compile(r"\s+")


def _cut(text: str, max_chars: int) -> int:
    """Where to end the first piece of ``text``: after a clause mark, else at a space, else hard."""
    window = text[:max_chars]
    floor = max_chars // 2  # don't make tiny pieces just to split at a comma
    clauses = [m.start() + 1 for m in _CLAUSE.finditer(window) if m.start() + 1 >= floor]
    if clauses:
        return clauses[-1]
    spaces = [m.start() for m in _SPACE.finditer(window) if m.start() > 0]
    if spaces:
        return spaces[-1]
    return max_chars


def piece_spans(text: str, max_chars: int = MAX_CHARS) -> list[tuple[int, int]]:
    """``[start, end)`` pieces of ``text``, each at most ``max_chars`` long, stripped of spaces."""
    spans = []
    pos = len(text) - len(text.lstrip())
    while pos < len(text):
        rest = text[pos:]
        if len(rest.rstrip()) <= max_chars:
            spans.append((pos, pos + len(rest.rstrip())))
            break
        cut = _cut(rest, max_chars)
        piece = rest[:cut].rstrip()
        if piece:
            spans.append((pos, pos + len(piece)))
        pos += cut
        pos += len(text[pos:]) - len(text[pos:].lstrip())
    return spans


def split_long_sentences(doc: Document, sentences: Sequence[Sentence],
                         max_chars: int = MAX_CHARS) -> list[Sentence]:
    """The same sentences, with prose longer than ``max_chars`` cut into pieces; re-indexed."""
    if all(len(s.text) <= max_chars or not s.is_prose for s in sentences):
        return list(sentences)
    index = LineIndex(doc.text)
    out: list[Sentence] = []
    for s in sentences:
        if len(s.text) <= max_chars or not s.is_prose:
            out.append(replace(s, index=len(out)))
            continue
        for start, end in piece_spans(s.text, max_chars):
            line, col = index.line_col(s.start + start)
            out.append(replace(s, index=len(out), text=s.text[start:end], start=s.start + start,
                               end=s.start + end, line=line, col=col))
    return out
