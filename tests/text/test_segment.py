"""Segmentation: exact offsets, lines and columns, sentence boundaries, and the kind of each segment."""

from __future__ import annotations

import csv
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtqa.positions import LineIndex
from mtqa.text.sentences import markupsplit
from mtqa.text.sentences.segment import segment, segment_lines
from mtqa.types import JUNK_KINDS, Document


def doc(text: str) -> Document:
    return Document("t", "t.txt", text)


def texts(text: str) -> list[str]:
    return [s.text for s in segment(doc(text))]


def body(text: str) -> list[str]:
    return [s.text for s in segment(doc(text)) if s.kind == "body"]


def assert_well_formed(text: str, sentences) -> None:
    """Exact slices, in order, no overlap, every non-space character covered, no blank-line crossing
    except where page markup split a sentence (the piece before stops mid-sentence, the next goes on)."""
    covered = [False] * len(text)
    last_end = 0
    for i, s in enumerate(sentences):
        assert s.index == i
        assert s.text == text[s.start:s.end]
        assert s.text == s.text.strip() and s.text
        assert s.start >= last_end
        last_end = s.end
        for m in re.finditer(r"(?:\r\n|\r(?!\n)|\n)\s*(?:\r\n|\r|\n)\s*", s.text):
            before, after = s.text[:m.start()].rstrip(), s.text[m.end():]
            assert markupsplit.STOPS_MID.search(before) and markupsplit.CONTINUES.match(after), s.text
        for k in range(s.start, s.end):
            covered[k] = True
    missing = [ch for ch, c in zip(text, covered) if not c and not ch.isspace()]
    assert not missing, missing


# ---- offsets, lines, columns ----------------------------------------------------------------


def test_line_and_column_with_crlf_and_cr():
    text = "Markets fell\r\n\r\nShares dropped. Bonds rose.\rOil was flat.\n"
    sentences = segment(doc(text))
    assert [(s.text, s.line, s.col) for s in sentences] == [
        ("Markets fell", 1, 1),
        ("Shares dropped.", 3, 1),
        ("Bonds rose.", 3, 17),
        ("Oil was flat.", 4, 1),
    ]
    assert_well_formed(text, sentences)


def test_line_index_counts_every_break_style():
    index = LineIndex("a\r\nb\rc\nd")
    assert [index.line_col(i) for i in (0, 3, 5, 7)] == [(1, 1), (2, 1), (3, 1), (4, 1)]


def test_indented_lines_keep_their_column():
    sentences = segment(doc("Headline of the day\n\n   The minister resigned on Tuesday.\n"))
    assert (sentences[1].line, sentences[1].col, sentences[1].text) == (3, 4, "The minister resigned on Tuesday.")


