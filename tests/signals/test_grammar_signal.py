"""The link-grammar signal on invented sentences; skipped where the system library is absent."""

from __future__ import annotations

import pytest

from mtqa.config import Config
from mtqa.signals import grammar
from mtqa.signals.base import SignalUnavailable
from mtqa.text.dateline import DATELINE
from mtqa.types import Sentence

lg = grammar.import_link_grammar()
needs_lg = pytest.mark.skipif(lg is None, reason="link-grammar not installed (apt-get install python3-link-grammar)")


def sentence(text: str, kind: str = "body") -> Sentence:
    return Sentence("d", 0, text, 100, 100 + len(text), 1, 1, kind, None)


@pytest.fixture(scope="module")
def signal():
    return grammar.build(None, None)


@needs_lg
def test_sound_sentences_parse(signal):
    for text in ("The minister said that the government would help the farmers this winter.",
                 "“We will not give up,” the mayor told reporters on Tuesday.",
                 "Prices for heating oil rose by almost a third – more than in any month since 2022."):
        result = signal.score([sentence(text)])[0]
        assert result.flags == () and result.values == {"parsed": 1.0}, text


@needs_lg
def test_garbled_sentences_get_no_parse_with_suspects(signal):
    text = "The minister said the newspaper that the government the farmers help would."
    result = signal.score([sentence(text)])[0]
    assert [f.code for f in result.flags] == ["no-parse"]
    flag = result.flags[0]
    assert flag.severity == grammar.SEVERITY and 100 <= flag.start < flag.end <= 100 + len(text)
    assert result.suspects and all(text[s.start:s.end] == s.text for s in result.suspects)
    assert signal.score([sentence("He launchesThe new programme for the region today.")])[0].flags


@needs_lg
def test_short_headline_and_wordless_text_are_not_parsed(signal):
    assert signal.score([sentence("Farmers help would.")])[0].values == {}
    assert signal.score([sentence("Government the farmers help would promise", "title")])[0].flags == ()
    assert signal.parses("( – ) … “ ”") is None  # the library aborts on a sentence without a word


def test_normalise_makes_quotes_and_dashes_ascii():
    assert grammar.normalise("„Yes“ – ‘no’ …") == "\"Yes\" - 'no' ..."


def test_missing_library_is_a_clear_skip(monkeypatch):
    monkeypatch.setattr(grammar, "import_link_grammar", lambda: None)
    with pytest.raises(SignalUnavailable) as info:
        grammar.build(None, None)
    assert info.value.reason == "link-grammar not installed" and "python3-link-grammar" in info.value.fix


@needs_lg
def test_a_wire_dateline_is_not_read_as_broken_grammar(signal):
    for text in ("HAMBURG (dpa) - The port authority said on Monday that traffic had recovered.",
                 "NEW YORK (AP) – Shares of the carmaker fell sharply in early trading.",
                 "VIENNA: The chancellor will meet the regional governors next week.",
                 "Frankfurt/Main (dpa) - The port authority said on Monday that traffic had recovered.",
                 "New York (AP) – Shares of the carmaker fell sharply in early trading."):
        assert signal.score([sentence(text)])[0].flags == (), text
    garbled = "HAMBURG (dpa) - The minister said the newspaper that the government the farmers help would."
    result = signal.score([sentence(garbled)])[0]
    assert [f.code for f in result.flags] == ["no-parse"]
    assert all(garbled[s.start:s.end] == s.text and s.start > len("HAMBURG (dpa) - ") for s in result.suspects)
    # a place in title case is a dateline only with the agency in brackets: otherwise it is the sentence
    assert DATELINE.match("Berlin - The city said on Monday that traffic had recovered.") is None
    assert DATELINE.match("The minister (CDU) - the one who resigned - said so.") is None


GARBLED = ("The minister said the newspaper that the government the farmers help would.",
           "According to a report by, there have been no official statements from the ministry.",
           "The police in the city yesterday a man arrested who the shop robbed had.")


@needs_lg
def test_the_reparse_of_a_failed_parse_names_the_words_a_fresh_one_names(signal):
    for text in GARBLED:
        verdict, parsed = signal.strict_parse(text)
        assert verdict is False, text
        assert signal.unlinked(text, parsed) == signal.unlinked(text) != [], text


