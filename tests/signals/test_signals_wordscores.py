"""Token scores → words → suspects: spans are words of the sentence, worst first, never out of range."""

from __future__ import annotations

from mtqa.signals.wordscores import suspects, word_scores, word_spans, words_of_offsets, words_of_pieces


def test_word_spans_trim_punctuation():
    text = "“Fakenews”, he said (twice)."
    assert [text[a:b] for a, b in word_spans(text)] == ["Fakenews", "he", "said", "twice"]
    other = "kle / uh"
    assert [other[a:b] for a, b in word_spans(other)] == ["kle", "/", "uh"]


def test_sentencepiece_pieces_group_by_word_start_marks():
    text = "Der Kreml bestreitet es."
    pieces = ["▁D", "er", "▁Kreml", "▁be", "stre", "ite", "t", "▁", "es", "."]
    assert words_of_pieces(text, pieces) == [0, 0, 1, 2, 2, 2, 2, 3, 3, 3]


def test_sentencepiece_mismatch_falls_back_to_finding_the_text():
    text = "Kremlin  denies   it, truly"
    pieces = ["▁Kreml", "in", "▁den", "ies"]  # truncated: fewer words than the sentence
    assert words_of_pieces(text, pieces) == [0, 0, 1, 1]


def test_offsets_skip_leading_spaces():
    text = "Hello world, it is."
    offsets = [(0, 5), (5, 11), (11, 12), (12, 15), (15, 18), (18, 19)]
    assert words_of_offsets(text, offsets) == [0, 1, 1, 2, 3, 3]


def test_a_word_takes_its_worst_piece_and_suspects_are_the_lowest_below_the_margin():
    text = "Russia dismissed the allegations as unfounded."
    words = word_scores(text, [0, 1, 1, 2, 3, 3, 4, 5, None], [-1, -1, -7, -1, -6, -1, -1, -5, -9])
    assert [(text[a:b], v) for a, b, v in words] == [
        ("Russia", -1), ("dismissed", -7), ("the", -1), ("allegations", -6), ("as", -1), ("unfounded", -5)]
    found = suspects(text, words, mean=-2.0, margin=2.0, limit=2)
    assert [(s.text, s.value) for s in found] == [("dismissed", -7), ("allegations", -6)]
    for s in found:
        assert text[s.start:s.end] == s.text
    assert suspects(text, words, mean=-2.0, margin=10.0) == ()
