"""Inputs as a stream for a batch: documents read one at a time, in order, with an unreadable
input (or feed line) reported in its place instead of stopping the batch.
"""

from __future__ import annotations

from collections.abc import Iterator

from mtqa.ingest.sources import InputError, Source, read_document, read_feed
from mtqa.types import Document, DocumentReport


def iter_items(sources: list[Source], max_bytes: int, feed: bool, done: frozenset[str]
               ) -> Iterator[Document | DocumentReport]:
    """Documents in order, read one at a time; an unreadable one becomes an error report in its place.

    Articles in ``done`` (already in a resumed output) are left out.
    """
    for source in sources:
        if not feed and source.path in done:
            continue
        try:
            if feed:
                for item in read_feed(source, max_bytes):
                    if isinstance(item, InputError):
                        yield error_report(getattr(item, "where", source.path), str(item))
                    elif item.id not in done:
                        yield item
            else:
                yield read_document(source, max_bytes)
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
