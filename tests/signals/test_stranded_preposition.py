"""stranded-preposition: a body sentence that ends on a bare preposition ("talks with.")."""

from __future__ import annotations

import pytest

from mtqa.signals.rules import RulesSignal
from mtqa.signals.rules.catalogue import CATALOGUE
from mtqa.types import Sentence


@pytest.fixture(scope="module")
def signal():
    return RulesSignal()


def flags(signal, text, kind="body"):
    sentence = Sentence("d", 0, text, 0, len(text), 1, 1, kind)
    return [(f.code, text[f.start:f.end], f.severity) for f in signal.score([sentence])[0].flags
            if f.code == "stranded-preposition"]


@pytest.mark.parametrize("text, word", [
    ("The chancellor held talks on Monday with.", "with"),
    ("She was elected last year as the head of.", "of"),
])
def test_a_final_bare_preposition_is_flagged(signal, text, word):
    assert flags(signal, text) == [("stranded-preposition", word, CATALOGUE["stranded-preposition"].severity)]


@pytest.mark.parametrize("text", [
    "This is the house they lived in.",
    "There is nothing to worry about.",
    "The minister did not say what the money was for.",
    "The talks went on.",
    "Who did the minister speak with?",
    "The chancellor held talks on Monday with the unions.",
])
def test_english_that_ends_on_a_preposition_is_left_alone(signal, text):
    assert flags(signal, text) == []


def test_headings_are_left_alone(signal):
    assert flags(signal, "Talks with.", kind="heading") == []
