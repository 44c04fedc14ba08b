"""Page shapes that unseen pages bring (titles kept, prose never set aside, junk caught), on invented pages."""

from __future__ import annotations

from mtqa.text.sentences.segment import segment
from mtqa.types import Document

JUNK = {"credit", "caption", "byline", "teaser", "signoff", "boilerplate", "duplicate"}

HEADLINE = "Harbour town votes to close its two public pools for the winter"
PROSE_1 = ("The regional council in the northern town voted on Monday to close two of its public pools "
           "for the winter, citing the cost of heating.")
PROSE_2 = ("Opposition members said the decision would hit families who could not afford the private clubs "
           "that are open all year.")
PROSE_3 = ("The mayor told reporters that the pools would reopen in April if the budget allowed it, "
           "and that the schools would get buses to the next town.")


def kinds(text: str) -> dict[str, str]:
    return {s.text: s.kind for s in segment(Document("t", "t.txt", text))}


def assert_prose_kept(got: dict[str, str], *sentences: str) -> None:
    for sentence in sentences:
        assert got.get(sentence) == "body", (sentence, got.get(sentence))


def test_breadcrumb_repeating_the_headline_leaves_the_headline_a_title():
    crumb = f"Home › Regions › North › {HEADLINE}"
    got = kinds("\n\n".join(["Daily Harbour Courier", crumb, HEADLINE, PROSE_1, PROSE_2]))
    assert got[HEADLINE] == "title"
    assert got[crumb] in JUNK
    assert_prose_kept(got, PROSE_1, PROSE_2)


def test_breadcrumb_with_one_separator_repeating_the_headline():
    crumb = f"Regions / {HEADLINE}"
    got = kinds("\n\n".join([HEADLINE + " | Daily Harbour Courier", crumb, HEADLINE, PROSE_1, PROSE_2]))
    assert got[HEADLINE] == "title"
    assert got[crumb] in JUNK
    assert_prose_kept(got, PROSE_1, PROSE_2)


def test_wire_prefix_keeps_both_headlines_titles():
    for prefix in ("ROUNDUP: ", "UPDATE 2-", "EXCLUSIVE: ", "ROUNDUP/", "WDH: ", "BREAKING: "):
        got = kinds("\n\n".join([prefix + HEADLINE, HEADLINE, PROSE_1, PROSE_2, PROSE_3]))
        assert got[prefix + HEADLINE] == "title", prefix
        assert got[HEADLINE] == "title", prefix
        assert_prose_kept(got, PROSE_1, PROSE_2, PROSE_3)


def test_wire_prefix_on_a_lone_headline():
    for prefix in ("ROUNDUP: ", "UPDATE 2-", "BREAKING: "):
        got = kinds("\n".join(["Harbour Courier", prefix + HEADLINE, PROSE_1, PROSE_2]))
        assert got[prefix + HEADLINE] == "title", prefix


def test_kicker_above_the_title():
    for kicker in ("Pool closures", "Budget row in the north", "Winter savings"):
        for sep in ("\n", "\n\n"):
            got = kinds(sep.join([kicker, HEADLINE, "12 March 2031", PROSE_1, PROSE_2]))
            assert got[HEADLINE] == "title", (kicker, sep)
            assert got[kicker] != "body", (kicker, sep)
            assert_prose_kept(got, PROSE_1, PROSE_2)


def test_junk_then_prose_on_one_line_is_split():
    for head in ("(Read more here.)", "Latest news …", "Video:", "Read more:"):
        page = "\n\n".join([HEADLINE, PROSE_1, head + " " + PROSE_2, PROSE_3])
        got = kinds(page)
        assert got.get(head) in JUNK, (head, got)
        assert_prose_kept(got, PROSE_1, PROSE_2, PROSE_3)


def test_prose_then_bracketed_note_keeps_the_prose():
    page = "\n\n".join([HEADLINE, PROSE_1, PROSE_2 + " (Read more here.)", PROSE_3])
    got = kinds(page)
    assert got.get("(Read more here.)") in JUNK
    assert_prose_kept(got, PROSE_1, PROSE_2, PROSE_3)


def test_prose_next_to_a_photo_credit_is_not_a_caption():
    page = "\n".join([HEADLINE, "Photo: Jan Novak/dpa", PROSE_1 + " " + PROSE_2, "", PROSE_3])
    got = kinds(page)
    assert_prose_kept(got, PROSE_1, PROSE_2, PROSE_3)


def test_author_bio_after_the_article():
    bio = "Maria Keller is a political correspondent for the Harbour Courier and covers the regional council."
    got = kinds("\n\n".join([HEADLINE, PROSE_1, PROSE_2, PROSE_3, bio]))
    assert got[bio] in JUNK
    assert_prose_kept(got, PROSE_1, PROSE_2, PROSE_3)


def test_a_sentence_about_a_reporter_inside_the_article_stays():
    about = "Maria Keller is a reporter for the Harbour Courier who first wrote about the heating bill."
    got = kinds("\n\n".join([HEADLINE, PROSE_1, about, PROSE_2, PROSE_3]))
    assert_prose_kept(got, PROSE_1, about, PROSE_2, PROSE_3)


