"""XML read safely, every character of text with its place in the file.

``defusedxml`` runs the standard library's expat parser with entity declarations and external
references refused: no external entity (XXE) is ever opened, no entity expands (billion laughs),
no DTD is fetched and nothing touches the network. A document type declaration that declares
nothing (old RSS 0.91 feeds have one) is read and ignored.

Expat reports where each event starts (``CurrentByteIndex``); a run of character data ends where
the next event starts, so the raw characters behind every piece of text are known, and entities,
character references, CDATA and line ends are aligned back to them.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from mtqa.ingest.html import BLOCK_TAGS
from mtqa.ingest.sources import InputError
from mtqa.ingest.wire import Located, collapse

_DECLARED = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]{0,39})["']""")


@dataclass
class Node:
    """An element: its name (``{namespace}local``), attributes, and content in document order."""

    tag: str
    attrib: dict[str, str]
    start: int  # offset of its start tag in the file's text
    content: list[Node | Located] = field(default_factory=list)

    @property
    def local(self) -> str:
        return self.tag.rpartition("}")[2]

    @property
    def ns(self) -> str:
        return self.tag[1:].partition("}")[0] if self.tag.startswith("{") else ""

    def children(self, local: str | None = None, ns: str | None = None) -> list[Node]:
        return [c for c in self.content if isinstance(c, Node)
                and (local is None or c.local == local) and (ns is None or c.ns == ns)]

    def child(self, local: str, ns: str | None = None) -> Node | None:
        found = self.children(local, ns)
        return found[0] if found else None

    def attr(self, local: str) -> str | None:
        for key, value in self.attrib.items():
            if key.rpartition("}")[2] == local:
                return value
        return None

    def text(self) -> Located:
        """All the text inside, in order (``itertext``), without recursion."""
        out = Located()
        stack: list[Node | Located] = [self]
        while stack:
            item = stack.pop()
            if isinstance(item, Node):
                stack.extend(reversed(item.content))
            else:
                out.extend(item)
        return out

    def iter(self, local: str) -> list[Node]:
        """Every element named ``local`` below (and including) this one, in document order."""
        out: list[Node] = []
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            if node.local == local:
                out.append(node)
            stack.extend(reversed(node.children()))
        return out


def markup_text(node: Node) -> Located:
    """XHTML inside XML (NewsML-G2 ``inlineXML``, Atom ``type="xhtml"``) as paragraphs: block
    elements and ``<br/>`` break lines, source line breaks are spaces, ``<head>``, scripts and styles
    are left out."""
    out = Located()
    stack: list[tuple[Node | Located, bool]] = [(node, False)]
    while stack:
        item, closing = stack.pop()
        if isinstance(item, Located):
            for i, ch in enumerate(item.chars):
                out.add(" " if ch in "\r\n\t\f" else ch, item.starts[i], item.ends[i])
            continue
        name = item.local.lower()
        if name in ("head", "script", "style", "noscript"):
            continue
        if name in BLOCK_TAGS or name == "br":
            out.add("\n", item.start, item.start)
        if not closing and name != "br":
            stack.append((item, True))
            stack.extend((c, False) for c in reversed(item.content))
    return collapse(out)


def decode_xml(data: bytes, path: str) -> tuple[str, str]:
    """The file's text in the encoding its XML declaration names (UTF-8 without one; a BOM wins)."""
    if data.startswith(codecs.BOM_UTF8):
        encoding, data = "utf-8", data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        m = _DECLARED.match(data)
        encoding = m.group(1).decode("ascii") if m else "utf-8"
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"{path}: the XML declaration names an unknown encoding {encoding!r}") from None
    if not getattr(codec, "_is_text_encoding", True):
        raise InputError(f"{path}: the XML declaration names {encoding!r}, which is not a text encoding")
    try:
        text = data.decode(codec.name)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid {encoding} (byte {exc.start}), "
                         "though the XML declaration says it is") from None
    if "\x00" in text:
        raise InputError(f"{path}: binary data (NUL bytes), not XML text")
    return text, encoding


