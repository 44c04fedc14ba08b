"""The check itself: documents → sentences → signals → scores → reports.

``Checker`` loads models and builds signals once, then checks any number of documents; it never
prints and never exits, so the CLI and the Python API share it.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from mtqa import __version__
from mtqa.config import Config
from mtqa.models import ModelContext
from mtqa.scoring import article_score, combine, load_profile
from mtqa.segment import segment, segment_lines, segmenter_name
from mtqa.signals.registry import build_signals
from mtqa.types import Document, DocumentReport, Sentence, SentenceScore, SignalResult


class Checker:
    def __init__(self, config: Config | None = None):
        self.config = config or Config()
        self.profile = load_profile(self.config.profile)
        self.context = ModelContext(self.config)
        self.signals, self.skipped = build_signals(self.config, self.context)
        self.signature = self._signature()

    def _signature(self) -> str:
        parts = [f"mtqa:{__version__}", f"profile:{self.profile.signature}"]
        parts.append("seg:lines" if self.config.lines else f"seg:article+{segmenter_name()}")
        parts += [signal.signature() for signal in self.signals]
        parts += [f"{s.name}:skipped" for s in self.skipped]
        return "|".join(parts)

    def sentences(self, document: Document) -> list[Sentence]:
        return segment_lines(document) if self.config.lines else segment(document)

    def check_document(self, document: Document) -> DocumentReport:
        sentences = self.sentences(document)
        prose = [s for s in sentences if s.is_prose]
        results: dict[str, list[SignalResult]] = {}
        if prose:
            for signal in self.signals:
                out = signal.score(prose)
                if len(out) != len(prose):
                    raise RuntimeError(f"signal {signal.name} returned {len(out)} results for {len(prose)} sentences")
                results[signal.name] = out
        scored = {s.sentence.index: s for s in combine(prose, results, self.profile)}
        ordered = tuple(
            scored.get(s.index) or SentenceScore(s, None, None, (), {}) for s in sentences
        )
        return DocumentReport(
            document=document,
            sentences=ordered,
            score=article_score(ordered),
            signature=self.signature,
            skipped_signals=tuple(self.skipped),
        )

    def check_documents(self, documents: Iterable[Document]) -> Iterator[DocumentReport]:
        for document in documents:
            yield self.check_document(document)
