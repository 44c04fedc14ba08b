"""What several writers need: where a flag is (line/column), what a flag code means, short texts.

Writers read positions from the result objects; the only thing computed here is the mapping of a
flag's document offsets to lines and columns, which annotation formats need at both ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from mtqa.positions import LineIndex
from mtqa.signals.registry import flag_help
from mtqa.types import DocumentReport, Flag, SentenceScore

SEVERITY_ORDER = {"major": 0, "minor": 1, "info": 2}

# What each flag code means, for SARIF rule help and HTML tooltips: the signals declare their own
# (``SignalSpec.flag_help``); these are the codes of the scoring and the gate. Every code the
# package can emit has an entry (tests/signals/test_flag_help.py); an unknown code (a profile's own
# metric rule) still gets a rule, described by its first message.
RULE_HELP: dict[str, tuple[str, str]] = {
    "gate": (
        "The article failed the quality gate",
        (
            "mtqa check failed this article: too many flagged sentences, a flag at or above the "
            "--fail-on severity, a score below --min-score, or junk left in with --fail-on-junk."
        ),
    ),
    "calibrated-risk": (
        "The fitted profile's risk is high",
        (
            "No detector fired, but the profile fitted on human judgements puts the probability that "
            "the sentence needs repair above its precision-chosen threshold. Worth a second look."
        ),
    ),
    "low-score": (
        "Several weak signals add up",
        (
            "No single signal is sure, but together they put the sentence below the flag threshold. "
            "Worth a second look."
        ),
    ),
}


def rule_help(code: str, example: str = "") -> tuple[str, str]:
    """(short description, help text) for a flag code; unknown codes are described by a message."""
    known = {**flag_help(), **RULE_HELP}
    if code in known:
        return known[code]
    short = code.replace("-", " ").replace("_", " ").capitalize()
    return short, example or short


@dataclass(frozen=True)
class Region:
    """A flag's place: 1-based lines and columns; ``end_col`` is the column after the last character."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int
    offset: int
    length: int

    @property
    def last_col(self) -> int:
        """Column of the last character (inclusive), as GitHub annotations count."""
        return self.end_col - 1 if self.length else self.start_col


class Locator:
    """Maps a document's offsets to regions; built once per report."""

    def __init__(self, report: DocumentReport):
        self.text = report.document.text
        self.index = LineIndex(self.text)

    def region(self, start: int, end: int) -> Region:
        start = max(0, min(start, len(self.text)))
        end = max(start, min(end, len(self.text)))
        line, col = self.index.line_col(start)
        if end > start:  # the end of the last character, never the start of the next line
            end_line, last = self.index.line_col(end - 1)
            end_col = last + 1
        else:
            end_line, end_col = line, col
        return Region(line, col, end_line, end_col, start, end - start)


def flagged_items(report: DocumentReport, include_info: bool = False) -> Iterator[tuple[SentenceScore, Flag]]:
    """Every (sentence, flag) to annotate, in document order; info flags only when asked."""
    for s in report.sentences:
        for f in s.flags:
            if f.severity in ("major", "minor") or include_info:
                yield s, f


def one_line(text: str) -> str:
    """Whitespace (newlines included) collapsed to single spaces."""
    return " ".join(text.split())


def preview(text: str, limit: int = 60) -> str:
    """The start of a sentence on one line, cut at a word with an ellipsis."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(",;:") + "…"


def fmt_score(score: float | None, digits: int = 1) -> str:
    return "n/a" if score is None else f"{score:.{digits}f}"


def flag_spans(s: SentenceScore) -> list[tuple[int, int]]:
    """Sentence-relative spans of the flags inside the sentence: merged, trimmed of whitespace,
    whole-sentence flags left out (the sentence's own shading shows those).

    Empty when the sentence text is not the document slice its offsets point at (HTML pasted as
    text: the sentence is the plain text, the offsets point into the markup), so no writer
    underlines the wrong words.
    """
    sent = s.sentence
    text = sent.text
    if sent.end - sent.start != len(text):
        return []
    spans: list[tuple[int, int]] = []
    for flag in sorted(s.flags, key=lambda f: (f.start, f.end)):
        a, b = max(flag.start - sent.start, 0), min(flag.end - sent.start, len(text))
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a >= b or (a, b) == (0, len(text)):
            continue
        if spans and a <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], b))
        else:
            spans.append((a, b))
    return spans
