"""Which reader reads an input: by ``--input-format``, else by the file's name and, for ``.xml``, by
its root element (``newsItem``/``packageItem``/``newsMessage``: NewsML-G2, ``rss``: RSS, ``feed``:
Atom). Every reader returns the input's documents, an unusable story as an ``InputError`` in its
place; a file that cannot be read at all raises.
"""

from __future__ import annotations

from dataclasses import replace

from mtqa.ingest import atom, newsml, ninjs, rss
from mtqa.ingest.sources import (
    NINJS_SUFFIXES,
    XML_SUFFIXES,
    InputError,
    Source,
    decode,
    read_bytes,
    read_document,
    read_feed,
)
from mtqa.ingest.xmlsafe import decode_xml, parse
from mtqa.types import Document

INPUT_FORMATS = ("auto", "text", "html", "jsonl", "ninjs", "newsml", "rss", "atom")
XML_FORMATS = {"newsml": newsml.ROOTS, "rss": ("rss",), "atom": ("feed", "entry")}
XML_NAMES = {"newsml": "NewsML-G2", "rss": "RSS", "atom": "Atom"}


def check_format(name: str) -> str:
    if name not in INPUT_FORMATS:
        raise InputError(f"unknown --input-format {name!r}; choose one of {', '.join(INPUT_FORMATS)}")
    return name


def format_for(path: str, requested: str = "auto") -> str:
    """The reader for ``path``: the one asked for, else by name ("xml": sniffed from the root)."""
    if requested != "auto":
        return requested
    name = path.lower()
    if name.endswith(NINJS_SUFFIXES):
        return "ninjs"
    if name.endswith(XML_SUFFIXES):
        return "xml"
    return "auto"


def read_documents(source: Source, max_bytes: int, requested: str = "auto") -> list[Document | InputError]:
    """Every document in one input, in order."""
    fmt = format_for(source.path, requested)
    if fmt == "jsonl":
        return list(read_feed(source, max_bytes))
    if fmt in ("auto", "text", "html"):
        document = read_document(source, max_bytes)
        return [document if fmt == "auto" else replace(document, format=fmt)]
    return documents_from_bytes(read_bytes(source, max_bytes), source.path, fmt)


def documents_from_bytes(data: bytes, path: str, fmt: str) -> list[Document | InputError]:
    """The documents in ``data`` (already within the size limit) read as ``fmt``: a wire format,
    "xml" (one of them, by the root element), or "auto"/"text"/"html" (one article)."""
    if fmt in ("auto", "text", "html"):
        text, encoding = decode(data, path)
        if not text.strip():
            raise InputError(f"{path}: empty article (no text)")
        return [Document(id=path, path=path, text=text, encoding=encoding, format="" if fmt == "auto" else fmt)]
    if fmt == "ninjs":
        text, encoding = decode(data, path)
        if not text.strip():
            raise InputError(f"{path}: empty article (no text)")
        return ninjs.read(text, path, encoding)
    text, encoding = decode_xml(data, path)
    root = parse(text, path)
    found = next((f for f, roots in XML_FORMATS.items() if root.local in roots), None)
    if fmt == "xml" and found is None:
        raise InputError(f"{path}: XML with root element <{root.local}>, not NewsML-G2 "
                         "(newsItem, packageItem, newsMessage), RSS (rss) or Atom (feed)")
    if fmt != "xml" and found != fmt:
        raise InputError(f"{path}: root element <{root.local}> is not {XML_NAMES[fmt]} "
                         f"({', '.join(XML_FORMATS[fmt])})")
    reader = {"newsml": newsml.read, "rss": rss.read, "atom": atom.read}[found]
    return reader(root, text, path, encoding)
