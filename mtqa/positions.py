"""Positions in a document's text: offsets to 1-based line and column, and the map from the text
the checks read back to the file that was received.

Base stage, so that ingest (HTML and wire formats mapped back to the file), text (sentences) and
report (annotations) read one definition without importing the sentence splitter.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass


class LineIndex:
    """Maps document offsets to 1-based (line, column), counting \\r\\n, \\r and \\n as breaks."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


@dataclass(frozen=True)
class PlainText:
    """Plain text and, per plain character, the ``[start, end)`` it came from in the original.

    HTML reduced to what a reader sees (``mtqa.ingest.html``) and a wire story rendered from its
    XML or JSON (``mtqa.ingest.wire``) both carry one, so every position lands in the received file.
    """

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of plain ``[start, end)``; an empty span maps to its position."""
        if start >= end:
            pos = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return pos, pos
        return self.starts[start], self.ends[end - 1]
