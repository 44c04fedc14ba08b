"""``untranslated`` on copy nobody tuned on: a capitalised German-looking word is a name unless the
sentence says otherwise (invented sentences; mtqa.signals.rules.lexical.german_evidence)."""

from __future__ import annotations

import pytest

from mtqa.signals.rules import RulesSignal
from mtqa.types import Sentence


@pytest.fixture(scope="module")
def rules():
    return RulesSignal()


def untranslated(rules, *texts: str) -> list[list[str]]:
    sentences, pos = [], 0
    for i, text in enumerate(texts):
        sentences.append(Sentence("d", i, text, pos, pos + len(text), 1, pos + 1, "body", None))
        pos += len(text) + 1
    return [[text[f.start - s.start:f.end - s.start] for f in r.flags if f.code == "untranslated"]
            for s, text, r in zip(sentences, texts, rules.score(sentences))]


@pytest.mark.parametrize("text", [
    "Duisburg prosecutors issued a joint statement on Monday evening.",  # a city opening the sentence
    "The Rheinische Post reported that the plane broke up before the crash.",  # a newspaper's name
    "Visitors crowded the Berlinale on its opening night.",  # a festival
    "According to the Tagesspiegel, the talks will go on next week.",  # a paper, one word
    "The talks in Wiesbaden ended without a result, Kramp-Karrenbauer said.",  # a hyphenated surname
    "Chinanews reported the figures on Tuesday.",  # a brand of English words run together
])
def test_names_keep_their_spelling(rules, text):
    assert untranslated(rules, text) == [[]]


def test_a_surname_the_article_introduces_is_a_name_even_beside_german_words(rules):
    got = untranslated(rules, "Party leader Heinrich Oberbauer met the farmers.",
                       "Oberbauer bei the farmers: no deal.")
    assert got == [[], []]


@pytest.mark.parametrize("text, word", [
    ("The minister said the vote would be held sofort after the debate.", "sofort"),  # lower case: strong
    ("In the Sitzung der Fraktion the minister said nothing new.", "Sitzung"),  # German words around it
    ("The party accused the minister of spreading Fakenews.", "Fakenews"),  # English words run together
    ("Consumer prices rose by 2.9 Prozent compared to last year.", "Prozent"),  # everyday German, parser: ORG
    ("The Bundesregierung approved the new budget on Tuesday.", "Bundesregierung"),  # German noun ending
])
def test_german_words_are_still_caught(rules, text, word):
    assert word in untranslated(rules, text)[0]
