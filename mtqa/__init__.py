"""mtqa: find garbled sentences in machine-translated news, with no source and no reference.

The Python API the CLI is built on::

    import mtqa
    reports = mtqa.check(["story.txt"], signals=("rules",))
    for sentence in reports[0].sentences:
        if sentence.flagged:
            print(sentence.sentence.line, sentence.score, [f.message for f in sentence.flags])
"""

from __future__ import annotations

from mtqa._version import __version__
from mtqa.api import check, check_text, score_documents
from mtqa.config import Config, load_config
from mtqa.types import (
    Document,
    DocumentReport,
    Flag,
    Sentence,
    SentenceScore,
    SignalResult,
    SkippedSignal,
    Suspect,
)

__all__ = [
    "Config", "Document", "DocumentReport", "Flag", "Sentence", "SentenceScore", "SignalResult",
    "SkippedSignal", "Suspect", "check", "check_text", "load_config", "score_documents",
    "__version__",
]
