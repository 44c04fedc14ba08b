"""Inputs as a stream for a batch: documents read one at a time, in order, with an unreadable
input (or feed line, or story in a wire file) reported in its place instead of stopping the batch.
"""

from __future__ import annotations

from collections.abc import Iterator

from mtqa.ingest.formats import format_for, read_documents
from mtqa.ingest.sources import InputError, Source
from mtqa.types import Document, DocumentReport


def iter_items(sources: list[Source], max_bytes: int, feed: bool, done: frozenset[str],
               input_format: str = "auto") -> Iterator[Document | DocumentReport]:
    """Documents in order, read one at a time; an unreadable one becomes an error report in its place.

    Articles in ``done`` (already in a resumed output) are left out: a plain article by its path,
    a feed line or a wire story by its id. ``input_format`` picks the reader (``--input-format``;
    "auto": by file name, XML by its root element); ``feed`` is ``--feed``, the same as "jsonl".
    """
    if feed:
        input_format = "jsonl"
    for source in sources:
        single = format_for(source.path, input_format) in ("auto", "text", "html")
        if single and source.path in done:
            continue
        try:
            for item in read_documents(source, max_bytes, input_format):
                if isinstance(item, InputError):
                    yield error_report(getattr(item, "where", source.path), str(item))
                elif single or item.id not in done:
                    yield item
        except InputError as exc:
            yield error_report(source.path, str(exc))


def error_report(path: str, message: str) -> DocumentReport:
    return DocumentReport(Document(path, path, ""), (), None, "", (), error=message)


def first_readable(items: Iterator[Document | DocumentReport]) -> tuple[list, bool]:
    """Items up to the first readable document, so a batch of only broken inputs loads no model."""
    head: list[Document | DocumentReport] = []
    for item in items:
        head.append(item)
        if isinstance(item, Document):
            return head, True
    return head, False
