"""GitHub Actions workflow commands: one annotation per flag, shown on the changed file in a PR.

``::error`` for major flags, ``::warning`` for minor ones (``::notice`` for info flags with
``--all``). Data and properties are escaped as the Actions runner expects, so article text cannot
end an annotation early or start a command of its own.
"""

from __future__ import annotations

from typing import TextIO

from mtqa.report import View
from mtqa.report.common import Locator, flagged_items, one_line
from mtqa.report.safe import strip_controls
from mtqa.types import DocumentReport

COMMAND = {"major": "error", "minor": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """GitHub's escapes for %, CR and LF; other control characters (escape sequences from a file
    name or an article) are dropped so the CI log cannot be recoloured or rewritten."""
    return strip_controls(text, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **props: object) -> str:
    """``::name k=v,...::message`` with every part escaped; properties set to None are left out."""
    parts = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
    return f"::{name}{' ' + parts if parts else ''}::{escape_data(message)}"


class GithubWriter:
    """Annotations stream out per article; ``check`` adds one error per article that fails the gate."""

    def __init__(self, out: TextIO, view: View):
        self.out = out
        self.view = view

    def add(self, report: DocumentReport) -> None:
        path = report.document.path
        if report.error:
            self.out.write(command("error", report.error, file=path, title="mtqa input error") + "\n")
            self.out.flush()
            return
        where = Locator(report)
        for sentence, flag in flagged_items(report, include_info=self.view.show_all):
            r = where.region(flag.start, flag.end)
            same_line = r.start_line == r.end_line  # GitHub ignores columns across lines
            message = flag.message
            if flag.suggestion:
                message += f" (suggestion: {flag.suggestion})"
            message += f"\n{one_line(sentence.sentence.text)}"
            self.out.write(command(
                COMMAND.get(flag.severity, "warning"), message, file=path, line=r.start_line,
                col=r.start_col if same_line else None, endLine=r.end_line,
                endColumn=r.last_col if same_line else None, title=f"mtqa {flag.code}",
            ) + "\n")
        if self.view.kind == "check":
            reasons = self.view.gate.failures(report)
            if reasons:
                self.out.write(command("error", "; ".join(reasons), file=path,
                                       title="mtqa check failed") + "\n")
        self.out.flush()

    def close(self) -> None:
        self.out.flush()
