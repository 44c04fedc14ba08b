"""Text from an article or a file name, made safe to print: no escape sequences, no invisible
direction overrides or zero-width characters that could move a cursor, recolour a terminal or
rewrite a CI log."""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str, replacement: str = "", keep: str = "") -> str:
    """``text`` with every control character replaced, except those in ``keep``."""
    return CONTROL.sub(lambda m: m.group() if m.group() in keep else replacement, text)


def printable_line(text: str, replacement: str = "") -> str:
    """A single printable line: tabs and line breaks become spaces, other controls ``replacement``."""
    return strip_controls(text.replace("\r", " ").replace("\n", " ").replace("\t", " "), replacement)
