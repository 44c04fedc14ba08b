"""Junk classifiers: lines from many wire feeds and web pages are set aside, article prose is not."""

from __future__ import annotations

import pytest

from mtqa.text.page.junk import classify_line, normalise, trailing_signoff

JUNK = [
    # credits
    ("© Reuters/Jane Roe", "credit"),
    ("(c) imago images/Future Image", "credit"),
    ("Photo: AP Photo/Michael Sohn", "credit"),
    ("Foto: Bernd Weißbrod/dpa", "credit"),
    ("Bild: picture alliance/dpa/M. Kappeler", "credit"),
    ("Getty Images/AFP/O. Scarff", "credit"),
    ("picture-alliance/dpa/B. Roessler", "credit"),
    ("Max Mustermann/picture alliance", "credit"),
    # captions marked as such
    ("Soldiers at a checkpoint near the border (file photo)", "caption"),
    ("Protesters outside the parliament (Archivbild)", "caption"),
    ("A wind farm in the North Sea (symbol image)", "caption"),
    ("The chancellor in Brussels (Photo: EPA)", "caption"),
    # sign-offs
    ("ab / cd (afp, rtr,", "signoff"),
    ("mm/dpa", "signoff"),
    ("(AFP)", "signoff"),
    ("xy/AP/Reuters", "signoff"),
    ("fs/sms (Reuters, dpa, AP)", "signoff"),
    ("© AFP 2021", "signoff"),
    ("dpa/lnw", "signoff"),
    ("With material from dpa and Reuters", "signoff"),
    ("(Reporting by Jane Roe; Editing by John Doe)", "signoff"),
    ("By Jane Roe", "byline"),
    ("By Jane Roe and John Doe, Reuters", "byline"),
    ("Von Max Mustermann", "byline"),
    ("Additional reporting by Max Mustermann in Bonn", "signoff"),
    # teasers
    ("Video: Floods in the south of the country", "teaser"),
    ("Read more: How the euro was born", "teaser"),
    ("Also read: Five things to know about the vote", "teaser"),
    ("Watch: The moment the bridge collapsed", "teaser"),
    ("Listen: Our podcast on the election", "teaser"),
    ("Mehr zum Thema", "teaser"),
    ("Lesen Sie auch: Was die Reform bedeutet", "teaser"),
    # web leftovers
    ("Please enter your comment!", "boilerplate"),
    ("Please enter your name here", "boilerplate"),
    ("You have entered an incorrect email address!", "boilerplate"),
    ("Leave a Reply", "boilerplate"),
    ("Share on WhatsApp", "boilerplate"),
    ("Subscribe to our daily newsletter now", "boilerplate"),
    ("This site uses cookies to give you the best experience.", "boilerplate"),
    ("© 2021 Example Media Group. All rights reserved.", "boilerplate"),
    ("Advertisement", "boilerplate"),
    ("Facebook Twitter WhatsApp E-Mail", "boilerplate"),
    ("Telegram | Xing | Link kopieren", "boilerplate"),
]

PROSE = [
    "Share prices fell sharply on Monday after the announcement.",
    "The newsletter of the party criticised the decision.",
    "Watch-dog groups said the election was not fair.",
    "Reuters reported on Tuesday that the talks had failed.",
    "AP and dpa both quoted the minister.",
    "Photographers gathered outside the court.",
    "Video footage showed the moment of the explosion.",
    "The dpa news agency reported the figures first.",
    "In 2019/2020 the number of cases rose again.",
    "Listen to this, the minister told reporters.",
    "He said the rights of all citizens are reserved for the courts to decide.",
    "Minister rejects the criticism",
    "Leaders of the EU and the UK met in Brussels.",
    "Facebook and Twitter were fined by the regulator.",
    "By Monday, the talks had failed.",
    "By then the government had fallen.",
    "Reporting by local journalists revealed the scandal in the spring of last year.",
    "Subscribers to the service complained about the price rises that followed the merger in March.",
]


@pytest.mark.parametrize("line, kind", JUNK)
def test_junk_line_gets_its_kind_and_a_reason(line, kind):
    found = classify_line(line)
    assert found is not None, line
    assert found[0] == kind
    assert found[1]


@pytest.mark.parametrize("line", PROSE)
def test_article_prose_is_not_junk(line):
    assert classify_line(line) is None


def test_long_sentence_that_starts_like_a_teaser_is_prose():
    line = ("Video: the word was everywhere in the campaign, and the candidate used it in every one of his "
            "speeches, interviews and rallies across the country over the summer months")
    assert classify_line(line) is None


@pytest.mark.parametrize("paragraph, tail", [
    ("The trial resumes next week. (dpa)", "(dpa)"),
    ("Both sides declined to comment. ab/cd (AFP, Reuters)", "ab/cd (AFP, Reuters)"),
    ("The vote is on Sunday. mm/dpa", "mm/dpa"),
])
def test_trailing_signoff_is_found(paragraph, tail):
    at = trailing_signoff(paragraph)
    assert at is not None and paragraph[at:] == tail


@pytest.mark.parametrize("paragraph", [
    "He served in the U.S. Army (retired).",
    "The vote (in part) was close.",
    "Sales rose by 5% (see chart).",
])
def test_parenthesis_at_paragraph_end_is_not_a_signoff(paragraph):
    assert trailing_signoff(paragraph) is None


def test_normalise_ignores_case_and_punctuation():
    assert normalise("Storm hits coast!") == normalise("storm  hits coast")


@pytest.mark.parametrize("line, kind", JUNK)
def test_reason_says_more_than_the_kind(line, kind):
    # `mtqa strip --explain` prints "kind: reason: line"; a reason that opens with its kind repeats it.
    reason = classify_line(line)[1]
    assert not reason.lower().startswith(kind), (kind, reason)


def test_byline_reason():
    assert classify_line("By Jane Roe") == ("byline", "author line")
