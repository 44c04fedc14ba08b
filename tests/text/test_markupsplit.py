"""Sentences split by page markup (mtqa.text.sentences.markupsplit.glue) on invented lines and kinds."""

from __future__ import annotations

from mtqa.text.sentences.markupsplit import glue

BODY = ("body", None)
NAME = ("boilerplate", "name line (byline)")


def test_name_in_its_own_line_between_two_pieces_is_glued():
    texts = ["The plan was criticised on Monday by the", "Maria Keller", "(Greens), who called it rushed."]
    assert glue(texts, [BODY, NAME, BODY]) == {1, 2}


def test_both_ends_must_agree():
    # the piece before ends a sentence, or the piece after opens one: nothing is glued
    assert glue(["The plan was criticised on Monday.", "Maria Keller", "(Greens) called it rushed."],
                [BODY, NAME, BODY]) == set()
    assert glue(["The plan was criticised on Monday by the", "Maria Keller", "The Greens called it rushed."],
                [BODY, NAME, BODY]) == set()


def test_title_heading_and_other_junk_are_never_pieces():
    texts = ["The plan was criticised on Monday by the", "Maria Keller", "(Greens), who called it rushed."]
    assert glue(texts, [("title", None), NAME, BODY]) == set()
    assert glue(texts, [BODY, ("title", None), BODY]) == set()
    assert glue(texts, [BODY, ("credit", "photo credit (©)"), BODY]) == set()
    assert glue(texts, [BODY, NAME, ("boilerplate", "page furniture (interface words)")]) == set()
    assert glue(texts, [BODY, NAME, ("heading", None)]) == set()


def test_a_stray_word_does_not_open_a_split_sentence():
    assert glue(["minister", "minister"], [BODY, BODY]) == set()


def test_lead_in_colon_joins_the_quotation():
    texts = ["The mayor said:", "“We had no other choice.”"]
    assert glue(texts, [BODY, BODY]) == {1}
    assert glue(texts, [("heading", None), BODY]) == {1}  # a lead-in is no heading
    assert glue(["Background:", "“We had no other choice.”"], [BODY, BODY]) == set()
