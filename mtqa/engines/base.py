"""What an engine is: documents in, reports out, in input order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, runtime_checkable

from mtqa.types import Document, DocumentReport


class EngineError(Exception):
    """The engine cannot start or cannot go on (exit code 2); the message is one line."""


@runtime_checkable
class Engine(Protocol):
    """Built from a ``Config``: loads what the check needs, then checks any number of documents.

    ``signature`` is the run's signature (what every report carries). ``reports`` yields one report
    per item, in the order of ``items``: a ``DocumentReport`` among the items (an input that could
    not be read) passes through in its place; a document that breaks the check becomes an error
    report, as ``Checker.check_or_report`` makes it. ``close`` releases workers; it may be called
    more than once.
    """

    signature: str

    def reports(self, items: Iterable[Document | DocumentReport]) -> Iterator[DocumentReport]: ...

    def close(self) -> None: ...
