"""mtqa: find garbled sentences in machine-translated news, with no source and no reference.

The Python API the CLI is built on::

    import mtqa
    reports = mtqa.check(["story.txt"], signals=("rules",))
    for sentence in reports[0].sentences:
        if sentence.flagged:
            print(sentence.sentence.line, sentence.score, [f.message for f in sentence.flags])
"""

from __future__ import annotations

__version__ = "0.1.0"

from mtqa.api import check, check_text, score_documents  # noqa: E402
from mtqa.config import Config, load_config  # noqa: E402
from mtqa.types import (  # noqa: E402
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
