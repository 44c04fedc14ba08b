"""JUnit XML, which every CI system can show: a test suite per article, a test case per sentence.

A flagged sentence is a failed test case with its reasons; an article that could not be read is an
error; with ``check``, an article that fails the gate for reasons no sentence carries (score,
junk) gets a failed ``quality gate`` case, so the suite's verdict matches the exit code.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TextIO

from mtqa.report import View
from mtqa.report.common import fmt_score, one_line, preview
from mtqa.types import DocumentReport

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


class JunitWriter:
    def __init__(self, out: TextIO, view: View):
        self.out = out
        self.view = view
        self.root = ET.Element("testsuites", name="mtqa")
        self.totals = {"tests": 0, "failures": 0, "errors": 0}

    def add(self, report: DocumentReport) -> None:
        path = xml_text(report.document.path)
        suite = ET.SubElement(self.root, "testsuite", name=path)
        counts = {"tests": 0, "failures": 0, "errors": 0}
        if report.error:
            case = ET.SubElement(suite, "testcase", name="read article", classname=path)
            ET.SubElement(case, "error", message=xml_text(report.error), type="input-error")
            counts.update(tests=1, errors=1)
        for s in report.prose:
            sent = s.sentence
            name = f"{sent.line}:{sent.col} {preview(sent.text)}"
            case = ET.SubElement(suite, "testcase", name=xml_text(name), classname=path)
            counts["tests"] += 1
            if s.flagged:
                reasons = [f for f in s.flags if f.severity in ("major", "minor")]
                lines = [f"[{f.severity}] {f.code}: {f.message}" for f in reasons]
                lines.append(f"score {fmt_score(s.score)} at line {sent.line}, column {sent.col}")
                lines.append(one_line(sent.text))
                # ``check``: a flag below --fail-on does not fail the job, so it is no failed test either
                if self.view.kind == "check" and s.severity not in self.view.gate.failing_severities():
                    ET.SubElement(case, "system-out").text = xml_text("\n".join(lines))
                    continue
                counts["failures"] += 1
                failure = ET.SubElement(
                    case, "failure", type=s.severity or "minor",
                    message=xml_text("; ".join(f"{f.code}: {one_line(f.message)}" for f in reasons)))
                failure.text = xml_text("\n".join(lines))
        if self.view.kind == "check" and not report.error:
            reasons = self.view.gate.failures(report)
            case = ET.SubElement(suite, "testcase", name="quality gate", classname=path)
            counts["tests"] += 1
            if reasons:
                counts["failures"] += 1
                ET.SubElement(case, "failure", type="gate", message=xml_text("; ".join(reasons)))
        props = ET.Element("properties")  # JUnit readers expect properties before the cases
        ET.SubElement(props, "property", name="score", value=fmt_score(report.score, 2))
        ET.SubElement(props, "property", name="signature", value=xml_text(report.signature))
        suite.insert(0, props)
        for key, value in counts.items():
            suite.set(key, str(value))
            self.totals[key] += value

    def close(self) -> None:
        for key, value in self.totals.items():
            self.root.set(key, str(value))
        ET.indent(self.root)
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(ET.tostring(self.root, encoding="unicode") + "\n")
        self.out.flush()
