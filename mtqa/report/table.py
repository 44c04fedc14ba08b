"""Terminal tables (rich): colour by severity, suspect words underlined, plain when piped.

Article text is never parsed as markup and control characters are removed before printing, so
a story cannot inject escape sequences into an editor's terminal.
"""

from __future__ import annotations

import os
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from mtqa.report import View
from mtqa.report.common import flag_spans
from mtqa.report.safe import printable_line
from mtqa.types import DocumentReport, SentenceScore

SEVERITY_STYLE = {"major": "bold red", "minor": "yellow", "info": "cyan", None: "green"}


def clean(text: str) -> str:
    """Text safe for a terminal: no escape sequences, no invisible direction overrides."""
    return printable_line(text)


def clean_lines(text: str) -> str:
    """Like ``clean`` but keeps line breaks."""
    return "\n".join(clean(line) for line in text.split("\n"))


def marked_sentence(s: SentenceScore, plain: bool = False) -> Text:
    """The sentence with every flag's span inside it underlined, or in [[brackets]] without colour."""
    sent = s.sentence
    if len(clean(sent.text)) != len(sent.text):  # cleaning changed offsets: show it unmarked
        return Text(clean(sent.text))
    text = Text()
    pos = 0
    for start, end in flag_spans(s):
        text.append(clean(sent.text[pos:start]))
        if plain:
            text.append("[[" + clean(sent.text[start:end]) + "]]")
        else:
            text.append(clean(sent.text[start:end]), style="underline bold")
        pos = end
    text.append(clean(sent.text[pos:]))
    return text


def reasons_text(s: SentenceScore) -> Text:
    """One line per flag: code, message and the suggested repair."""
    lines = []
    for f in s.flags:
        suggestion = f" -> {f.suggestion}" if f.suggestion and f.suggestion not in f.message else ""
        lines.append(clean(f"{f.code}: {f.message}{suggestion}"))
    return Text("\n".join(lines) or "-")


def _console(out: TextIO, view: View) -> Console:
    color = view.color
    if color is None:
        color = out.isatty() and not os.environ.get("NO_COLOR")
    return Console(file=out, force_terminal=color, no_color=not color, highlight=False,
                   soft_wrap=False, width=None if out.isatty() else 160, emoji=False)


class TableWriter:
    def __init__(self, out: TextIO, view: View):
        self.view = view
        self.console = _console(out, view)
        self.reports: list[DocumentReport] = []

    def add(self, report: DocumentReport) -> None:
        if self.view.kind == "flags":
            self._flags(report)
        else:
            self.reports.append(report)

    def close(self) -> None:
        if self.view.kind != "flags":
            self._articles()

    def _flags(self, report: DocumentReport) -> None:
        c = self.console
        path = clean(report.document.path)
        if report.error:
            c.print(Text(clean(report.error), style="bold red"))  # the message names the path
            return
        score = "n/a" if report.score is None else f"{report.score:.1f}"
        c.print(Text.assemble((path, "bold"), f"  score {score}  ",
                              (f"{report.flagged} flagged", "bold red" if report.flagged else "green"),
                              f" of {len(report.prose)} sentences"))
        rows = [s for s in report.prose if self.view.show_all or s.flagged]
        if rows:
            table = Table(show_lines=False, expand=False, pad_edge=False)
            table.add_column("line:col", no_wrap=True)
            table.add_column("score", justify="right", no_wrap=True)
            table.add_column("severity", no_wrap=True)
            table.add_column("reason", ratio=2)
            table.add_column("sentence", ratio=3)
            for s in rows:
                table.add_row(
                    f"{s.sentence.line}:{s.sentence.col}",
                    "" if s.score is None else f"{s.score:.0f}",
                    Text(s.severity or "ok", style=SEVERITY_STYLE.get(s.severity, "")),
                    reasons_text(s),
                    marked_sentence(s, plain=self.console.no_color),
                )
            c.print(table)
        else:
            c.print(Text("no sentence flagged", style="green"))
        if report.junk:
            junk = Table(title="set aside (not article text)", title_justify="left", pad_edge=False)
            junk.add_column("line", no_wrap=True)
            junk.add_column("kind", no_wrap=True)
            junk.add_column("why")
            junk.add_column("text")
            for s in report.junk:
                junk.add_row(str(s.sentence.line), s.sentence.kind, clean(s.sentence.reason or ""),
                             Text(clean(s.sentence.text), style="dim"))
            c.print(junk)
        self._footer(report)

    def _footer(self, report: DocumentReport) -> None:
        self._skipped_and_signature(report)
        self.console.print()

    def _skipped_and_signature(self, report: DocumentReport) -> None:
        """Skipped signals grouped by cause (one model missing skips two signals), then the signature."""
        causes: dict[tuple[str, str | None], list[str]] = {}
        for s in report.skipped_signals:
            causes.setdefault((s.reason, s.fix), []).append(s.name)
        for (reason, fix), names in causes.items():
            line = f"skipped {', '.join(names)}: {reason}" + (f"\n  fix: {fix}" if fix else "")
            self.console.print(Text(clean_lines(line), style="yellow"), soft_wrap=True)
        if report.signature:
            self.console.print(Text(f"signature: {clean(report.signature)}", style="dim"), soft_wrap=True)

    def _articles(self) -> None:
        c = self.console
        table = Table(pad_edge=False)
        table.add_column("article")
        table.add_column("sentences", justify="right")
        table.add_column("junk", justify="right")
        table.add_column("flagged", justify="right")
        table.add_column("score", justify="right")
        if self.view.kind == "check":
            table.add_column("result")
            table.add_column("why")
        for r in self.reports:
            if r.error:  # not checked: say so instead of showing zeros
                row = [clean(r.document.path), "-", "-", "-", Text("error", style="bold red")]
                if self.view.kind == "check":
                    row += [Text("ERROR", style="bold red"), clean(r.error)]
                table.add_row(*row)
                continue
            row = [clean(r.document.path), str(len(r.prose)), str(len(r.junk)), str(r.flagged),
                   "n/a" if r.score is None else f"{r.score:.1f}"]
            if self.view.kind == "check":
                reasons = self.view.gate.failures(r)
                row += [Text("FAIL" if reasons else "pass", style="bold red" if reasons else "green"),
                        clean("; ".join(reasons))]
            table.add_row(*row)
        c.print(table)
        checked = [r for r in self.reports if not r.error]
        if checked:
            self._skipped_and_signature(checked[0])
