"""A detector's finding, relative to its sentence, and its conversion to a document ``Flag``.

Detectors work on sentence text, so their spans are sentence-relative; the signal shifts them to
document offsets in one place so no detector can get that arithmetic wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

from mtqa.types import Flag, Sentence


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    severity: str  # major | minor | info
    start: int  # relative to the sentence
    end: int
    suggestion: str | None = None  # replacement for text[start:end]

    def to_flag(self, sentence: Sentence) -> Flag:
        return Flag(self.code, self.message, self.severity, sentence.start + self.start,
                    sentence.start + self.end, self.suggestion)
