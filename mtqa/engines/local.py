"""The local engine (the default): one Checker in this process, one document after another."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from mtqa.config import Config
from mtqa.pipeline import Checker
from mtqa.types import Document, DocumentReport


class LocalEngine:
    def __init__(self, config: Config):
        self.checker = Checker(config)
        self.signature = self.checker.signature

    def reports(self, items: Iterable[Document | DocumentReport]) -> Iterator[DocumentReport]:
        for item in items:
            yield item if isinstance(item, DocumentReport) else self.checker.check_or_report(item)

    def close(self) -> None:
        pass