def test_date_and_category_lines():
    for stamp in ("Politics | 12 March 2031", "Regional politics | 12 March 2031", "Updated 14:32 · 3 min read",
                  "Economy · 4 min read", "Updated 12.03.2031, 14:32 · 5 minutes reading time"):
        got = kinds("\n\n".join([HEADLINE, stamp, PROSE_1, PROSE_2]))
        assert got[stamp] in JUNK, stamp
        assert got[HEADLINE] == "title"
        assert_prose_kept(got, PROSE_1, PROSE_2)


def test_related_article_list_after_the_article():
    related = ["Ferry line to the islands stops in November", "New school opens on the old harbour site",
               "Council wants more buses for the villages"]
    got = kinds("\n\n".join([HEADLINE, PROSE_1, PROSE_2, PROSE_3, *related, "Maria Keller is a reporter."]))
    assert [got[r] for r in related] == ["boilerplate"] * 3
    assert_prose_kept(got, PROSE_1, PROSE_2, PROSE_3)


def test_related_lines_opened_by_a_label():
    for line in ("Also read Ferry line to the islands stops in November", "Related: Ferry line to the islands stops",
                 "Read also Ferry line to the islands stops in November"):
        got = kinds("\n\n".join([HEADLINE, PROSE_1, line, PROSE_2, PROSE_3]))
        assert got[line] in JUNK, line
        assert_prose_kept(got, PROSE_1, PROSE_2, PROSE_3)


def test_headings_between_paragraphs_stay_headings():
    got = kinds("\n\n".join([HEADLINE, PROSE_1, "What the council decided", PROSE_2, "Protest planned", PROSE_3]))
    assert got["What the council decided"] == "heading"
    assert got["Protest planned"] == "heading"


def test_consent_box():
    box = ["External content",
           "To view this content from Example Video, you must agree to the display of external content.",
           "I agree to external content being displayed. Personal data may be passed on to third-party platforms.",
           "Load content"]
    got = kinds("\n\n".join([HEADLINE, PROSE_1, *box, PROSE_2, PROSE_3]))
    for line in box:
        assert all(kind in JUNK for text, kind in got.items() if text in line), (line, got)
    assert_prose_kept(got, PROSE_1, PROSE_2, PROSE_3)


def test_caption_left_in_german():
    caption = "Der Bürgermeister vor dem geschlossenen Hallenbad am Hafen."
    got = kinds("\n\n".join([HEADLINE, caption, PROSE_1, PROSE_2, PROSE_3]))
    assert got[caption] in JUNK
    assert got[HEADLINE] == "title"
    assert_prose_kept(got, PROSE_1, PROSE_2, PROSE_3)


def test_untranslated_sentence_inside_the_article_is_kept():
    german = "Der Bürgermeister sagte, die Bäder würden im April wieder öffnen."
    got = kinds("\n\n".join([HEADLINE, PROSE_1, PROSE_2, german, PROSE_3]))
    assert got[german] == "body"


def test_consent_box_in_other_words():
    box = ["At this point you will find external content that complements the article. You can display it with one click.",
           "I agree that external content is displayed to me. Personal data may be sent to third-party platforms."]
    got = kinds("\n\n".join([HEADLINE, PROSE_1, *box, PROSE_2, PROSE_3]))
    for line in box:
        assert all(kind in JUNK for text, kind in got.items() if text in line), (line, got)
    assert_prose_kept(got, PROSE_1, PROSE_2, PROSE_3)


def test_two_related_headlines_under_a_label():
    related = ["Ferry line to the islands stops in November", "New school opens on the old harbour site"]
    got = kinds("\n\n".join([HEADLINE, PROSE_1, PROSE_2, "Related articles", *related, PROSE_3]))
    assert [got[r] for r in related] == ["boilerplate"] * 2
    assert_prose_kept(got, PROSE_1, PROSE_2, PROSE_3)


def test_a_sentence_cut_off_by_the_page_is_kept():
    cut = "The mayor said the council would discuss the pools again at its meeting in"
    got = kinds("\n\n".join([HEADLINE, PROSE_1, PROSE_2, PROSE_3, cut]))
    assert got[cut] == "body"


def test_photo_credit_before_paragraphs_of_prose_is_split_off():
    line = "JAN NOVAK / AFP " + PROSE_1 + " " + PROSE_2
    got = kinds("\n\n".join([HEADLINE, line, PROSE_3]))
    assert got.get("JAN NOVAK / AFP") in JUNK, got
    assert_prose_kept(got, PROSE_1, PROSE_2, PROSE_3)
    caption = "JAN NOVAK / AFP The mayor at the closed pool on Monday."
    assert kinds("\n\n".join([HEADLINE, caption, PROSE_1, PROSE_2]))[caption] in JUNK


def test_a_sentence_full_of_interface_words_is_prose_but_an_instruction_to_the_reader_is_not():
    video = "The minister posted a video on Facebook and shared it with his followers on Twitter."
    command = "Watch the video here: more news and live updates below."
    got = kinds("\n\n".join([HEADLINE, PROSE_1, video, PROSE_2, command]))
    assert_prose_kept(got, PROSE_1, video, PROSE_2)
    assert got[command] in JUNK


def test_a_long_sentence_that_lost_its_stop_after_the_article_is_kept():
    cut = "Opposition members also said that the council had not asked the clubs of the town first"
    got = kinds("\n\n".join([HEADLINE, PROSE_1, PROSE_2, cut, "Leave a Reply"]))
    assert_prose_kept(got, PROSE_1, PROSE_2, cut)
