"""The JSON contract: a list of documents, each with its sentences, flags and signal values.

Scores are rounded to 6 decimals, signal values to 6 significant digits, and keys come in a fixed order, so the same input, models and
configuration give byte-identical output.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any, TextIO

from mtqa.types import DocumentReport, Flag, SentenceScore, SignalResult

DIGITS = 6


def _value(x: float) -> float:
    """A signal value to 6 significant digits: model arithmetic in batches of different shapes
    differs in the last bits, and perplexity (an exponential) magnifies that into the 8th digit;
    6 significant digits keep the JSON byte-identical across batch sizes."""
    if not math.isfinite(x):
        raise ValueError(f"non-finite value {x!r} in a report")
    return float(f"{float(x):.6g}") + 0.0


def _num(x: float | None) -> float | None:
    if x is None:
        return None
    if not math.isfinite(x):
        raise ValueError(f"non-finite value {x!r} in a report")
    return round(float(x), DIGITS) + 0.0  # + 0.0 turns -0.0 into 0.0


def flag_to_dict(flag: Flag) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": flag.code, "message": flag.message, "severity": flag.severity,
        "start": flag.start, "end": flag.end,
    }
    if flag.suggestion is not None:
        out["suggestion"] = flag.suggestion
    return out


def signal_to_dict(result: SignalResult) -> dict[str, Any]:
    out: dict[str, Any] = {k: _value(v) for k, v in sorted(result.values.items())}
    for key, value in sorted(result.extra.items()):
        out[key] = value
    if result.suspects:
        out["suspects"] = [
            {"start": s.start, "end": s.end, "text": s.text, "value": _value(s.value)} for s in result.suspects
        ]
    return out


def sentence_to_dict(s: SentenceScore) -> dict[str, Any]:
    sent = s.sentence
    out: dict[str, Any] = {
        "index": sent.index, "line": sent.line, "col": sent.col, "start": sent.start, "end": sent.end,
        "text": sent.text, "kind": sent.kind, "score": _num(s.score), "flagged": s.flagged,
        "severity": s.severity, "flags": [flag_to_dict(f) for f in s.flags],
        "signals": {name: signal_to_dict(r) for name, r in sorted(s.signals.items())},
    }
    if sent.reason is not None:
        out["reason"] = sent.reason
    return out


def report_to_dict(report: DocumentReport) -> dict[str, Any]:
    return {
        "path": report.document.path,
        "id": report.document.id,
        "encoding": report.document.encoding,
        "score": _num(report.score),
        "flagged": report.flagged,
        "signature": report.signature,
        "skipped_signals": [
            {"name": s.name, "reason": s.reason, "fix": s.fix} for s in report.skipped_signals
        ],
        "error": report.error,
        "sentences": [sentence_to_dict(s) for s in report.sentences],
    }


def dumps(obj: Any, indent: int | None = 2) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=indent, allow_nan=False)


def write_json(reports: Iterable[DocumentReport], out: TextIO) -> None:
    out.write(dumps([report_to_dict(r) for r in reports]) + "\n")


def write_jsonl_line(report: DocumentReport, out: TextIO) -> None:
    out.write(dumps(report_to_dict(report), indent=None) + "\n")
    out.flush()
