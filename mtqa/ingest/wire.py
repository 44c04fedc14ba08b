"""What the wire-format readers (ninjs, NewsML-G2, RSS, Atom) share: text that remembers where each
character came from, and the story rendered as the plain text the checks read.

A reader pulls the headline, byline, dateline and body out of the received file as ``Located``
text (each character with its ``[start, end)`` in the file). ``render`` lays the story out as a
plain-text article would be laid out: the headline on its own first line, the byline and the
dateline each on a line of their own, then the body's paragraphs, a blank line between blocks. The
segmenter reads that text as it reads any article; the kinds the sender declared (headline → title,
byline → byline, dateline → boilerplate) travel with it in ``Document.declared``, so junk classification does
not have to guess them, and ``Document.plain`` maps every position back into the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mtqa.ingest.html import to_plain
from mtqa.ingest.sources import InputError
from mtqa.positions import PlainText
from mtqa.types import Document

_SPACE = " \t\r\n\f\v"
_BY = re.compile(r"(?:by|von|from)\s", re.IGNORECASE)


class Located:
    """Text under construction, each character with the span of the received file it stands for."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    @classmethod
    def of(cls, chars: str, starts: list[int], ends: list[int]) -> Located:
        out = cls()
        out.chars, out.starts, out.ends = [_safe(c) for c in chars], list(starts), list(ends)
        return out

    @property
    def text(self) -> str:
        return "".join(self.chars)

    def __len__(self) -> int:
        return len(self.chars)

    def add(self, chars: str, start: int, end: int) -> None:
        """Characters that all stand for ``[start, end)`` (an entity, a tag, a separator)."""
        for ch in chars:
            self.chars.append(_safe(ch))
            self.starts.append(start)
            self.ends.append(end)

    def extend(self, other: Located, first: int = 0, stop: int | None = None) -> None:
        stop = len(other) if stop is None else stop
        self.chars += other.chars[first:stop]
        self.starts += other.starts[first:stop]
        self.ends += other.ends[first:stop]

    def end_pos(self) -> int:
        return self.ends[-1] if self.ends else 0

    def stripped(self) -> Located:
        text = self.text
        a = len(text) - len(text.lstrip(_SPACE))
        b = len(text.rstrip(_SPACE))
        out = Located()
        out.extend(self, a, max(a, b))
        return out

    def plain(self) -> PlainText:
        return PlainText(self.text, tuple(self.starts), tuple(self.ends))


def _safe(ch: str) -> str:
    """A lone surrogate (``"\\ud800"`` in JSON) or a NUL cannot reach the checks or the writers."""
    return "\ufffd" if ch == "\x00" or "\ud800" <= ch <= "\udfff" else ch


def from_html(source: Located) -> Located:
    """HTML (a ninjs ``body_html``, an RSS description) reduced to paragraphs, positions kept.

    Line breaks in the source are spaces, as a browser shows them; block tags break lines."""
    html_text = "".join(" " if c in "\r\n\t\f" else c for c in source.chars)
    reduced = to_plain(html_text)
    out = Located()
    for ch, a, b in zip(reduced.text, reduced.starts, reduced.ends):
        out.add(ch, source.starts[a], source.ends[b - 1])
    return collapse(out)


def collapse(source: Located) -> Located:
    """Whitespace as HTML shows it: runs of spaces are one space, lines are trimmed, a blank line
    (or more) between paragraphs is one blank line, a single line break stays."""
    out = Located()
    lines: list[Located] = []
    line = Located()
    for i, ch in enumerate(source.chars):
        if ch == "\n":
            lines.append(line)
            line = Located()
        elif ch in _SPACE:
            if len(line) and line.chars[-1] != " ":
                line.add(" ", source.starts[i], source.ends[i])
        else:
            line.extend(source, i, i + 1)
    lines.append(line)
    blank = False
    for line in lines:
        line = line.stripped()
        if not len(line):
            blank = True
            continue
        if len(out):
            out.add("\n\n" if blank else "\n", out.end_pos(), out.end_pos())
        out.extend(line)
        blank = False
    return out


def one_line(source: Located) -> Located:
    """A headline, byline or dateline on one line, whatever line breaks the file had in it."""
    flat = Located()
    for i, ch in enumerate(source.chars):
        flat.add(" " if ch in _SPACE else ch, source.starts[i], source.ends[i])
    return collapse(flat)


@dataclass
class Story:
    """One story as a wire format delivers it; every part is optional but some text must be there."""

    id: str | None = None
    headline: Located | None = None
    byline: Located | None = None
    dateline: Located | None = None
    body: Located | None = None  # paragraphs apart by blank lines (``collapse``) or as sent (text)


def render(story: Story, path: str, text: str, encoding: str, fmt: str, doc_id: str) -> Document:
    """The story as the plain text the checks read, mapped into ``text`` (the received file)."""
    out = Located()
    declared: list[tuple[int, int, str, str | None]] = []

    def block(piece: Located | None, kind: str | None, reason: str | None, by: bool = False) -> None:
        if piece is None:
            return
        piece = one_line(piece) if kind else piece.stripped()
        if not len(piece):
            return
        if len(out):
            out.add("\n\n", out.end_pos(), out.end_pos())
        start = len(out)
        if by and not _BY.match(piece.text):
            out.add("By ", piece.starts[0], piece.starts[0])
        out.extend(piece)
        if kind:
            declared.append((start, len(out), kind, reason))

    block(story.headline, "title", None)
    block(story.byline, "byline", "byline (from the agency's metadata)", by=True)
    block(story.dateline, "boilerplate", "dateline (from the agency's metadata)")
    body_start = len(out)
    block(story.body, None, None)
    if len(out) == body_start and not declared:
        raise InputError(f"{path}: empty article (no text in {doc_id!r})" if doc_id != path
                         else f"{path}: empty article (no text)")
    return Document(id=doc_id, path=path, text=text, encoding=encoding, format=fmt, plain=out.plain(),
                    declared=tuple(declared))


def render_all(stories: list[Story], path: str, text: str, encoding: str, fmt: str, what: str
               ) -> list[Document | InputError]:
    """Every story of one file as a document, in file order; ids default to ``path#n`` when a file
    holds several, and an empty or repeated one is an error in its place."""
    if not stories:
        raise InputError(f"{path}: no {what} in this file")
    out: list[Document | InputError] = []
    seen: set[str] = set()
    for n, story in enumerate(stories, 1):
        doc_id = story.id or (path if len(stories) == 1 else f"{path}#{n}")
        if doc_id in seen:
            out.append(InputError(f"{path}: {what} {n}: duplicate id {doc_id!r}"))
            continue
        seen.add(doc_id)
        try:
            out.append(render(story, path, text, encoding, fmt, doc_id))
        except InputError as exc:
            out.append(exc)
    return out
