"""Positions in a document's text: offsets to 1-based line and column.

Base stage, so that ingest (HTML offsets mapped back to the file), text (sentences) and report
(annotations) read one definition without importing the sentence splitter.
"""

from __future__ import annotations

import bisect
import re


class LineIndex:
    """Maps document offsets to 1-based (line, column), counting \\r\\n, \\r and \\n as breaks."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1
