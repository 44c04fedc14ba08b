"""The check itself: documents → sentences → signals → scores → reports.

``Checker`` loads models and builds signals once, then checks any number of documents; it never
prints and never exits, so the CLI and the Python API share it. In a batch, an article that makes
the check fail becomes an error report and the batch goes on.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from mtqa._version import __version__
from mtqa.config import Config
from mtqa.ingest.html import original_scores, original_sentences, plain_document
from mtqa.models import offline
from mtqa.models.context import ModelContext
from mtqa.scoring.combine import article_score, combine
from mtqa.scoring.profile import load_profile
from mtqa.signals.base import SignalUnavailable
from mtqa.signals.registry import build_signals
from mtqa.text.sentences.longsentences import MAX_CHARS, split_long_sentences
from mtqa.text.sentences.nlp import PipelineMissing
from mtqa.text.sentences.segment import segment, segment_lines, segment_parsed, segmenter_name
from mtqa.types import Document, DocumentReport, Sentence, SentenceScore, SignalResult


class Checker:
    def __init__(self, config: Config | None = None):
        self.config = config or Config()
        if self.config.offline:
            offline.enforce()
        self.profile = load_profile(self.config.profile)
        self.context = ModelContext(self.config)
        self.signals, self.skipped = build_signals(self.config, self.context)
        # A signal that reads spaCy parses takes the segmenter's instead of parsing again.
        self.reuse_parses = self.config.parse == "paragraph" and any(
            getattr(s, "reads_parses", False) for s in self.signals)
        if not self.signals:  # a report scored by nothing would pass every gate
            why = "; ".join(f"{s.name}: {s.reason}" for s in self.skipped)
            raise SignalUnavailable("no signal can run", why, self.skipped[0].fix if self.skipped else None)
        self.signature = self._signature()
        self.settled = False  # the heap the first check leaves behind is frozen (``_settle``)

    def _settle(self) -> None:
        """After the first check, what it loaded (the spaCy pipeline, the tables, the models) is
        moved out of the cyclic collector's reach: its full passes re-scanned those objects again
        and again, 6 % of a long model-free batch. Objects still die by reference count; forked
        workers inherit the frozen heap. Once per process, and free: a one-article check pays nothing."""
        if not self.settled:
            self.settled = True
            gc.freeze()

    def _signature(self) -> str:
        parts = [f"mtqa:{__version__}", f"profile:{self.profile.signature}"]
        if self.config.lines:
            parts.append("seg:lines")
        else:
            try:
                parts.append(f"seg:article+{segmenter_name()}")
            except PipelineMissing as exc:
                raise SignalUnavailable("segment", str(exc)) from None
        parts += [signal.signature() for signal in self.signals]
        parts += [f"{s.name}:skipped" for s in self.skipped]
        return "|".join(parts)

    def _segment(self, work: Document, parses: bool = True) -> tuple[list[Sentence], Mapping[tuple[int, int], Any]]:
        """Sentences, and the segmenter's parse of those it parsed in context (by offsets), when a
        signal reads them; in article mode run-ons are cut for the models. ``--lines`` keeps one
        entry per input line (its contract), and the models truncate an over-long line safely."""
        if self.config.lines:
            return segment_lines(work), {}
        if parses and self.reuse_parses:
            sentences, parsed = segment_parsed(work)
        else:
            sentences, parsed = segment(work), {}
        return split_long_sentences(work, sentences, MAX_CHARS), parsed

    def sentences(self, document: Document) -> list[Sentence]:
        work, plain = plain_document(document)
        sentences, _ = self._segment(work, parses=False)
        if plain is None:
            return sentences
        return original_sentences(sentences, document, plain)

    def check_document(self, document: Document) -> DocumentReport:
        work, plain = plain_document(document)
        sentences, parses = self._segment(work)
        prose = [s for s in sentences if s.is_prose]
        results: dict[str, list[SignalResult]] = {}
        if prose:
            for signal in self.signals:
                out = signal.score(prose, parses) if getattr(signal, "reads_parses", False) else signal.score(prose)
                if len(out) != len(prose):
                    raise RuntimeError(f"signal {signal.name} returned {len(out)} results for {len(prose)} sentences")
                results[signal.name] = out
        for parsed in parses.values():
            parsed.release()  # read by the signals; freed now rather than by the cyclic collector
        scored = {s.sentence.index: s for s in combine(prose, results, self.profile)}
        ordered = tuple(
            scored.get(s.index) or SentenceScore(s, None, None, (), {}) for s in sentences
        )
        if plain is not None:
            ordered = original_scores(ordered, document, plain)
        self._settle()
        return DocumentReport(
            document=document,
            sentences=ordered,
            score=article_score(ordered),
            signature=self.signature,
            skipped_signals=tuple(self.skipped),
        )

    def check_or_report(self, document: Document) -> DocumentReport:
        """``check_document``, with a failure inside the check turned into an error report."""
        try:
            return self.check_document(document)
        except Exception as exc:  # noqa: BLE001 - one article must not abort a batch
            message = f"{document.path}: could not be checked ({type(exc).__name__}: {exc})"
            return DocumentReport(document, (), None, self.signature, tuple(self.skipped),
                                  error=message.splitlines()[0])

    def check_documents(self, documents: Iterable[Document]) -> Iterator[DocumentReport]:
        for document in documents:
            yield self.check_or_report(document)
