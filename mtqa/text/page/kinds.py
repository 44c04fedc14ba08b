"""Every line of an article with its kind: junk kinds, ``title``, ``heading`` or ``body``.

Wire copy puts its structure in lines, so the page is classified line by line before any sentence
is split (``mtqa.text.sentences.segment``): ``content_lines`` finds the non-blank lines and their
paragraphs, ``classify_lines`` gives each a kind from the line classifiers (``junk``), captions next
to a photo credit, repeated lines, the title and cross-headings by shape, and the page-level
classifier (``lines``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mtqa.text.page import junk
from mtqa.text.page import lines as page_lines

_BREAK = re.compile(r"\r\n|\r|\n")

TITLE_MAX_WORDS = 16
HEADING_MAX_WORDS = 12
SHORT_LINE_CHARS = 60  # shorter than a hard-wrapped line of prose
CAPTION_MAX_WORDS = 40


Span = tuple[int, int, str, "str | None"]  # start, end, kind, reason


@dataclass(frozen=True)
class Line:
    """A non-blank line, stripped: ``start``/``end`` are document offsets; ``block`` its paragraph."""

    start: int
    end: int
    text: str
    block: int
    number: int  # 1-based line number in the file


def content_lines(text: str) -> list[Line]:
    """Non-blank lines with their paragraph number (a blank line starts a new paragraph)."""
    out: list[Line] = []
    block = 0
    pos = 0
    blank_since_last = False
    for number, m in enumerate(list(_BREAK.finditer(text)) + [None], 1):
        end = m.start() if m else len(text)
        raw = text[pos:end]
        stripped = raw.strip()
        if stripped:
            if out and blank_since_last:
                block += 1
            lead = len(raw) - len(raw.lstrip())
            out.append(Line(pos + lead, pos + lead + len(stripped), stripped, block, number))
            blank_since_last = False
        else:
            blank_since_last = True
        if m:
            pos = m.end()
    return out


def _words(text: str) -> int:
    return len(text.split())


# ---- line kinds ------------------------------------------------------------------------------


def classify_lines(lines: list[Line]) -> list[tuple[str, str | None]]:
    """(kind, reason) for every line: junk kinds, ``title``, ``heading`` or ``body``."""
    kinds: list[tuple[str, str | None]] = [junk.classify_line(ln.text) or ("body", None) for ln in lines]
    _mark_captions(lines, kinds)
    _mark_duplicates(lines, kinds)
    _mark_title_and_headings(lines, kinds)
    _apply_page_shape(lines, kinds)
    return kinds


def _apply_page_shape(lines: list[Line], kinds: list[tuple[str, str | None]]) -> None:
    """The page-level classifier (``mtqa.text.page.lines``) decides the lines the line classifiers left as
    text: boilerplate by shape and position, the headline by shape, cross-headings inside the article."""
    verdicts = page_lines.classify([ln.text for ln in lines],
                                   [k[0] not in ("body", "title", "heading", "duplicate") for k in kinds])
    if verdicts is None:
        return
    for i, verdict in enumerate(verdicts):
        kind = kinds[i][0]
        if kind in ("body", "title", "heading"):
            if verdict.kind == "junk":
                kinds[i] = ("boilerplate", verdict.reason)
            else:
                kinds[i] = (verdict.kind, None)
        elif kind == "duplicate" and verdict.kind == "title":
            kinds[i] = ("title", None)


def split_notes(lines: list[Line], kinds: list[tuple[str, str | None]]) -> list[Span]:
    """A line that opens or closes with a note ("(Read more here.)", "Latest news …") and holds prose:
    the note is set aside, the rest of the line is article text (``lines`` and ``kinds`` are updated)."""
    notes: list[Span] = []
    for i, line in enumerate(lines):
        if kinds[i][0] in ("title", "heading", "duplicate"):
            continue
        head, tail = page_lines.junk_head(line.text), page_lines.junk_tail(line.text)
        a, b = head[0] if head else 0, tail[0] if tail else len(line.text)
        if head and tail and not page_lines.carries_prose(line.text[a:b]):
            tail, b = None, len(line.text)
        if not (head or tail):
            continue
        if head:
            notes.append((line.start, line.start + len(line.text[:a].rstrip()), head[1], "note before the article text"))
        if tail:
            notes.append((line.start + b, line.end, tail[1], "note after the article text"))
        end = len(line.text[:b].rstrip())
        lines[i] = Line(line.start + a, line.start + end, line.text[a:end], line.block, line.number)
        kinds[i] = ("body", None)
    return notes


def same_block(lines: list[Line], i: int, j: int) -> bool:
    """Lines ``i`` and ``j`` exist and stand in one paragraph (no blank line between)."""
    return 0 <= j < len(lines) and lines[i].block == lines[j].block


def _mark_captions(lines: list[Line], kinds: list[tuple[str, str | None]]) -> None:
    """A short line next to a photo credit in the same paragraph is the image's caption."""
    for i, line in enumerate(lines):
        if kinds[i][0] != "body" or _words(line.text) > CAPTION_MAX_WORDS:
            continue
        after_credit = same_block(lines, i, i - 1) and kinds[i - 1][0] == "credit"
        before_credit = (
            same_block(lines, i, i + 1) and kinds[i + 1][0] == "credit"
            and not same_block(lines, i, i - 1) and not same_block(lines, i, i + 2)
        )
        if after_credit or before_credit:
            kinds[i] = ("caption", "image caption (next to a photo credit)")


def _mark_duplicates(lines: list[Line], kinds: list[tuple[str, str | None]]) -> None:
    """A headline or paragraph that repeats an earlier line word for word (case and punctuation aside)."""
    seen: dict[str, int] = {}
    first_prose = next((i for i, k in enumerate(kinds) if k[0] == "body"), None)
    for i, line in enumerate(lines):
        if kinds[i][0] != "body":
            continue
        key = junk.normalise(line.text)
        if len(key.split()) < 3:
            continue
        if key in seen:
            j = seen[key]
            what = "the headline" if j == first_prose else f"line {lines[j].number}"
            kinds[i] = ("duplicate", f"repeats {what}")
        else:
            seen[key] = i


def _mark_title_and_headings(lines: list[Line], kinds: list[tuple[str, str | None]]) -> None:
    """The first short unpunctuated line is the title; later standalone ones are cross-headings."""
    seen_prose = False
    for i, line in enumerate(lines):
        if kinds[i][0] != "body":
            continue
        alone = not same_block(lines, i, i - 1) and not same_block(lines, i, i + 1)
        leads_block = not same_block(lines, i, i - 1) and len(line.text) < SHORT_LINE_CHARS
        if not seen_prose:
            title_text = line.text
            if line.text.endswith(("?", "!")):
                title_text = line.text.rstrip("?!")  # "Will the euro survive?" is a headline
            if (alone or leads_block) and page_lines.is_headline_shaped_strict(title_text, TITLE_MAX_WORDS):
                kinds[i] = ("title", None)
        elif (alone or leads_block) and page_lines.is_headline_shaped_strict(line.text, HEADING_MAX_WORDS):
            kinds[i] = ("heading", None)
        seen_prose = True