@needs_lg
def test_without_sentence_detail_the_flag_stays_and_only_the_unlinked_words_go(signal):
    articles_only = grammar.build(Config(sentence_detail=False), None)
    for text in GARBLED:
        full, short = signal.score([sentence(text)])[0], articles_only.score([sentence(text)])[0]
        assert [(f.code, f.severity) for f in short.flags] == [(f.code, f.severity) for f in full.flags] \
            == [("no-parse", grammar.SEVERITY)], text
        assert short.values == full.values == {"parsed": 0.0}
        assert full.suspects and "unlinked" in full.flags[0].message
        assert short.suspects == () and "unlinked" not in short.flags[0].message


@needs_lg
def test_a_repeated_sentence_is_parsed_once_with_the_same_result():
    signal = grammar.build(None, None)  # its own: the verdicts it remembers are counted here
    calls = []
    strict = signal.strict_parse
    signal.strict_parse = lambda text: calls.append(text) or strict(text)
    garbled = "The minister said the newspaper that the government the farmers help would."
    sound = "The minister said that the government would help the farmers this winter."
    first = signal.score([sentence(garbled), sentence(sound)])
    again = signal.score([sentence(sound), sentence(garbled)])
    assert again == first[::-1] and len(calls) == 2
    assert first[0].flags and first[0].suspects  # the unlinked words come back from memory too
    fresh = grammar.build(None, None).score([sentence(garbled)])
    assert fresh == first[:1]


@needs_lg
def test_a_parse_cut_off_by_the_time_limit_is_tried_again_with_the_longer_one():
    """The limit counts CPU time, which load stretches: a cut-off strict parse gets one more,
    longer try, and gives the verdict a quiet machine gives."""
    garbled = "The minister said the newspaper that the government the farmers help would."
    sound = "The minister said that the government would help the farmers this winter."
    expected = grammar.build(None, None).score([sentence(garbled), sentence(sound)])
    hurried = grammar.build(None, None)
    hurried.strict = hurried._options(max_null_count=0, seconds=0)  # times out at once
    assert hurried.score([sentence(garbled), sentence(sound)]) == expected
    assert expected[0].suspects and expected[1].values == {"parsed": 1.0}
    hurried.strict_retry = hurried._options(max_null_count=0, seconds=0)  # and the retry too: no verdict
    hurried.known.clear()  # (nor one remembered)
    assert hurried.score([sentence(sound)])[0].values == {}


@needs_lg
def test_a_sentence_broken_throughout_or_too_long_is_flagged_whole_without_suspects():
    """The re-parse is bounded by work, not by a clock: past four unlinked words, or past 35 words,
    the flag covers the sentence and names no words, the same on any machine and under any load."""
    signal = grammar.build(None, None)
    scrambled = "The the minister said said the newspaper newspaper that that government the the farmers help would would of of."
    long = ("The minister said on Tuesday in the capital that the government, which had promised the farmers of the "
            "northern region more money last year, would help them again this winter the newspaper that the "
            "government the farmers help would.")
    assert len(long.split()) > grammar.SUSPECT_MAX_WORDS >= len(scrambled.split())
    for text in (scrambled, long):
        result = signal.score([sentence(text)])[0]
        assert [(f.code, f.severity, f.start, f.end) for f in result.flags] \
            == [("no-parse", grammar.SEVERITY, 100, 100 + len(text))], text
        assert result.suspects == () and result.flags[0].message \
            == "no complete grammatical parse (too long or too broken to name the words)"
        assert signal.score([sentence(text)])[0] == result
    assert signal.verdict(scrambled, True) == (False, ())  # remembered: a bound, not a timeout


@needs_lg
def test_a_reparse_cut_off_by_its_safety_limit_names_no_words_and_is_not_remembered():
    hurried = grammar.build(None, None)
    hurried.with_nulls = hurried._options(max_null_count=grammar.SUSPECT_MAX_NULLS, seconds=0)
    hurried.nulls_only = hurried._options(max_null_count=grammar.SUSPECT_MAX_NULLS, min_null_count=1, seconds=0)
    text = GARBLED[0]
    cut = hurried.score([sentence(text)])[0]
    assert [f.code for f in cut.flags] == ["no-parse"] and cut.suspects == ()
    assert (text, True) not in hurried.known
    assert grammar.build(None, None).score([sentence(text)])[0].suspects
