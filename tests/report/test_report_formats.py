"""Writers for CI and chat: GitHub annotations, SARIF, JUnit, Markdown; the JSON Schema; exit codes."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from report_samples import FAKENEWS, GARBLED, HOSTILE, IMG, check_text, flagged_report, render, with_junk

from mtqa.report import View
from mtqa.report.github import escape_data, escape_property
from mtqa.scoring.gate import Gate

TESTS = Path(__file__).resolve().parent
# tests/report/sarif-schema-2.1.0.json is the SARIF 2.1.0 (rtm.5, the schema of the OASIS standard as
# published on schemastore) JSON Schema, copied byte for byte from the npm package
# @microsoft/jest-sarif 1.0.0-beta.0 (MIT), file lib/schemas/sarif-2.1.0-rtm.5.json,
# sha256 2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8.
SARIF_SCHEMA = TESTS / "sarif-schema-2.1.0.json"


# ---- GitHub annotations -------------------------------------------------------------------------

ANNOTATION = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def parse_annotation(line: str) -> tuple[str, dict[str, str], str]:
    m = ANNOTATION.match(line)
    assert m, line
    props = dict(p.split("=", 1) for p in m.group(2).split(","))

    def unescape(s: str) -> str:
        return s.replace("%2C", ",").replace("%3A", ":").replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")

    return m.group(1), {k: unescape(v) for k, v in props.items()}, unescape(m.group(3))


def test_github_one_annotation_per_flag_at_the_flagged_words():
    report = flagged_report()
    lines = render("github", report).splitlines()
    assert len(lines) == 3
    parsed = [parse_annotation(line) for line in lines]
    assert [p[0] for p in parsed] == ["error", "warning", "warning"]  # major → error
    _, props, message = parsed[1]
    text = report.document.text
    line_no = text[: text.index(FAKENEWS)].count("\n") + 1
    col = text.index(FAKENEWS) - text.rindex("\n", 0, text.index(FAKENEWS))
    assert props == {"file": "wire/story.txt", "line": str(line_no), "col": str(col), "endLine": str(line_no),
                     "endColumn": str(col + len(FAKENEWS) - 1), "title": "mtqa untranslated-german"}
    assert "Fakenews" in message and "fake news" in message


def test_github_escapes_data_and_properties():
    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a,b:c%") == "a%2Cb%3Ac%25"
    report = flagged_report(path="dir,with:odd%name.txt")
    for line in render("github", report).splitlines():
        assert line.count("::") == 2  # article text cannot start or end a command
        _, props, message = parse_annotation(line)
        assert props["file"] == "dir,with:odd%name.txt"
        assert "\n" in message  # message and sentence on separate lines, encoded


def test_github_check_adds_gate_failure_and_flags_view_does_not():
    report = with_junk(check_text("A clean sentence. Photo: Jane Doe / AP"), "Photo", "credit", "photo credit")
    assert render("github", report) == ""
    failing = render("github", report, view=View(kind="check", gate=Gate(fail_on_junk=True))).splitlines()
    assert len(failing) == 1
    kind, props, message = parse_annotation(failing[0])
    assert kind == "error" and props["title"] == "mtqa check failed" and "junk" in message


def test_github_multiline_flag_drops_columns():
    report = flagged_report()
    s = next(s for s in report.sentences if GARBLED in s.sentence.text)
    nxt = report.document.text.index("Critics") + 7
    wide = replace(s.flags[0], start=s.sentence.start + 9, end=nxt)
    report = replace(report, sentences=tuple(replace(x, flags=(wide,)) if x is s else x for x in report.sentences))
    _, props, _ = parse_annotation(render("github", report).splitlines()[0])
    assert (props["line"], props["endLine"]) == ("3", "4")
    assert "col" not in props and "endColumn" not in props


# ---- SARIF ---------------------------------------------------------------------------------------


def sarif_of(*reports) -> dict:
    return json.loads(render("sarif", *reports))


def test_sarif_validates_against_the_official_schema():
    schema = json.loads(SARIF_SCHEMA.read_text("utf-8"))
    assert "2.1.0" in schema["title"]
    broken = check_text("x", "-")
    broken = replace(broken, sentences=(), score=None, error="-: empty article (no text)")
    log = sarif_of(flagged_report(), check_text("All fine here.", "b.txt"), broken)
    jsonschema.Draft4Validator(schema).validate(log)
    # and a log the schema must reject, so the validation above means something
    bad = json.loads(json.dumps(log))
    bad["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(bad)


def test_sarif_results_point_at_the_flagged_span():
    report = flagged_report()
    log = sarif_of(report)
    run = log["runs"][0]
    assert log["version"] == "2.1.0" and run["tool"]["driver"]["name"] == "mtqa"
    assert run["tool"]["driver"]["informationUri"].startswith("https://")
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {"unlikely-translation", "untranslated-german", "odd-markup"}
    assert all(r["help"]["text"] for r in rules.values())
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert by_rule["unlikely-translation"]["level"] == "error"
    assert by_rule["untranslated-german"]["level"] == "warning"
    for result in run["results"]:
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == "wire/story.txt"
        region = loc["region"]
        span = report.document.text[region["charOffset"]:region["charOffset"] + region["charLength"]]
        assert region["snippet"]["text"] == span
        lines = report.document.text.split("\n")
        assert lines[region["startLine"] - 1][region["startColumn"] - 1:].startswith(span.split("\n")[0])
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert by_rule["untranslated-german"]["locations"][0]["physicalLocation"]["region"]["snippet"]["text"] == FAKENEWS
    region = by_rule["odd-markup"]["locations"][0]["physicalLocation"]["region"]
    assert region["endColumn"] - region["startColumn"] == len(IMG)  # endColumn is exclusive


def test_sarif_counts_code_points_not_utf16_units():
    text = "Emoji 😀 first. " + HOSTILE
    report = flagged_report()
    report = replace(report, document=replace(report.document, text=text))
    shift = len("Emoji 😀 first. ")
    report = replace(report, sentences=tuple(
        replace(s, flags=tuple(replace(f, start=f.start + shift, end=f.end + shift) for f in s.flags))
        for s in report.sentences))
    run = sarif_of(report)["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    region = next(r for r in run["results"] if r["ruleId"] == "untranslated-german")["locations"][0][
        "physicalLocation"]["region"]
    assert region["snippet"]["text"] == FAKENEWS


def test_sarif_is_byte_identical_for_the_same_reports():
    assert render("sarif", flagged_report()) == render("sarif", flagged_report())


# ---- JUnit ---------------------------------------------------------------------------------------


def test_junit_suite_per_article_case_per_sentence_failure_per_flag():
    report = with_junk(flagged_report(), "Berlin", "teaser", "video teaser")
    root = ET.fromstring(render("junit", report, check_text("The council met on Monday. It approved the budget.", "b.txt")))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["wire/story.txt", "b.txt"]
    story = suites[0]
    cases = story.findall("testcase")
    assert len(cases) == len(report.prose) == 3  # the junk teaser is not a test case
    assert story.get("tests") == "3" and story.get("failures") == "3"
    assert root.get("failures") == "3" and root.get("tests") == "5"
    garbled = next(c for c in cases if GARBLED in c.get("name"))
    assert garbled.get("name").startswith("3:1 ")
    failure = garbled.find("failure")
    assert failure.get("type") == "major" and "unlikely-translation" in failure.get("message")
    hostile = next(c for c in cases if "onerror" in c.get("name"))
    assert IMG in hostile.find("failure").text  # text survives escaping intact
    assert all(c.find("failure") is None for c in suites[1].findall("testcase"))


def test_junit_check_gate_and_input_errors():
    report = with_junk(check_text("A clean sentence. Photo: Jane Doe / AP"), "Photo", "credit", "photo credit")
    broken = replace(check_text("x", "gone.txt"), sentences=(), score=None, error="gone.txt: no such file")
    xml = render("junit", report, broken, view=View(kind="check", gate=Gate(fail_on_junk=True)))
    root = ET.fromstring(xml)
    gate = root.find("testsuite/testcase[@name='quality gate']/failure")
    assert gate is not None and "junk" in gate.get("message")
    assert root.find("testsuite[@name='gone.txt']/testcase/error").get("message") == "gone.txt: no such file"
    assert root.get("errors") == "1"


def test_junit_strips_characters_xml_cannot_carry():
    root = ET.fromstring(render("junit", check_text("Bell \x07 rings here. Fine.", "c.txt")))
    assert "Bell" in root.find("testsuite/testcase").get("name")


# ---- Markdown ------------------------------------------------------------------------------------


def table_rows(markdown: str) -> list[list[str]]:
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    return [re.split(r"(?<!\\)\|", r.strip()[1:-1]) for r in rows]


def test_markdown_flags_table_escapes_pipes_newlines_and_markup():
    md = render("markdown", flagged_report())
    rows = table_rows(md)
    assert all(len(r) == 5 for r in rows)  # hostile | in the text did not add a column
    assert len(rows) == 2 + 3
    assert "**Fakenews**" in md
    assert not re.search(r"(?<!\\)<img", md) and "\\<img" in md
    assert "\\| with" in md


def test_markdown_check_view_one_row_per_article():
    md = render("markdown", flagged_report(), check_text("All fine.", "ok.txt"),
                view=View(kind="check", gate=Gate()))
    rows = table_rows(md)
    assert [r[0].strip() for r in rows[2:]] == ["wire/story.txt", "ok.txt"]
    assert rows[2][5].strip() == "**FAIL**" and rows[3][5].strip() == "pass"


# ---- JSON Schema and the CLI ----------------------------------------------------------------------


@pytest.fixture
def articles(tmp_path):
    (tmp_path / "a.txt").write_text(HOSTILE, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Berlin is a city. It is large.\n\nPhoto: dpa\n", encoding="utf-8")
    return tmp_path


def test_schema_command_validates_cli_json(cli, articles):
    printed = cli("schema")
    assert printed.exit_code == 0
    schema = json.loads(printed.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    out = cli("flags", articles, "--signals", "rules", "--all", "--format", "json")
    assert out.exit_code == 0, out.stderr
    docs = json.loads(out.stdout)
    jsonschema.Draft202012Validator(schema).validate(docs)
    jsonschema.Draft202012Validator(schema).validate(docs + [flagged_dict()])
    docs[0]["sentences"][0]["flags"] = [{"code": "x", "message": "m", "severity": "fatal", "start": 0, "end": 1}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(docs)


def flagged_dict() -> dict:
    from mtqa.report.json import report_to_dict

    return report_to_dict(with_junk(flagged_report(), "Berlin", "teaser", "video teaser"))


def test_schema_is_package_data():
    from importlib import resources

    assert json.loads(resources.files("mtqa.report").joinpath("schema.json").read_text("utf-8"))["type"] == "array"


@pytest.mark.parametrize("fmt", ["html", "markdown", "github", "sarif", "junit"])
def test_cli_formats_are_byte_identical_and_exit_0(cli, articles, fmt):
    first = cli("check", articles, "--signals", "rules", "--fail-on", "never", "--format", fmt)
    second = cli("check", articles, "--signals", "rules", "--fail-on", "never", "--format", fmt)
    assert first.exit_code == 0, first.stderr
    assert first.stdout == second.stdout
    assert first.stdout or fmt == "github"  # no flag, no annotation


@pytest.mark.parametrize("fmt", ["sarif", "junit", "github"])
def test_cli_gate_failure_exits_1_with_report(cli, articles, fmt, tmp_path):
    """The photo credit in b.txt is junk; with --fail-on-junk the gate fails, and the report is still written."""
    junk = json.loads(cli("flags", articles / "b.txt", "--signals", "rules", "--format", "json").stdout)
    assert [s["kind"] for s in junk[0]["sentences"]][-1] == "credit"  # "Photo: dpa" is set aside
    out = tmp_path / f"gate.{fmt}"
    result = cli("check", articles, "--signals", "rules", "--fail-on-junk", "--format", fmt, "--output", out)
    assert result.exit_code == 1
    assert "junk" in out.read_text("utf-8")


@pytest.mark.parametrize("fmt", ["sarif", "junit", "github", "html", "markdown"])
def test_cli_input_error_exits_2_with_one_line(cli, tmp_path, fmt):
    result = cli("check", tmp_path / "missing.txt", "--signals", "rules", "--format", fmt)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "no such file" in result.stderr


def test_html_input_never_marks_the_wrong_words(cli, tmp_path):
    """HTML pasted as text: the sentence is plain text, its offsets point into the markup; writers
    must not underline text at the markup offsets."""
    page = tmp_path / "page.html"
    page.write_text("<p>The <b>minister</b> said the report about Fakenews was spreading quickly.</p>\n")
    for fmt in ("markdown", "table"):
        out = cli("flags", page, "--signals", "rules", "--format", fmt, "--no-color").stdout
        assert "quickly" in out
        assert "**quickly" not in out and "[[quickly" not in out
    doc = json.loads(cli("flags", page, "--signals", "rules", "--format", "json").stdout)[0]
    text = page.read_text()
    flags = [f for s in doc["sentences"] for f in s["flags"] if f["code"] == "untranslated"]
    assert flags and all(text[f["start"]:f["end"]] == "Fakenews" for f in flags)


def test_github_annotations_carry_no_control_characters_from_a_file_name(cli, tmp_path):
    evil = tmp_path / "evil\x1b[31mname.txt"
    evil.write_text("The party accused them of spreading Fakenews.\n")
    out = cli("flags", evil, "--signals", "rules", "--format", "github").stdout
    assert ("::error file=" in out or "::warning file=" in out) and "\x1b" not in out  # severity: the catalogue's


def test_junit_check_counts_only_flags_that_fail_the_gate(tmp_path):
    report = flagged_report()  # one major and two minor flagged sentences
    minor_only = render("junit", report, view=View(kind="check", gate=Gate(fail_on="never")))
    root = ET.fromstring(minor_only)
    assert root.get("failures") == "0"
    assert len(root.findall(".//system-out")) == 3  # the reasons are still there for a reader
    major = ET.fromstring(render("junit", report, view=View(kind="check", gate=Gate(fail_on="major"))))
    assert major.get("failures") == "2"  # the major sentence and the failed gate
