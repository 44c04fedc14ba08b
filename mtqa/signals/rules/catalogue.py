"""The detector catalogue: every flag code of the rules signal declared once, in one place.

A detector is one decorated function: ``@detector(code, severity, reads, title, help)`` above a
function that takes a ``SentenceView`` and returns ``Hit``s (a span, a message, maybe a
suggestion). Hits carry no code and no severity: the catalogue gives them both, so a code cannot
be emitted with two severities, and a code without help, or declared twice, fails at import.
``severity_from_evidence`` is the one rule that turns measured precision (``evidence.tsv``, written
by ``make evidence``) into a severity; a test holds every declaration to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from mtqa.signals.rules.article import Article
from mtqa.signals.rules.findings import Finding

SEVERITIES = ("major", "minor", "info")
READS = ("text", "parse", "article")  # the raw text; the spaCy parse; the whole article too
MAJOR_PRECISION = 0.85  # out of sample, on every dataset where the code has enough hits
MAJOR_MIN_HITS = 10


@dataclass(frozen=True)
class Hit:
    """What a detector found, relative to the sentence; the catalogue adds code and severity."""

    message: str
    start: int
    end: int
    suggestion: str | None = None  # replacement for text[start:end]


@dataclass(frozen=True)
class SentenceView:
    """One sentence as every detector sees it: its text, its parse, its kind, its place in the
    article, and the article (people, quotations, names) for the detectors that read it."""

    text: str
    doc: Any = None  # the parse of ``text``: a ParsedSentence (or a spaCy Doc), offsets sentence-relative
    kind: str = "body"
    index: int = 0
    article: Article | None = None
    entities: Any = field(default=None, compare=False)  # a copy of the spaCy Doc with NER, where asked for

    @property
    def quoted(self) -> Sequence[bool]:
        """Per character: inside a quotation (which may have opened in an earlier sentence)."""
        return self.article.quotes[self.index] if self.article else [False] * len(self.text)

    @property
    def people(self) -> dict[str, str]:
        """The people in view here, with their gender: named in this or the previous sentence, or
        the article's main person."""
        return self.article.context(self.index) if self.article else {}


@dataclass(frozen=True)
class Detector:
    code: str
    severity: str  # major | minor | info
    reads: str  # text | parse | article
    prose_only: bool  # True: body sentences only (titles and headings are telegraphic by design)
    title: str
    help: str
    find: Callable[[SentenceView], Iterable[Hit]]


class Catalogue:
    """The declared detectors, in declaration order, one per code."""

    def __init__(self) -> None:
        self._by_code: dict[str, Detector] = {}

    def register(self, code: str, *, severity: str, reads: str, title: str, help: str,
                 prose_only: bool = False) -> Callable:
        """Decorator: declare the function as the detector of ``code``."""
        if code in self._by_code:
            raise ValueError(f"flag code {code!r} is declared twice")
        if severity not in SEVERITIES or reads not in READS:
            raise ValueError(f"{code}: severity {severity!r} or reads {reads!r} unknown")
        if not (title.strip() and help.strip()) or len(help) <= len(title):
            raise ValueError(f"{code}: a detector needs a title and a longer help text")

        def declare(find: Callable[[SentenceView], Iterable[Hit]]) -> Callable:
            self._by_code[code] = Detector(code, severity, reads, prose_only, title, help, find)
            return find
        return declare

    def __iter__(self) -> Iterator[Detector]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def __getitem__(self, code: str) -> Detector:
        return self._by_code[code]

    def codes(self) -> list[str]:
        return list(self._by_code)

    def flag_help(self) -> dict[str, tuple[str, str]]:
        return {d.code: (d.title, d.help) for d in self}

    def findings(self, view: SentenceView, codes: Iterable[str] = ()) -> list[Finding]:
        """Every applicable detector (or those of ``codes``) on one sentence, its hits with the
        declared code and severity."""
        wanted = set(codes)
        return [Finding(d.code, hit.message, d.severity, hit.start, hit.end, hit.suggestion)
                for d in self if not (d.prose_only and view.kind != "body") and (not wanted or d.code in wanted)
                for hit in d.find(view)]


CATALOGUE = Catalogue()
detector = CATALOGUE.register


def severity_from_evidence(rows: Iterable[Mapping[str, str]],
                           catalogue: Catalogue = CATALOGUE) -> dict[str, str]:
    """Code → the severity its evidence earns.

    ``major`` when at least one out-of-sample dataset (``in_sample`` = no) has at least
    ``MAJOR_MIN_HITS`` hits of the code, and every such dataset measures a precision of at least
    ``MAJOR_PRECISION``; otherwise ``minor``. A code declared ``info`` stays ``info``: it points at
    something to look at, not at damage. Datasets with fewer hits say nothing either way.
    """
    enough: dict[str, list[float]] = {d.code: [] for d in catalogue}
    for row in rows:
        code = row["code"]
        if code in enough and row["in_sample"] == "no" and int(row["hits"]) >= MAJOR_MIN_HITS:
            enough[code].append(int(row["correct"]) / int(row["hits"]))
    out = {}
    for d in catalogue:
        if d.severity == "info":
            out[d.code] = "info"
        else:
            precisions = enough[d.code]
            out[d.code] = "major" if precisions and min(precisions) >= MAJOR_PRECISION else "minor"
    return out
