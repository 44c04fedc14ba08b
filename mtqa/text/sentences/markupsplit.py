"""Sentences that page markup split over several lines, found by shape and glued back together.

A name in its own link, a highlighted phrase or a quotation in its own element puts pieces of one
sentence on lines of their own:

    … sharply criticised the          (ends mid-sentence: no final punctuation, a lowercase word)
    Maria Keller                      (a name alone: 1–4 capitalised words)
    (CDU) on Monday and said …        (goes on: lowercase, or a bracket or comma first)

    Anna Berg said:                   (a lead-in ending in a colon after a lowercase word)
    “We will not give up.”            (the quotation it introduces)

Pieces are glued only when both ends agree: the line before stops mid-sentence and the line after
visibly continues it, so a headline, a heading or a junk line is never pulled into a sentence.
Only a name piece between the two ends may have been read as a byline; the title never is glued.
"""

from __future__ import annotations

import re
from typing import Sequence

# a line going on with the sentence before it: lowercase (maybe after an opening quote), or a
# bracket, comma or semicolon first
CONTINUES = re.compile(r"[\"'“„‘«]?[a-zäöüß]|[(\[,;]\s*\S")
# stops mid-sentence: a lowercase word or a comma last
STOPS_MID = re.compile(r"(?:(?:^|\s)[a-zäöüß][\w'’-]*|,)$")
LEAD_IN = re.compile(r"\b[a-z]{2,}:$")  # "Anna Berg said:"
OPENS_QUOTE = re.compile(r"[\"“„«‘']\s*[A-ZÄÖÜ0-9]")
NAME_PIECE = re.compile(r"[A-ZÄÖÜ][\w'’.-]*(?:\s+[A-ZÄÖÜ][\w'’.-]*){0,3}")
LEAD_IN_MAX_WORDS = 12
OPENING_MIN_WORDS = 4  # the piece that opens a split sentence is a sentence under way, not a stray word
# what a piece may have been called on its own: a name alone looks like a byline, and a short
# line next to it like a teaser; any other junk line is never glued
PIECE_REASONS = ("name line", "teaser or author bio next to a byline")


def _may_be_piece(kind: str, reason: str | None) -> bool:
    return kind in ("body", "heading") or (kind == "boilerplate" and (reason or "").startswith(PIECE_REASONS))


def _is_name_piece(text: str, kind: str, reason: str | None) -> bool:
    return _may_be_piece(kind, reason) and bool(NAME_PIECE.fullmatch(text))


def glue(texts: Sequence[str], kinds: Sequence[tuple[str, str | None]]) -> set[int]:
    """Indices of lines that continue the sentence of the line before them.

    ``texts`` are the page's non-blank lines, ``kinds`` the (kind, reason) each was given on its
    own; the caller makes every glued line (and the line it continues) body text."""
    glued: set[int] = set()
    n = len(texts)
    i = 0
    while i < n - 1:
        text, kind = texts[i], kinds[i][0]
        if kind != "body" and i not in glued and not (kind == "heading" and LEAD_IN.search(text)):
            i += 1
            continue
        if LEAD_IN.search(text) and len(text.split()) <= LEAD_IN_MAX_WORDS and kinds[i + 1][0] == "body" \
                and OPENS_QUOTE.match(texts[i + 1]):
            glued.add(i + 1)
            i += 1
            continue
        if kind == "heading" or not STOPS_MID.search(text) or (i not in glued and len(text.split()) < OPENING_MIN_WORDS):
            i += 1
            continue
        j = i + 1
        while j < n and j - i <= 2 and _is_name_piece(texts[j], *kinds[j]):
            j += 1
        if j < n and CONTINUES.match(texts[j]) and kinds[j][0] in ("body", "boilerplate") \
                and _may_be_piece(*kinds[j]):
            glued.update(range(i + 1, j + 1))
            i = j
            continue
        i += 1
    return glued
