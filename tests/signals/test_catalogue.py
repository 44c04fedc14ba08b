"""The detector catalogue: one declared unit per code, help required, severity only from the catalogue."""

from __future__ import annotations

import pytest
from conftest import DATA

from mtqa.signals.rules import SPEC, RulesSignal
from mtqa.signals.rules.catalogue import CATALOGUE, READS, SEVERITIES, Catalogue, Hit, SentenceView
from mtqa.text.sentences.segment import segment_parsed
from mtqa.types import Document, Sentence

HELP = dict(title="A title", help="A help text longer than the title.")

# Sentences that trip most detectors, so the severity check sees them fire.
CRAFTED = [
    "According to a statement by, the ministry has not commented.",
    "It is unclear whether the soldiers to which the agency is said to have actually paid money.",
    "However, this has not yet replied to the letter.",
    "The committee approved the plan and",
    "Me don't know where the money went.",
    "Was arrested in Hamburg on Friday evening.",
    "The party accused the minister of spreading Fakenews in the Neue Osnabr├╝cker Zeitung.",
    "The ministers announced to the press on Friday of the new rules.",
    "The mayor said the town had joined us in the protest last week.",
    "The minister launchesThe new plan and was assuredthat it works.",
    "The minister said the newspaper that the plan was ready.",
    "The talks with Donald ·Lewis went on until midnight.",
    "The agreement is Hardly possible before the summer.",
    "To include the new rules and more staff for the schools.",
    "She announced that for the next term will not run again.",
    "Four officers were collapsed during the long march.",
    "He called it „a farce“ (twice on 24.11.2020 and said the the price rose 3,5 Prozent to 12 € , z.B. “here.",
    "the ministry said\u200b that 受影响 pets were safe.",
    "A long sentence of many words about the report of the commission in the city.",
]


def test_every_code_is_one_declared_unit_with_help():
    assert len(CATALOGUE) == len(set(CATALOGUE.codes())) >= 30
    for d in CATALOGUE:
        assert d.severity in SEVERITIES and d.reads in READS
        assert d.title and len(d.help) > len(d.title), d.code
    assert SPEC.flag_help == CATALOGUE.flag_help()  # the signal's help is the catalogue's


def test_a_code_without_help_cannot_be_declared():
    catalogue = Catalogue()
    with pytest.raises(ValueError, match="help"):
        catalogue.register("no-help", severity="minor", reads="text", title="A title", help="")
    with pytest.raises(ValueError, match="help"):
        catalogue.register("no-title", severity="minor", reads="text", title="", help="Some help text.")


def test_a_code_declared_twice_fails():
    catalogue = Catalogue()
    catalogue.register("twice", severity="minor", reads="text", **HELP)(lambda view: [])
    with pytest.raises(ValueError, match="twice"):
        catalogue.register("twice", severity="major", reads="text", **HELP)


def test_unknown_severity_or_reads_fails():
    with pytest.raises(ValueError):
        Catalogue().register("x", severity="fatal", reads="text", **HELP)
    with pytest.raises(ValueError):
        Catalogue().register("x", severity="minor", reads="source", **HELP)


def test_the_catalogue_gives_code_and_severity_and_keeps_prose_only_to_body():
    catalogue = Catalogue()
    catalogue.register("shout", severity="info", reads="text", prose_only=True, **HELP)(
        lambda view: [Hit("loud", 0, 1)] if view.text.isupper() else [])
    (found,) = catalogue.findings(SentenceView("LOUD"))
    assert (found.code, found.severity, found.message, found.start, found.end) == ("shout", "info", "loud", 0, 1)
    assert catalogue.findings(SentenceView("LOUD", kind="title")) == []


def _sentences() -> list[tuple[list[Sentence], dict]]:
    paths = [DATA / "seed-article.txt", *sorted((DATA / "samples").glob("*.txt"))]
    out = [segment_parsed(Document(p.name, str(p), p.read_text("utf-8"))) for p in paths]
    crafted = [Sentence("crafted", i, t, 0, len(t), i + 1, 1, "body") for i, t in enumerate(CRAFTED)]
    return [*out, *(([s], {}) for s in crafted)]


def test_every_emitted_flag_has_its_catalogue_severity():
    signal, emitted = RulesSignal(), set()
    for sentences, parses in _sentences():
        for result in signal.score(sentences, parses):
            for flag in result.flags:
                assert flag.severity == CATALOGUE[flag.code].severity, flag
                emitted.add(flag.code)
    assert len(emitted) >= 25, sorted(set(CATALOGUE.codes()) - emitted)  # the check saw most detectors fire
