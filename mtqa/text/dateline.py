"""The wire-copy dateline that opens an article's first sentence ("BERLIN (dpa) – ", "PARIS: ").

A convention of the genre that English grammar has no rule for: parsers read "BERLIN" as a sentence
of its own, so the detectors and the grammar signal look at the sentence after it. A place in title
case counts only with the agency in brackets after it ("Frankfurt/Main (dpa) - ").
"""

from __future__ import annotations

import re

DATELINE = re.compile(r"^(?:[A-ZÄÖÜ][A-ZÄÖÜ.'/ -]*[A-ZÄÖÜ](?:\s*\([^()]{1,40}\))?"
                      r"|[A-ZÄÖÜ][\w.'/-]*(?: [A-ZÄÖÜ][\w.'/-]*){0,2}\s*\([^()]{1,40}\))"
                      r"\s*[-–—:]\s+(?=[A-Z\"“„])")


def dateline_end(text: str) -> int:
    """Where the sentence after a leading dateline starts; 0 when there is none."""
    m = DATELINE.match(text)
    return m.end() if m else 0
