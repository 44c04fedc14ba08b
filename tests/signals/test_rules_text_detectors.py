"""Character, typography and repetition detectors: positive and negative cases, exact spans."""

from __future__ import annotations

import pytest

from mtqa.signals.rules.catalogue import CATALOGUE, SentenceView

GERMAN = ("german-quote", "german-number", "german-date", "german-abbreviation", "german-currency")


def run(text, *codes):
    """The catalogue's findings of ``codes`` on ``text`` (these detectors read the text only)."""
    return sorted(CATALOGUE.findings(SentenceView(text), codes), key=lambda f: (f.start, f.end, f.code))


def mojibake(text):
    return run(text, "mojibake")


def invisible_controls(text):
    return run(text, "control-character")


def foreign_script(text):
    return run(text, "foreign-script")


def german_typography(text):
    return run(text, *GERMAN)


def unbalanced(text):
    return run(text, "unbalanced-bracket", "unbalanced-quote")


def repeated_words(text):
    return run(text, "repeated-words")


def spans(text, findings):
    return [(f.code, text[f.start:f.end]) for f in findings]


@pytest.mark.parametrize("text, bad, fixed", [
    ("The Neue Osnabr├╝cker Zeitung reported it.", "├╝", "ü"),
    ("They donâ€™t agree.", "â€™", "’"),
    ("Officials in MÃ¼nchen said so.", "Ã¼", "ü"),
])
def test_mojibake_is_flagged_with_its_repair(text, bad, fixed):
    found = mojibake(text)
    assert spans(text, found) == [("mojibake", bad)]
    assert found[0].suggestion == fixed and found[0].severity == CATALOGUE["mojibake"].severity


def test_correct_accents_are_not_mojibake():
    assert mojibake("A naïve café owner in Zürich said “no” – twice.") == []


def test_invisible_controls_are_flagged_one_by_one():
    text = "The\u200b vote\u202e passed."
    assert spans(text, invisible_controls(text)) == [("control-character", "\u200b"), ("control-character", "\u202e")]
    assert invisible_controls("The vote passed.") == []


def test_foreign_script_words_are_merged_into_one_span():
    text = "Traces of 三聚 氰胺 were found in Москва."
    assert spans(text, foreign_script(text)) == [("foreign-script", "三聚 氰胺"), ("foreign-script", "Москва")]
    assert foreign_script("The α-helix is 5 μm long in São Paulo.") == []


@pytest.mark.parametrize("text, code, span, suggestion", [
    ("He called it „a farce“ on Monday.", "german-quote", "„", "“"),
    ("Prices rose 3,5 Prozent last year.", "german-number", "3,5", "3.5"),
    ("It cost 1.000,50 dollars.", "german-number", "1.000,50", "1,000.50"),
    ("The vote is on 24.11.2020 in Berlin.", "german-date", "24.11.2020", "November 24, 2020"),
    ("The deal is worth 10 Mio. dollars.", "german-abbreviation", "Mio.", "million"),
    ("About 300 people, z.B. teachers, came.", "german-abbreviation", "z.B.", "e.g."),
    ("Tickets cost 12 € each.", "german-currency", "12 €", "€12"),
])
def test_german_formats_are_flagged_with_the_english_form(text, code, span, suggestion):
    found = [f for f in german_typography(text) if f.code == code]
    assert [(text[f.start:f.end], f.suggestion) for f in found] == [(span, suggestion)]


@pytest.mark.parametrize("text", [
    "Tickets cost 5 euros, or €12 for two, and 1,000 people came.",
    "Inflation was 3.5 percent in 2020, said Dr. Smith.",
    "The numbers 3,5 and 7 are prime.",
])
def test_english_formats_are_not_german(text):
    assert german_typography(text) == []


def test_unbalanced_brackets_are_flagged_and_lone_quotes_info():
    text = "The party (founded in 1990 won."
    assert [(f.code, text[f.start:f.end]) for f in unbalanced(text)] == [("unbalanced-bracket", "(")]
    quote = "He said: “We will win."
    assert [(f.code, f.severity) for f in unbalanced(quote)] == [("unbalanced-quote", "info")]
    assert unbalanced("He called it „a farce“ (twice).") == []


@pytest.mark.parametrize("text, span, suggestion", [
    ("She said the the vote failed.", "the the", "the"),
    ("It was held in the in the capital.", "in the in the", "in the"),
    ("Sales grew grew grew grew.", "grew grew grew grew", "grew"),
])
def test_repeated_words_span_all_copies(text, span, suggestion):
    found = repeated_words(text)
    assert [(text[f.start:f.end], f.suggestion) for f in found] == [(span, suggestion)]


@pytest.mark.parametrize("text", ["He had had enough.", "Bye, bye, she said.", "Rooms 12 12 and 14.", "The cat sat."])
def test_legitimate_doubles_are_not_repeats(text):
    assert repeated_words(text) == []


@pytest.mark.parametrize("text, count", [
    ("The council met , and the mayor spoke .", 2),
    ("Officials ( speaking anonymously ) confirmed it.", 2),
    ("Did the vote pass ?", 1),
])
def test_tokenized_spacing_is_flagged_with_the_space_as_span(text, count):
    found = run(text, "spacing")
    assert len(found) == count
    assert all(text[f.start:f.end].isspace() and f.suggestion == "" for f in found)


@pytest.mark.parametrize("text", ["Prices rose 5 % in May.", "Wait ... what happened?", "It is 5 p.m. in Berlin."])
def test_ordinary_spacing_is_not_flagged(text):
    assert run(text, "spacing") == []


@pytest.mark.parametrize("text, first", [("the ministry said on Monday.", "the"), ("“the talks failed,” he said.", "the")])
def test_lowercase_sentence_start_is_flagged(text, first):
    (found,) = run(text, "lowercase-start")
    assert text[found.start:found.end] == first[0] and found.suggestion == first[0].upper()


@pytest.mark.parametrize("text", ["iPhone sales fell in May.", "The ministry said so.", "eBay shares rose.", "42 people died."])
def test_capitalised_or_brand_starts_are_not_flagged(text):
    assert run(text, "lowercase-start") == []