_WORDS = st.sampled_from(
    ["The", "minister", "said", "U.S.", "Dr.", "No. 5", "Jan.", "“quote”", "„Zitat“", "«x»", "...", "—",
     "in", "Berlin", "2020", "(dpa)", "©", "Photo:", "Video:", "•", "-", "kle/uh", "it", "?", "!"]
)
_PIECES = st.one_of(_WORDS, st.sampled_from([" ", " ", " ", ". ", "\n", "\r\n", "\n\n", "\r", "  \n \n", "\t"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, min_size=1, max_size=60))
def test_any_text_is_covered_exactly_once(pieces):
    text = "".join(pieces)
    assert_well_formed(text, segment(doc(text)))


# ---- sentence boundaries --------------------------------------------------------------------


def test_abbreviations_do_not_end_sentences():
    text = ("Dr. Meyer met Gen. Lopez on Jan. 12 at No. 5 Main Street in the U.S. capital. "
            "Their talks lasted two hours.")
    assert body(text) == [
        "Dr. Meyer met Gen. Lopez on Jan. 12 at No. 5 Main Street in the U.S. capital.",
        "Their talks lasted two hours.",
    ]


def test_german_abbreviations_left_in_the_copy_do_not_end_sentences():
    assert body("The state pays 5 Mio. Euro to the firms. Critics call it too little.") == [
        "The state pays 5 Mio. Euro to the firms.",
        "Critics call it too little.",
    ]


def test_sentence_ending_in_abbreviation_still_ends():
    assert body("Inflation rose by 3 percent in the U.S. The central bank is worried.") == [
        "Inflation rose by 3 percent in the U.S.",
        "The central bank is worried.",
    ]


def test_quotes_of_every_style_stay_with_their_sentence():
    text = ("“We will not give up,” the mayor said. She added: «This is final.» "
            "„Nie wieder“, rief sie. He asked: ‘Why now?’ Nobody answered.")
    assert body(text) == [
        "“We will not give up,” the mayor said.",
        "She added: «This is final.»",
        "„Nie wieder“, rief sie.",
        "He asked: ‘Why now?’",
        "Nobody answered.",
    ]


def test_ellipsis_and_question_marks():
    assert body("The vote was close... Then came the recount. Who won? Nobody knows!") == [
        "The vote was close...", "Then came the recount.", "Who won?", "Nobody knows!",
    ]


def test_garbled_sentence_without_punctuation_is_not_cut():
    text = "The ministry said that the decision which by the government was taken would the farmers help in the region quickly"
    assert body("Farm aid\n\n" + text) == [text]


def test_sentence_never_crosses_a_paragraph_break():
    text = "Council meets\n\nThe council met on Monday and\n\nNothing was decided at all."
    assert body(text) == ["The council met on Monday and", "Nothing was decided at all."]
    # unless the break is page markup: the piece before stops mid-sentence, the next goes on in lower case
    text = "Council meets\n\nThe council met on Monday and\n\ndecided nothing at all."
    assert body(text) == ["The council met on Monday and\n\ndecided nothing at all."]


def test_hard_wrapped_paragraph_joins_lines_into_sentences():
    text = ("The finance minister presented the budget to parliament on Wednesday\n"
            "afternoon. Opposition leaders called it a missed opportunity for the\n"
            "country and demanded changes.\n")
    sentences = [s for s in segment(doc(text)) if s.kind == "body"]
    assert len(sentences) == 2
    assert sentences[0].text.endswith("Wednesday\nafternoon.")
    assert (sentences[1].line, sentences[1].col) == (2, 12)


def test_bullets_are_separate_sentences():
    text = ("The agreement has three parts:\n"
            "• a ceasefire from Monday\n"
            "• the release of prisoners\n"
            "- talks on a new border\n")
    assert body(text) == [
        "The agreement has three parts:", "• a ceasefire from Monday", "• the release of prisoners",
        "- talks on a new border",
    ]


# ---- titles and headings --------------------------------------------------------------------


def test_title_and_cross_headings():
    text = ("Storm floods coastal towns\n\n"
            "Heavy rain hit the coast on Sunday. Hundreds of homes were flooded.\n\n"
            "Rescue teams on the way\n\n"
            "The army sent helicopters. Schools stayed closed.\n")
    kinds = [(s.kind, s.text) for s in segment(doc(text))]
    assert kinds[0] == ("title", "Storm floods coastal towns")
    assert ("heading", "Rescue teams on the way") in kinds
    assert [k for k, _ in kinds].count("body") == 4


def test_question_headline_is_a_title():
    assert segment(doc("Will the euro survive?\n\nEconomists are divided.\n"))[0].kind == "title"


def test_short_final_sentence_is_body_not_heading():
    text = "Storm floods coastal towns\n\nHeavy rain hit the coast.\n\nMore rain is expected.\n"
    assert [s.kind for s in segment(doc(text))] == ["title", "body", "body"]


def test_junk_is_its_own_segment_with_reason():
    text = ("Parliament approves new budget\n\n"
            "Lawmakers voted 320 to 250 on Thursday. The budget takes effect in January.\n\n"
            "© dpa-Zentralbild\n"
            "Members of parliament during the vote (file photo)\n\n"
            "Read more: What the budget means for families\n\n"
            "ab/cd (dpa, AFP)\n\n"
            "Sign up for our newsletter\n")
    segments = segment(doc(text))
    junk = [(s.kind, s.line) for s in segments if s.kind in JUNK_KINDS]
    assert junk == [("credit", 5), ("caption", 6), ("teaser", 8), ("signoff", 10), ("boilerplate", 12)]
    assert all(s.reason for s in segments if s.kind in JUNK_KINDS)
    assert_well_formed(text, segments)


def test_repeated_headline_and_paragraph_are_duplicates():
    text = ("Airport strike grounds flights\n\nAirport strike grounds flights\n\n"
            "Unions called the strike on Friday. Talks failed.\n\n"
            "Unions called the strike on Friday. Talks failed.\n")
    segments = segment(doc(text))
    dups = [s for s in segments if s.kind == "duplicate"]
    assert [(d.line, d.reason) for d in dups] == [(3, "repeats the headline"), (7, "repeats line 5")]
    assert [s.kind for s in segments][:1] == ["title"]


def test_signoff_glued_to_last_paragraph_is_set_aside():
    segments = segment(doc("The court met on Monday. The trial resumes next week. (AFP)\n"))
    assert [(s.kind, s.text) for s in segments] == [
        ("body", "The court met on Monday."), ("body", "The trial resumes next week."), ("signoff", "(AFP)"),
    ]


def test_one_line_of_sentences_is_not_a_title():
    assert segment(doc("Talks resumed. The ministers met again (AFP)\n"))[0].kind == "body"


# ---- --lines mode ---------------------------------------------------------------------------


def test_segment_lines_takes_each_line_as_one_body_sentence():
    text = "First segment. Still first.\r\n\r\n  Second segment  \rThird\n"
    sentences = segment_lines(doc(text))
    assert [(s.text, s.line, s.col, s.kind) for s in sentences] == [
        ("First segment. Still first.", 1, 1, "body"),
        ("Second segment", 3, 3, "body"),
        ("Third", 4, 1, "body"),
    ]


# ---- the seed article end to end ------------------------------------------------------------


def test_seed_article_matches_its_labels(seed_path):
    from conftest import DATA

    text = seed_path.read_text(encoding="utf-8")
    sentences = segment(doc(text))
    assert_well_formed(text, sentences)
    with open(DATA / "seed-labels.tsv", encoding="utf-8", newline="") as fh:
        labels = list(csv.DictReader(fh, delimiter="\t"))
    expected_kind = {"title": "title", "heading": "heading", "junk:duplicate-title": "duplicate",
                     "junk:credit": "credit", "junk:caption": "caption", "junk:signoff": "signoff",
                     "junk:teaser": "teaser", "junk:comment-form": "boilerplate"}
    matched = []
    for row in labels:
        hits = [s for s in sentences
                if s.line == int(row["line"]) and s.text.startswith(row["sentence_starts_with"])]
        assert len(hits) == 1, row
        kind = expected_kind.get(row["label"], "body")
        assert hits[0].kind == kind, (row, hits[0])
        matched.append(hits[0].index)
    assert sorted(matched) == list(range(len(sentences))), "a sentence with no label"


def test_long_paragraphs_are_parsed_in_windows_that_lose_nothing():
    from mtqa.text.sentences.segment import WINDOW, _windows

    text = "word " * (WINDOW // 4) + "It ends. Then " + "x" * (WINDOW * 2)
    pieces = _windows(text)
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= WINDOW for _, p in pieces)
    assert [at for at, _ in pieces] == sorted(at for at, _ in pieces)
    assert all(text[at:at + len(p)] == p for at, p in pieces)


def test_straight_quote_opening_the_next_sentence_starts_it():
    assert body('The index closed higher. "We are pleased," he said.') == [
        "The index closed higher.", '"We are pleased," he said.',
    ]
    assert body("Shares fell. '2024 was hard,' she said. Then she left.") == [
        "Shares fell.", "'2024 was hard,' she said.", "Then she left.",
    ]
    # A straight quote glued to the full stop still closes its sentence.
    assert body('He said: "We won." Then he left.') == ['He said: "We won."', "Then he left."]


def test_german_ordinal_inside_a_name_does_not_end_the_sentence():
    assert body("Dortmund won on Saturday. 1. FC Köln lost at home.") == [
        "Dortmund won on Saturday.", "1. FC Köln lost at home."]
    assert body("The club will play in the 2. Bundesliga next season. Fans were upset.") == [
        "The club will play in the 2. Bundesliga next season.", "Fans were upset."]
    assert body("The vote was 52 to 48. The motion failed.") == ["The vote was 52 to 48.", "The motion failed."]
