"""JSON, JSONL and CSV writers."""

from __future__ import annotations

import csv
from typing import TextIO

from mtqa.report import View
from mtqa.report.json import report_to_dict, write_json, write_jsonl_line
from mtqa.types import DocumentReport


class JsonWriter:
    """One JSON list of documents, written when the batch is complete."""

    def __init__(self, out: TextIO, view: View):
        self.out = out
        self.reports: list[DocumentReport] = []

    def add(self, report: DocumentReport) -> None:
        self.reports.append(report)

    def close(self) -> None:
        write_json(self.reports, self.out)


class JsonlWriter:
    """One JSON document per line, flushed as each article is done (a batch keeps what it has)."""

    def __init__(self, out: TextIO, view: View):
        self.out = out

    def add(self, report: DocumentReport) -> None:
        write_jsonl_line(report, self.out)

    def close(self) -> None:
        self.out.flush()


SENTENCE_COLUMNS = ["path", "index", "line", "col", "start", "end", "kind", "score", "severity",
                    "flagged", "codes", "messages", "text"]
ARTICLE_COLUMNS = ["path", "sentences", "junk", "flagged", "score", "passed", "reasons", "error"]


class CsvWriter:
    """Per sentence for ``flags``, per article for ``score`` and ``check``; rows stream out."""

    def __init__(self, out: TextIO, view: View):
        self.out = out
        self.view = view
        self.writer = csv.writer(out, lineterminator="\n")
        self.per_sentence = view.kind == "flags"
        self.writer.writerow(SENTENCE_COLUMNS if self.per_sentence else ARTICLE_COLUMNS)

    def add(self, report: DocumentReport) -> None:
        if self.per_sentence:
            doc = report_to_dict(report)
            for s in doc["sentences"]:
                if not (self.view.show_all or s["flagged"]):
                    continue
                self.writer.writerow([
                    doc["path"], s["index"], s["line"], s["col"], s["start"], s["end"], s["kind"],
                    "" if s["score"] is None else f"{s['score']:.2f}", s["severity"] or "",
                    int(s["flagged"]), " ".join(f["code"] for f in s["flags"]),
                    " | ".join(f["message"] for f in s["flags"]), s["text"],
                ])
        else:
            reasons = self.view.gate.failures(report)
            self.writer.writerow([
                report.document.path, len(report.prose), len(report.junk), report.flagged,
                "" if report.score is None else f"{report.score:.2f}", int(not reasons),
                " | ".join(reasons), report.error or "",
            ])
        self.out.flush()

    def close(self) -> None:
        self.out.flush()
