"""Plain, frozen data passed between the stages of a check.

Every position is a character offset into the document's decoded text (``start`` inclusive,
``end`` exclusive); ``line`` and ``col`` are 1-based so they can go straight into editor and CI
annotations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from mtqa.positions import PlainText

# Kinds of segment. Only PROSE_KINDS are scored; the rest is set aside as not article text.
PROSE_KINDS = ("body", "title", "heading")
JUNK_KINDS = ("duplicate", "credit", "caption", "byline", "signoff", "teaser", "boilerplate")
KINDS = PROSE_KINDS + JUNK_KINDS


@dataclass(frozen=True)
class Document:
    """One article as read from a file, stdin or a feed.

    ``text`` is the file as received. A wire format (ninjs, NewsML-G2, RSS, Atom) is rendered by its
    reader into ``plain``: the story as plain text, headline first, each character mapped back into
    ``text``; ``declared`` holds the kinds the sender declared for stretches of that plain text
    (``(start, end, kind, reason)``: headline → title, byline → byline, dateline → boilerplate), which the
    segmenter takes over its own guess. ``format`` is how the text was read: "" (plain text or HTML,
    sniffed), "text", "html", or the wire format's name.
    """

    id: str
    path: str
    text: str
    encoding: str = "utf-8"
    format: str = ""
    plain: PlainText | None = None
    declared: tuple[tuple[int, int, str, str | None], ...] = ()


@dataclass(frozen=True)
class Sentence:
    """A sentence (or a set-aside junk segment) with its place in the document."""

    doc_id: str
    index: int
    text: str
    start: int
    end: int
    line: int
    col: int
    kind: str = "body"
    reason: str | None = None  # why a junk segment was set aside

    @property
    def is_prose(self) -> bool:
        return self.kind in PROSE_KINDS


@dataclass(frozen=True)
class Suspect:
    """A word a signal finds unlikely, with its sentence-relative span."""

    start: int
    end: int
    text: str
    value: float  # e.g. a token log-probability; lower is more suspect


@dataclass(frozen=True)
class Flag:
    """Something an editor must look at. ``start``/``end`` are document offsets."""

    code: str
    message: str
    severity: str
    start: int
    end: int
    suggestion: str | None = None


@dataclass(frozen=True)
class SignalResult:
    """What one signal says about one sentence.

    ``values`` are the signal's numbers (finite floats); ``flags`` are findings the signal is sure
    enough of to report on its own (the deterministic detectors); ``suspects`` are words the
    scoring may turn into a flag with the signal's values as the reason.
    """

    name: str
    values: Mapping[str, float] = field(default_factory=dict)
    suspects: tuple[Suspect, ...] = ()
    flags: tuple[Flag, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)  # strings, e.g. the back-translation


@dataclass(frozen=True)
class SkippedSignal:
    """A signal that did not run, with why and how to make it run."""

    name: str
    reason: str
    fix: str | None = None


@dataclass(frozen=True)
class SentenceScore:
    sentence: Sentence
    score: float | None  # None for junk segments, which are not scored
    severity: str | None
    flags: tuple[Flag, ...]
    signals: Mapping[str, SignalResult]

    @property
    def flagged(self) -> bool:
        return any(f.severity in ("major", "minor") for f in self.flags)


@dataclass(frozen=True)
class DocumentReport:
    document: Document
    sentences: tuple[SentenceScore, ...]
    score: float | None
    signature: str
    skipped_signals: tuple[SkippedSignal, ...] = ()
    error: str | None = None  # set when the document could not be checked

    @property
    def flagged(self) -> int:
        return sum(1 for s in self.sentences if s.flagged)

    @property
    def prose(self) -> tuple[SentenceScore, ...]:
        return tuple(s for s in self.sentences if s.sentence.is_prose)

    @property
    def junk(self) -> tuple[SentenceScore, ...]:
        return tuple(s for s in self.sentences if not s.sentence.is_prose)
