"""Reports for the writer tests: real segmentation and scoring (rules only), flags placed by hand.

The rules signal needs no model; flags with exact spans are added by hand so every writer is tested
on majors, minors, suspect spans across hostile text and junk segments.
"""

from __future__ import annotations

import io
from dataclasses import replace

from mtqa.config import Config
from mtqa.pipeline import Checker
from mtqa.report import View, make_writer
from mtqa.types import Document, DocumentReport, Flag, SignalResult, Suspect

HOSTILE = (
    "Berlin: Ministers met on Monday | to talk about <script>document.title='pwned';"
    "document.body.appendChild(document.createElement('blink')).id='pwned'</script> energy.\n\n"
    "However, this has not yet responded.\n"
    "Critics accused the mission of spreading Fakenews, 50% more than last year.\n\n"
    'The quote "><img src=x onerror="document.title=\'pwned\'"> stays text, and the vote is due on Friday.\n'
)

GARBLED = "However, this has not yet responded."
FAKENEWS = "Fakenews"
IMG = '"><img src=x onerror="document.title=\'pwned\'">'


def checker() -> Checker:
    return Checker(Config(signals=("rules",)))


def check_text(text: str, path: str = "wire/story.txt") -> DocumentReport:
    return checker().check_document(Document(path, path, text))


def with_flags(report: DocumentReport) -> DocumentReport:
    """Adds a major flag on the whole garbled sentence, a minor one on a suspect word, and signal values."""
    text = report.document.text
    sentences = []
    for s in report.sentences:
        sent = s.sentence
        if GARBLED in sent.text:
            flag = Flag("unlikely-translation", "an unlikely translation (mean log-prob -3.90, -2.4 MAD vs. article)",
                        "major", sent.start, sent.end)
            signals = {"likelihood": SignalResult("likelihood", {"mean_logprob": -3.9},
                                                  (Suspect(9, 13, "this", -6.2),), extra={"back": "Dieser hat <b>"})}
            s = replace(s, score=31.5, severity="major", flags=(flag,), signals=signals)
        elif FAKENEWS in sent.text:
            at = text.index(FAKENEWS)
            flag = Flag("untranslated-german", "German compound left untranslated: \"Fakenews\"", "minor",
                        at, at + len(FAKENEWS), suggestion="fake news")
            s = replace(s, score=72.0, severity="minor", flags=(flag,))
        elif IMG in sent.text:
            at = text.index(IMG)
            flag = Flag("odd-markup", "markup <img> in <prose> | with \"quotes\", 100%", "minor", at, at + len(IMG))
            s = replace(s, score=65.0, severity="minor", flags=(flag,))
        elif s.sentence.is_prose:  # only the hand-placed flags, whatever the detectors say
            s = replace(s, score=100.0, severity=None, flags=())
        sentences.append(s)
    prose = [s.score for s in sentences if s.sentence.is_prose and s.score is not None]
    return replace(report, sentences=tuple(sentences), score=round(sum(prose) / len(prose), 2))


def flagged_report(path: str = "wire/story.txt") -> DocumentReport:
    return with_flags(check_text(HOSTILE, path))


def with_junk(report: DocumentReport, contains: str, kind: str = "credit", reason: str = "photo credit") -> DocumentReport:
    """Marks the segment containing ``contains`` as set-aside junk, as the segmenter would."""
    sentences = []
    for s in report.sentences:
        if contains in s.sentence.text:
            s = replace(s, sentence=replace(s.sentence, kind=kind, reason=reason), score=None, severity=None,
                        flags=(), signals={})
        sentences.append(s)
    return replace(report, sentences=tuple(sentences))


def render(fmt: str, *reports: DocumentReport, view: View | None = None) -> str:
    """What a writer prints for these reports."""
    out = io.StringIO()
    writer = make_writer(fmt, out, view or View())
    for r in reports:
        writer.add(r)
    writer.close()
    return out.getvalue()
