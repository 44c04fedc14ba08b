"""One self-contained HTML page an editor opens in a browser: no network, no fonts, no libraries.

Per article: the score, the sentences to repair first (with reasons and signal values), then the
full text with every sentence shaded by its score, flagged spans underlined and junk greyed out.
With several articles an index table comes first (click a heading to sort). Article text is
hostile input: everything from a report goes through ``html.escape``; the only script is the
sorting snippet below, which never reads article text.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any, TextIO

from mtqa._version import __version__
from mtqa.report import View
from mtqa.report.common import SEVERITY_ORDER, flag_spans, fmt_score, one_line, rule_help
from mtqa.types import DocumentReport, Flag, SentenceScore, SignalResult


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


CSS = """
:root{--ink:#1d2330;--muted:#6b7280;--line:#e5e7eb;--bg:#f7f7f5;--card:#fff;--major:#c0392b;
--minor:#c98a00;--info:#2f6f9f;--ok:#2e7d32}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.55 system-ui,-apple-system,"Segoe UI",
Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1040px;margin:0 auto;padding:24px 20px 60px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:19px;margin:0;word-break:break-all}
h3{font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:22px 0 8px}
a{color:inherit}
.meta,.sig{color:var(--muted);font-size:12.5px}
.sig{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all;margin-top:14px}
table.index{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line);
border-radius:8px;overflow:hidden;margin:16px 0 28px;font-size:14px}
.index th,.index td{padding:7px 10px;border-bottom:1px solid var(--line);text-align:left}
.index th{background:#eef0f3;cursor:pointer;user-select:none;white-space:nowrap}
.index th::after{content:" \\2195";color:#9aa1ad;font-size:11px}
.index td.n{text-align:right;font-variant-numeric:tabular-nums}
.index tr:hover td{background:#fafbfc}
section.article{background:var(--card);border:1px solid var(--line);border-radius:10px;
padding:20px 22px;margin:0 0 28px;box-shadow:0 1px 2px rgba(0,0,0,.04)}
.head{display:flex;gap:16px;align-items:center;flex-wrap:wrap}
.score{font-size:26px;font-weight:700;min-width:74px;text-align:center;border-radius:8px;padding:4px 10px;
color:#fff;background:var(--ok)}
.score.mid{background:var(--minor)}.score.low{background:var(--major)}.score.na{background:#9aa1ad}
.chip{display:inline-block;font-size:11.5px;font-weight:600;text-transform:uppercase;letter-spacing:.04em;
padding:1px 7px;border-radius:999px;color:#fff;background:var(--muted);vertical-align:1px}
.chip.major{background:var(--major)}.chip.minor{background:var(--minor)}.chip.info{background:var(--info)}
.chip.pass{background:var(--ok)}.chip.fail{background:var(--major)}.chip.kind{background:#9aa1ad}
.gate{margin-top:8px;font-size:14px}
.error{background:#fdecea;border:1px solid #f5c6c0;color:#7f1d1d;padding:10px 12px;border-radius:6px}
.flag{border:1px solid var(--line);border-left:4px solid var(--minor);border-radius:6px;padding:10px 12px;
margin:0 0 10px;background:#fffdf7}
.flag.major{border-left-color:var(--major);background:#fff8f7}
.flag .where{font-size:12.5px;color:var(--muted);margin-bottom:4px}
.flag .where a{color:var(--muted)}
.flag .text{font-size:16px;margin:2px 0 6px}
.flag ul{margin:0;padding-left:18px;font-size:14px}
.flag code{font-size:12.5px;background:#f1f2f4;padding:0 4px;border-radius:3px}
.suggest{color:var(--ok)}
details{margin-top:6px;font-size:13px}summary{cursor:pointer;color:var(--muted)}
table.signals{border-collapse:collapse;margin-top:4px}
.signals td{padding:2px 10px 2px 0;vertical-align:top}
.signals td:first-child{color:var(--muted);white-space:nowrap}
.fulltext{white-space:pre-wrap;font-size:15.5px;line-height:1.75;border-top:1px solid var(--line);padding-top:10px}
.s{border-radius:3px;padding:1px 0}
.s:target{outline:2px solid var(--info);outline-offset:2px}
.s.flagged{box-shadow:inset 0 -2px 0 var(--minor)}.s.major{box-shadow:inset 0 -2px 0 var(--major)}
.b0{background:rgba(192,57,43,.34)}.b1{background:rgba(192,57,43,.30)}.b2{background:rgba(192,57,43,.26)}
.b3{background:rgba(192,57,43,.22)}.b4{background:rgba(192,57,43,.17)}.b5{background:rgba(201,138,0,.2)}
.b6{background:rgba(201,138,0,.13)}.b7{background:rgba(201,138,0,.07)}.b8,.b9,.b10{background:none}
u.sus{text-decoration:underline wavy var(--major);text-decoration-thickness:1.5px;text-underline-offset:3px;
font-weight:600}
.junk{color:#9aa1ad;text-decoration:line-through;text-decoration-color:rgba(154,161,173,.6)}
.junk .chip{text-decoration:none;margin-right:4px;font-size:10px}
.skipped{font-size:13px;color:#8a5a00;margin:4px 0}
.legend{font-size:12.5px;color:var(--muted);margin:6px 0 0}
.legend span{padding:0 6px;border-radius:3px;margin-right:6px}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:30px}
"""

# Sorts the index table: numbers by data-v, text otherwise; clicking again reverses.
SCRIPT = """
document.querySelectorAll("table.index th").forEach(function(th, col){
  th.addEventListener("click", function(){
    var body = th.closest("table").tBodies[0], rows = Array.from(body.rows);
    var dir = th.dataset.dir === "asc" ? -1 : 1; th.dataset.dir = dir > 0 ? "asc" : "desc";
    rows.sort(function(a, b){
      var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v;
      var nx = parseFloat(x), ny = parseFloat(y);
      if (!isNaN(nx) && !isNaN(ny)) return (nx - ny) * dir;
      return x.localeCompare(y) * dir;
    });
    rows.forEach(function(r){ body.appendChild(r); });
  });
});
"""


def score_class(score: float | None) -> str:
    if score is None:
        return "na"
    return "low" if score < 60 else "mid" if score < 85 else ""


def band(score: float | None) -> str:
    """Shade bucket b0 (worst) … b10 (clean) for a sentence score."""
    return "" if score is None else f"b{max(0, min(10, int(score // 10)))}"


def fmt_value(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return one_line(str(v))


def signal_lines(signals: Mapping[str, SignalResult]) -> list[tuple[str, str]]:
    """(signal, "key=value ...") per signal; strings such as a back-translation on their own line."""
    out: list[tuple[str, str]] = []
    for name, result in sorted(signals.items()):
        values = ", ".join(f"{k} {fmt_value(v)}" for k, v in sorted(result.values.items()))
        out.append((name, values or "no values"))
        for key, value in sorted(result.extra.items()):
            out.append((f"{name} {key}", fmt_value(value)))
        if result.suspects:
            out.append((f"{name} suspects", ", ".join(
                f"{one_line(s.text)} ({fmt_value(s.value)})" for s in result.suspects)))
    return out


def tooltip(s: SentenceScore) -> str:
    sent = s.sentence
    lines = [f"line {sent.line}:{sent.col} · score {fmt_score(s.score, 0)} · {s.severity or 'ok'}"]
    lines += [f"{f.code}: {one_line(f.message)}" for f in s.flags]
    lines += [f"{name}: {values}" for name, values in signal_lines(s.signals)]
    return "\n".join(lines)


def marked_text(s: SentenceScore) -> str:
    """The sentence escaped, with each flag's span (document offsets) underlined."""
    text, base = s.sentence.text, s.sentence.start
    spans = flag_spans(s)
    parts, pos = [], 0
    for a, b in spans:
        codes = " ".join(sorted({f.code for f in s.flags if f.start - base < b and f.end - base > a}))
        parts += [esc(text[pos:a]), f'<u class="sus" title="{esc(codes)}">', esc(text[a:b]), "</u>"]
        pos = b
    parts.append(esc(text[pos:]))
    return "".join(parts)


def flag_item(f: Flag) -> str:
    short, _ = rule_help(f.code, f.message)
    suggestion = f' <span class="suggest">→ {esc(f.suggestion)}</span>' if f.suggestion else ""
    return (f'<li><span class="chip {esc(f.severity)}">{esc(f.severity)}</span> '
            f'<code title="{esc(short)}">{esc(f.code)}</code> {esc(f.message)}{suggestion}</li>')


class HtmlWriter:
    """Collects the batch and writes the page at ``close`` (the index needs every article)."""

    def __init__(self, out: TextIO, view: View):
        self.out = out
        self.view = view
        self.reports: list[DocumentReport] = []

    def add(self, report: DocumentReport) -> None:
        self.reports.append(report)

    def close(self) -> None:
        w = self.out.write
        n = len(self.reports)
        flagged = sum(r.flagged for r in self.reports)
        w('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
          '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
          f'<title>mtqa report</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n')
        w(f'<header><h1>mtqa report</h1><div class="meta">{n} article{"s" * (n != 1)} · '
          f'{flagged} sentence{"s" * (flagged != 1)} to repair</div></header>\n')
        if n > 1:
            w(self._index())
        for i, report in enumerate(self.reports):
            w(self._article(i, report))
        w(f'<footer>mtqa {esc(__version__)} · machine-translation quality check</footer>\n</main>\n')
        w(f"<script>{SCRIPT}</script>\n</body>\n</html>\n")
        self.out.flush()

    def _gate(self, report: DocumentReport) -> list[str] | None:
        return self.view.gate.failures(report) if self.view.kind == "check" else None

    def _index(self) -> str:
        check = self.view.kind == "check"
        heads = ["article", "sentences", "junk", "flagged", "score"] + (["result"] if check else [])
        rows = []
        for i, r in enumerate(self.reports):
            cells = [f'<td data-v="{esc(r.document.path)}"><a href="#doc-{i}">{esc(r.document.path)}</a></td>']
            for value in (len(r.prose), len(r.junk), r.flagged):
                cells.append(f'<td class="n" data-v="{value}">{value}</td>')
            score_v = -1 if r.score is None else round(r.score, 2)
            cells.append(f'<td class="n" data-v="{score_v}">{"error" if r.error else fmt_score(r.score)}</td>')
            if check:
                failed = bool(self._gate(r))
                cells.append(f'<td data-v="{int(failed)}"><span class="chip {"fail" if failed else "pass"}">'
                             f'{"fail" if failed else "pass"}</span></td>')
            rows.append(f"<tr>{''.join(cells)}</tr>")
        head = "".join(f"<th>{h}</th>" for h in heads)
        return (f'<table class="index"><thead><tr>{head}</tr></thead>\n<tbody>\n'
                + "\n".join(rows) + "\n</tbody></table>\n")

    def _article(self, i: int, report: DocumentReport) -> str:
        out = [f'<section class="article" id="doc-{i}">']
        score = "—" if report.score is None else f"{report.score:.0f}"
        out.append(f'<div class="head"><div class="score {score_class(report.score)}" '
                   f'title="article score (0–100)">{score}</div><div><h2>{esc(report.document.path)}</h2>'
                   f'<div class="meta">{report.flagged} of {len(report.prose)} sentences flagged · '
                   f'{len(report.junk)} set aside · {esc(report.document.encoding)}</div></div></div>')
        reasons = self._gate(report)
        if reasons is not None:
            verdict = ('<span class="chip fail">fail</span> ' + esc("; ".join(reasons))) if reasons \
                else '<span class="chip pass">pass</span> passes the quality gate'
            out.append(f'<div class="gate">{verdict}</div>')
        if report.error:
            out.append(f'<p class="error">{esc(report.error)}</p></section>\n')
            return "\n".join(out)
        flagged = sorted((s for s in report.prose if s.flagged),
                         key=lambda s: (SEVERITY_ORDER.get(s.severity or "", 3), s.sentence.start))
        out.append("<h3>Repair first</h3>" if flagged else '<h3>Repair first</h3><p class="meta">'
                   "No sentence flagged.</p>")
        for s in flagged:
            out.append(self._card(i, s))
        out.append("<h3>Full text</h3>")
        out.append('<div class="legend">shading: <span class="b2">low score</span>'
                   '<span class="b6">middling</span><u class="sus">suspect words</u> '
                   '<span class="junk">set aside</span></div>')
        out.append(f'<div class="fulltext">{self._fulltext(i, report)}</div>')
        for sk in report.skipped_signals:
            fix = f" — fix: {esc(sk.fix)}" if sk.fix else ""
            out.append(f'<p class="skipped">skipped <b>{esc(sk.name)}</b>: {esc(sk.reason)}{fix}</p>')
        out.append(f'<div class="sig">signature: {esc(report.signature)}</div></section>\n')
        return "\n".join(out)

    def _card(self, i: int, s: SentenceScore) -> str:
        sent = s.sentence
        rows = "".join(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in signal_lines(s.signals))
        details = (f'<details><summary>signal values</summary><table class="signals">{rows}</table>'
                   "</details>") if rows else ""
        flags = "".join(flag_item(f) for f in s.flags)
        return (f'<div class="flag {esc(s.severity or "")}" data-index="{sent.index}">'
                f'<div class="where"><a href="#s-{i}-{sent.index}">line {sent.line}, column {sent.col}</a>'
                f" · score {fmt_score(s.score, 0)}</div>"
                f'<div class="text">{marked_text(s)}</div><ul>{flags}</ul>{details}</div>')

    def _fulltext(self, i: int, report: DocumentReport) -> str:
        """The document as it was, between sentences too, with each segment wrapped."""
        text = report.document.text
        parts, pos = [], 0
        for s in report.sentences:
            sent = s.sentence
            if sent.start < pos:  # overlapping segments: show each once
                continue
            parts.append(esc(text[pos:sent.start]))
            if sent.is_prose:
                classes = ["s", band(s.score)] + (["flagged"] if s.flagged else []) \
                    + (["major"] if s.severity == "major" else [])
                parts.append(f'<span class="{" ".join(c for c in classes if c)}" id="s-{i}-{sent.index}" '
                             f'title="{esc(tooltip(s))}">{marked_text(s)}</span>')
            else:
                why = f"{sent.kind}: {sent.reason}" if sent.reason else sent.kind
                parts.append(f'<span class="junk" id="s-{i}-{sent.index}" data-kind="{esc(sent.kind)}" '
                             f'title="{esc(why)}"><span class="chip kind">{esc(sent.kind)}</span>'
                             f"{esc(sent.text)}</span>")
            pos = sent.end
        parts.append(esc(text[pos:]))
        return "".join(parts)
