"""Markdown tables for pull-request comments and chat.

Article text is escaped so it cannot break the table (``|``, newlines) or turn into markup
(emphasis, links, HTML tags); flagged spans are shown in bold.
"""

from __future__ import annotations

import re
from typing import TextIO

from mtqa.report import View
from mtqa.report.common import flag_spans, fmt_score, one_line
from mtqa.types import DocumentReport, SentenceScore

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def md(text: str) -> str:
    """One line of literal text: markup characters backslash-escaped, whitespace collapsed."""
    return one_line(escape(text))


def marked(s: SentenceScore) -> str:
    """The sentence with the spans of its flags in bold (overlapping spans merged)."""
    text = s.sentence.text
    spans = flag_spans(s)
    parts, pos = [], 0
    for a, b in spans:
        parts += [escape(text[pos:a]), "**", escape(text[a:b]), "**"]
        pos = b
    parts.append(escape(text[pos:]))
    return one_line("".join(parts))


def row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


class MarkdownWriter:
    def __init__(self, out: TextIO, view: View):
        self.out = out
        self.view = view
        self.reports: list[DocumentReport] = []

    def add(self, report: DocumentReport) -> None:
        if self.view.kind == "flags":
            self._flags(report)
        else:
            self.reports.append(report)

    def _flags(self, report: DocumentReport) -> None:
        w = self.out.write
        w(f"### {md(report.document.path)}\n\n")
        if report.error:
            w(f"**error:** {md(report.error)}\n\n")
            return
        w(f"Score **{fmt_score(report.score)}**, {report.flagged} of {len(report.prose)} sentences flagged.\n\n")
        rows = [s for s in report.prose if self.view.show_all or s.flagged]
        if rows:
            w(row("line:col", "score", "severity", "reason", "sentence") + "\n")
            w(row("---:", "---:", ":---", ":---", ":---") + "\n")
            for s in rows:
                reasons = "<br>".join(f"`{f.code}` {md(f.message)}" for f in s.flags) or "-"
                w(row(f"{s.sentence.line}:{s.sentence.col}", fmt_score(s.score, 0),
                      s.severity or "ok", reasons, marked(s)) + "\n")
            w("\n")
        if report.junk:
            kinds = sorted({s.sentence.kind for s in report.junk})
            w(f"{len(report.junk)} segment(s) set aside as not article text ({', '.join(kinds)}).\n\n")
        w(f"<sub>signature: {md(report.signature)}</sub>\n\n")
        self.out.flush()

    def close(self) -> None:
        if self.view.kind == "flags":
            self.out.flush()
            return
        w = self.out.write
        check = self.view.kind == "check"
        head = ["article", "sentences", "junk", "flagged", "score"] + (["result", "why"] if check else [])
        w(row(*head) + "\n")
        w(row(":---", "---:", "---:", "---:", "---:", *([":---", ":---"] if check else [])) + "\n")
        for r in self.reports:
            cells = [md(r.document.path), str(len(r.prose)), str(len(r.junk)), str(r.flagged),
                     fmt_score(r.score)]
            if check:
                reasons = self.view.gate.failures(r)
                cells += ["**FAIL**" if reasons else "pass", md("; ".join(reasons)) or "-"]
            w(row(*cells) + "\n")
        if self.reports:
            w(f"\n<sub>signature: {md(self.reports[0].signature)}</sub>\n")
        self.out.flush()
