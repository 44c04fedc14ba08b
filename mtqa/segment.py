"""Article text → sentences with exact offsets, lines and columns.

``segment`` splits prose into sentences; ``segment_lines`` takes every non-empty line as one
sentence (for lists of segments such as translation-memory exports).
"""

from __future__ import annotations

import bisect
import re
from typing import Sequence

from mtqa.types import Document, Sentence


class LineIndex:
    """Maps document offsets to 1-based (line, column), counting \\r\\n, \\r and \\n as breaks."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def make_sentences(doc: Document, spans: Sequence[tuple[int, int, str, str | None]]) -> list[Sentence]:
    """Sentences from (start, end, kind, reason) spans, in document order."""
    index = LineIndex(doc.text)
    out = []
    for i, (start, end, kind, reason) in enumerate(sorted(spans)):
        line, col = index.line_col(start)
        out.append(Sentence(doc.id, i, doc.text[start:end], start, end, line, col, kind, reason))
    return out


def segment_lines(doc: Document) -> list[Sentence]:
    """One sentence per non-empty line, stripped of surrounding whitespace, in order."""
    spans = []
    for m in re.finditer(r"[^\r\n]+", doc.text):
        text = m.group()
        lead = len(text) - len(text.lstrip())
        trail = len(text.rstrip())
        if trail > lead:
            spans.append((m.start() + lead, m.start() + trail, "body", None))
    return make_sentences(doc, spans)


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)]*\s+(?=[\"'“‘«(]?[A-Z0-9])")


def segment(doc: Document) -> list[Sentence]:
    """Paragraphs (blank-line separated lines), then sentences at terminal punctuation."""
    spans = []
    for m in re.finditer(r"[^\r\n]+", doc.text):
        base = m.start()
        line = m.group()
        pos = 0
        for brk in list(_SENTENCE_END.finditer(line)) + [None]:
            end = brk.start() if brk else len(line)
            chunk = line[pos:end]
            lead = len(chunk) - len(chunk.lstrip())
            trail = len(chunk.rstrip())
            if trail > lead:
                spans.append((base + pos + lead, base + pos + trail, "body", None))
            if brk:
                pos = brk.end()
    return make_sentences(doc, spans)