class _Builder:
    """The parser's target: a light tree of ``Node`` with located text."""

    def __init__(self, text: str):
        self.text = text
        self.utf8 = text.encode("utf-8")
        self.byte = 0
        self.char = 0
        self.expat = None
        self.root: Node | None = None
        self.stack: list[Node] = []
        self.pending: tuple[Node, str, int, bool] | None = None
        self.cdata = False

    def _here(self) -> int:
        """The current event's offset in ``text`` (expat counts bytes of the UTF-8 it was fed)."""
        b = self.expat.CurrentByteIndex
        if b > self.byte:
            self.char += len(self.utf8[self.byte:b].decode("utf-8", "replace"))
            self.byte = b
        self._flush(self.char)
        return self.char

    def _flush(self, end: int) -> None:
        if self.pending is None:
            return
        node, data, start, cdata = self.pending
        self.pending = None
        node.content.append(align(data, self.text, start, end, cdata))

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        node = Node(tag, dict(attrib), self._here())
        if self.stack:
            self.stack[-1].content.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def end(self, tag: str) -> None:
        self._here()
        self.stack.pop()

    def data(self, data: str) -> None:
        at = self._here()
        if self.stack:
            self.pending = (self.stack[-1], data, at, self.cdata)

    def cdata_start(self) -> None:
        self._here()
        self.cdata = True

    def cdata_end(self) -> None:
        self._here()
        self.cdata = False

    def comment(self, text: str) -> None:
        self._here()

    def pi(self, target: str, text: str | None = None) -> None:
        self._here()

    def close(self) -> Node | None:
        self._flush(len(self.text))
        return self.root


def align(data: str, raw: str, start: int, end: int, cdata: bool = False) -> Located:
    """``data`` as expat delivered it, each character mapped onto ``raw[start:end]``: a reference
    (``&amp;``, ``&#233;``) maps to all of it, ``\\r\\n`` to both, CDATA's closing marker is passed over."""
    out = Located()
    i = start
    for ch in data:
        while i < end:
            c = raw[i]
            if c == "&" and not cdata:
                stop = raw.find(";", i, end)
                if stop > i:
                    out.add(ch, i, stop + 1)
                    i = stop + 1
                    break
            if c == ch:
                out.add(ch, i, i + 1)
                i += 1
                break
            if ch == "\n" and c == "\r":
                n = 2 if raw.startswith("\r\n", i) else 1
                out.add(ch, i, i + n)
                i += n
                break
            i += 1  # markup between pieces of text: passed over
        else:
            out.add(ch, end, end)
    return out


def parse(text: str, path: str) -> Node:
    """The element tree of ``text``; anything unsafe or broken is one ``InputError`` line."""
    builder = _Builder(text)
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    parser.parser.buffer_text = False  # one event per run of text, so each run's start is known
    parser.parser.StartCdataSectionHandler = builder.cdata_start
    parser.parser.EndCdataSectionHandler = builder.cdata_end
    try:
        parser.feed(text)
        root = parser.close()
    except (DefusedXmlException, ParseError, RecursionError) as exc:
        raise InputError(f"{path}: {_why(exc)}") from None
    if root is None:
        raise InputError(f"{path}: no XML element in this file")
    return root


def _why(exc: Exception) -> str:
    """One line on why the XML was not read."""
    if isinstance(exc, EntitiesForbidden):
        return (f"refused: the XML declares entities ({exc.name!r}); entity expansion and external "
                "entities are never read")
    if isinstance(exc, ExternalReferenceForbidden):
        return "refused: the XML refers to an external resource; it is never read"
    if isinstance(exc, DefusedXmlException):
        return f"refused: unsafe XML ({type(exc).__name__})"
    if isinstance(exc, RecursionError):
        return "XML nested too deeply"
    message = str(exc).splitlines()[0] if str(exc) else "parse error"
    return f"not well-formed XML ({message})"
