"""The local engine (the default): a Checker in this process, or on each core for a long batch.

``workers`` unset: one process for a handful of articles (a CI gate pays no start-up), the machine's
cores for a batch of at least ``AUTO_MIN_DOCUMENTS`` while no model runtime is loaded (the model
signals' own thread pools already use the cores). ``workers = N`` asks for N processes whatever the
batch. The reports are the same, byte for byte, either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain, islice

from mtqa.config import Config
from mtqa.engines.processes import ProcessPool, fork_safe
from mtqa.models.backends.ct2 import available_cores
from mtqa.pipeline import Checker
from mtqa.types import Document, DocumentReport

AUTO_MIN_DOCUMENTS = 16  # below this, starting workers costs more than they save


class LocalEngine:
    def __init__(self, config: Config):
        self.config = config
        self.checker = Checker(config)
        self.signature = self.checker.signature
        self.pool: ProcessPool | None = None

    def processes(self) -> int:
        """Worker processes for a long batch (1: this process only)."""
        if self.config.workers is not None:
            return self.config.workers
        return available_cores() if fork_safe() else 1

    def reports(self, items: Iterable[Document | DocumentReport]) -> Iterator[DocumentReport]:
        items = iter(items)
        workers = self.processes()
        if workers > 1 and self.config.workers is None:
            head = list(islice(items, AUTO_MIN_DOCUMENTS))
            items = chain(head, items)
            if len(head) < AUTO_MIN_DOCUMENTS:
                workers = 1
        if workers <= 1:
            for item in items:
                yield item if isinstance(item, DocumentReport) else self.checker.check_or_report(item)
            return
        if self.pool is None:
            self.pool = ProcessPool(self.checker, workers, available_cores(), self.config.docs_per_task)
        yield from self.pool.reports(items)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None
