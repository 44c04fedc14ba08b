"""HTML pasted as article text: plain text for the checks, with every character's place in the file.

Editors paste CMS source into feeds (``<p>``, ``<br>``, ``&amp;``). The models must see plain text,
but every position in a report must still point into the file the editor has open. ``to_plain``
returns the plain text with, for each of its characters, the span it came from in the original.
Tags vanish (block tags become a line break, so paragraphs stay apart), ``<script>``/``<style>``
bodies and comments vanish, entities decode to their characters.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import replace

from mtqa.positions import LineIndex, PlainText
from mtqa.types import Document, Flag, Sentence, SentenceScore

BLOCK_TAGS = _BLOCK = ("p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
          "table", "blockquote", "section", "article", "header", "footer", "figure", "figcaption",
          "hr", "pre", "dd", "dt", "dl", "aside", "main", "nav", "title", "body", "html", "head")
_INLINE = ("a", "b", "i", "em", "strong", "span", "small", "sub", "sup", "u", "font", "abbr",
           "cite", "q", "time", "mark", "img", "meta", "link", "source", "picture", "iframe")
_TAG_NAMES = "|".join(sorted(_BLOCK + _INLINE + ("script", "style", "noscript"), key=len, reverse=True))
# A known tag, opening or closing, with attributes that may hold quoted ">".
_TAG = re.compile(
    rf"</?(?:{_TAG_NAMES})(?=[\s/>])(?:[^<>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE)
_RAW = re.compile(r"<(script|style|noscript)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->|<!DOCTYPE[^>]*>", re.IGNORECASE | re.DOTALL)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_BLOCK_NAME = re.compile(rf"</?({'|'.join(_BLOCK)})\b", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """True for pasted page source: layout tags (``<p>``, ``<br>``...), a comment, or an entity.

    Only known block tags count: prose such as "a < b and c > d" is left alone, and a story that
    quotes a lone ``<script>`` or ``<img>`` keeps it as text (the report writers escape it).
    """
    return bool(any(_BLOCK_NAME.match(m.group()) for m in _TAG.finditer(text))
                or _COMMENT.search(text) or _decodable_entity(text))


def _decodable_entity(text: str) -> bool:
    return any(html.unescape(m.group()) != m.group() for m in _ENTITY.finditer(text))


def to_plain(text: str) -> PlainText:
    """Strip markup and decode entities, keeping a map back to ``text``."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def emit(chars: str, start: int, end: int) -> None:
        for ch in chars:
            out.append(ch)
            starts.append(start)
            ends.append(end)

    markup = sorted(  # longest first where two start together: a script body beats its tag
        [(m.start(), m.end(), "gone") for m in _RAW.finditer(text)]
        + [(m.start(), m.end(), "gone") for m in _COMMENT.finditer(text)]
        + [(m.start(), m.end(), "tag") for m in _TAG.finditer(text)]
        + [(m.start(), m.end(), "entity") for m in _ENTITY.finditer(text)],
        key=lambda item: (item[0], -item[1]),
    )
    pos = 0
    for start, end, kind in markup:
        if start < pos:  # inside a script, comment or tag already consumed
            continue
        for i in range(pos, start):
            emit(text[i], i, i + 1)
        chunk = text[start:end]
        if kind == "entity":
            decoded = html.unescape(chunk)
            if decoded == chunk:  # not an entity HTML knows: plain text after all
                for i in range(start, end):
                    emit(text[i], i, i + 1)
            else:
                emit(_printable(decoded), start, end)
        elif kind == "tag" and _BLOCK_NAME.match(chunk):
            emit("\n", start, end)
        pos = end
    for i in range(pos, len(text)):
        emit(text[i], i, i + 1)
    return PlainText("".join(out), tuple(starts), tuple(ends))


def _printable(decoded: str) -> str:
    """An entity for a control character (``&#27;``) must not smuggle it into the plain text."""
    return "".join(ch if ch.isprintable() or ch in "\t\n" else "\ufffd" for ch in decoded)


def original_sentence(s: Sentence, plain: PlainText, index: LineIndex) -> Sentence:
    """A sentence found in the plain text, placed in the original file (its text stays plain)."""
    start, end = plain.span(s.start, s.end)
    line, col = index.line_col(start)
    return replace(s, start=start, end=end, line=line, col=col)


def original_flag(flag: Flag, plain: PlainText) -> Flag:
    start, end = plain.span(flag.start, flag.end)
    return replace(flag, start=start, end=end)


def plain_document(document: Document) -> tuple[Document, PlainText | None]:
    """The text the checks read: a wire story as its reader rendered it (``document.plain``), HTML
    pasted as text reduced to what a reader sees; plain text as it is."""
    if document.plain is not None:
        return replace(document, text=document.plain.text, plain=None), document.plain
    if document.format == "text" or (document.format != "html" and not looks_like_html(document.text)):
        return document, None
    plain = to_plain(document.text)
    return replace(document, text=plain.text), plain


def original_sentences(sentences: Iterable[Sentence], document: Document, plain: PlainText) -> list[Sentence]:
    """Sentences found in ``plain_document(document)``, placed in ``document``'s own text."""
    index = LineIndex(document.text)
    return [original_sentence(s, plain, index) for s in sentences]


def original_scores(scores: Iterable[SentenceScore], document: Document, plain: PlainText
                    ) -> tuple[SentenceScore, ...]:
    """Scores of sentences found in ``plain_document(document)``, their sentences and flags placed in
    ``document``'s own text."""
    index = LineIndex(document.text)
    return tuple(
        replace(s, sentence=original_sentence(s.sentence, plain, index),
                flags=tuple(original_flag(f, plain) for f in s.flags))
        for s in scores
    )
