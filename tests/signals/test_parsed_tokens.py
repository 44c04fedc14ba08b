"""The detectors read a ``ParsedSentence``; they must find exactly what they find on the spaCy Doc."""

from __future__ import annotations

import pytest

from mtqa.signals.rules import CATALOGUE, RulesSignal, SentenceView
from mtqa.signals.rules.article import Article
from mtqa.signals.rules.oddity import events
from mtqa.text.sentences.parsed import ParsedSentence

# Written for this test: clean prose, garbled German-order MT, quotes, brackets, several sentences
# in one text (sentence starts and ends), a non-finite clause, German words and names.
TEXTS = [
    "Ministers met in Berlin on Monday and agreed on a plan.",
    "However, this has not yet responded.",
    "According to a report by, there have been no official statements on the matter.",
    "The chancellor said that the coalition the reform in autumn adopt wants.",
    "\u201cWe will not give up,\u201d said the minister, who (as always) spoke last.",
    "The Bundesrat approved the Gesetz on Friday. Die Regierung hat zugestimmt. Then it ended.",
    "Having said that, he left the room - and the meeting was over.",
    "In the 2. Bundesliga the club plays on.",
    "Her verdict: \u201cThe coalition has failed.\u201d",
    "A comparison by the institute that the results matched.",
    "The the police were were called to the scene.",
    "She told the newspaper that she he would resign.",
]


@pytest.fixture(scope="module")
def signal():
    return RulesSignal()


def docs(signal, texts):
    return list(signal._parse(texts))


def test_tokens_carry_spacys_annotations(signal):
    for doc in docs(signal, TEXTS):
        parsed = ParsedSentence(doc)
        assert len(parsed) == len(doc) and parsed.text == doc.text
        for a, b in zip(doc, parsed):
            for name in ("text", "i", "idx", "lower_", "tag_", "pos_", "dep_", "whitespace_", "is_punct",
                         "is_space", "is_quote", "is_sent_start", "is_sent_end", "text_with_ws", "like_num"):
                assert getattr(a, name) == getattr(b, name), (name, a.text, doc.text)
            assert a.head.i == b.head.i
            for name in ("children", "lefts", "rights", "subtree", "ancestors"):
                assert [t.i for t in getattr(a, name)] == [t.i for t in getattr(b, name)], (name, a.text)
            assert (a.sent.start, a.sent.end, a.sent.text) == (b.sent.start, b.sent.end, b.sent.text)
            assert str(a.morph) == str(b.morph)
            for field in ("VerbForm", "Tense", "Number", "NoSuchField"):
                assert a.morph.get(field) == b.morph.get(field)
                assert a.morph.get(field, ["-"]) == b.morph.get(field, ["-"])


def test_slices_are_clamped_as_spacys(signal):
    doc = docs(signal, [TEXTS[0]])[0]
    parsed = ParsedSentence(doc)
    for start, stop in [(0, 3), (2, None), (None, -1), (-3, None), (5, 2), (0, 100), (-100, 2), (4, 4)]:
        a, b = doc[start:stop], parsed[start:stop]
        assert (a.start, a.end, a.text, [t.i for t in a]) == (b.start, b.end, b.text, [t.i for t in b])
    assert parsed[-1].i == doc[-1].i
    with pytest.raises(IndexError):
        parsed[len(doc)]


def test_every_detector_finds_the_same_on_both(signal):
    article = Article(TEXTS)
    for i, doc in enumerate(docs(signal, TEXTS)):
        parsed = ParsedSentence(doc)
        for kind in ("body", "title"):
            on_spacy = CATALOGUE.findings(SentenceView(TEXTS[i], doc, kind, i, article))
            on_parsed = CATALOGUE.findings(SentenceView(TEXTS[i], parsed, kind, i, article))
            assert on_spacy == on_parsed, TEXTS[i]
        assert events(doc) == events(parsed)
        assert signal.table.features(doc) == signal.table.features(parsed)


def test_the_garbled_sentences_are_found(signal):
    """The comparison above is no comparison of two empty lists."""
    found = {code for i, doc in enumerate(docs(signal, TEXTS))
             for code in (f.code for f in CATALOGUE.findings(SentenceView(TEXTS[i], ParsedSentence(doc))))}
    assert {"repeated-words", "no-verb"} <= found


def test_named_entities_are_asked_for_only_where_a_word_looks_german(signal):
    parsed = [ParsedSentence(d) for d in docs(signal, TEXTS)]
    found = signal._entities(parsed)
    assert set(found) == {5}  # "Gesetz", "Die Regierung hat zugestimmt"
    assert found[5].text == TEXTS[5] and found[5].has_annotation("ENT_IOB")
    assert not parsed[5].spacy.has_annotation("ENT_IOB")  # NER ran on a copy
