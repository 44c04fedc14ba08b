"""SARIF 2.1.0 for code-scanning dashboards (GitHub ``upload-sarif``, Azure DevOps, IDE viewers).

One run, one result per flag with its exact region. Columns count Unicode code points (declared
as ``columnKind``), the unit of the document offsets, so regions match ``charOffset``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, TextIO
from urllib.parse import quote

from mtqa._version import __version__
from mtqa.report import View
from mtqa.report.common import Locator, flagged_items, one_line, rule_help
from mtqa.report.json import _num
from mtqa.types import DocumentReport

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/mtqa/mtqa"
LEVEL = {"major": "error", "minor": "warning", "info": "note"}


def artifact_uri(path: str) -> str:
    """A relative path stays relative (GitHub resolves it against the repository); absolute → file URI."""
    if path.startswith("/"):
        return PurePosixPath(path).as_uri()
    if PureWindowsPath(path).drive:
        return PureWindowsPath(path).as_uri()
    return quote(PurePosixPath(path.replace("\\", "/")).as_posix(), safe="/")


class SarifWriter:
    """The whole log is written at ``close``: SARIF is one JSON object."""

    def __init__(self, out: TextIO, view: View):
        self.out = out
        self.view = view
        self.results: list[dict[str, Any]] = []
        self.rules: dict[str, dict[str, Any]] = {}
        self.notifications: list[dict[str, Any]] = []
        self.artifacts: dict[str, int] = {}
        self.signature = ""

    def _rule_index(self, code: str, message: str, severity: str) -> int:
        if code not in self.rules:
            short, help_text = rule_help(code, message)
            self.rules[code] = {
                "id": code,
                "name": "".join(p.capitalize() for p in code.replace("_", "-").split("-")),
                "shortDescription": {"text": short},
                "fullDescription": {"text": help_text},
                "help": {"text": help_text},
                "defaultConfiguration": {"level": LEVEL.get(severity, "warning")},
            }
        return list(self.rules).index(code)

    def _artifact_index(self, uri: str) -> int:
        return self.artifacts.setdefault(uri, len(self.artifacts))

    def add(self, report: DocumentReport) -> None:
        uri = artifact_uri(report.document.path)
        self.signature = self.signature or report.signature
        if report.error:
            self.notifications.append({
                "level": "error", "message": {"text": report.error},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}],
            })
            return
        index = self._artifact_index(uri)
        where = Locator(report)
        for sentence, flag in flagged_items(report, include_info=True):
            r = where.region(flag.start, flag.end)
            text = flag.message + (f" (suggestion: {flag.suggestion})" if flag.suggestion else "")
            fingerprint = hashlib.sha256(
                f"{flag.code}\0{one_line(sentence.sentence.text)}".encode()).hexdigest()[:32]
            self.results.append({
                "ruleId": flag.code,
                "ruleIndex": self._rule_index(flag.code, flag.message, flag.severity),
                "level": LEVEL.get(flag.severity, "warning"),
                "message": {"text": text},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": uri, "index": index},
                    "region": {
                        "startLine": r.start_line, "startColumn": r.start_col,
                        "endLine": r.end_line, "endColumn": r.end_col,
                        "charOffset": r.offset, "charLength": r.length,
                        "snippet": {"text": report.document.text[r.offset:r.offset + r.length]},
                    },
                }}],
                "partialFingerprints": {"mtqaSentence/v1": fingerprint},
                "properties": {"score": _num(sentence.score), "sentenceIndex": sentence.sentence.index},
            })
        if self.view.kind == "check":
            reasons = self.view.gate.failures(report)
            if reasons:
                self.results.append({
                    "ruleId": "gate",
                    "ruleIndex": self._rule_index("gate", "the article failed the quality gate", "major"),
                    "level": "error",
                    "message": {"text": "mtqa check failed: " + "; ".join(reasons)},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri, "index": index}}}],
                    "properties": {"score": _num(report.score)},
                })

    def log(self) -> dict[str, Any]:
        return {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "mtqa", "version": __version__, "semanticVersion": __version__,
                    "informationUri": INFORMATION_URI, "rules": list(self.rules.values()),
                }},
                "invocations": [{
                    "executionSuccessful": not self.notifications,
                    "toolExecutionNotifications": self.notifications,
                }],
                "artifacts": [{"location": {"uri": uri}} for uri in self.artifacts],
                "columnKind": "unicodeCodePoints",
                "results": self.results,
                "properties": {"signature": self.signature},
            }],
        }

    def close(self) -> None:
        self.out.write(json.dumps(self.log(), ensure_ascii=False, indent=2, allow_nan=False) + "\n")
        self.out.flush()
