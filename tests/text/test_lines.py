"""Page lines by shape (mtqa.text.page.lines) and how segment uses them, on invented pages."""

from __future__ import annotations

from mtqa.text.page import lines as L
from mtqa.text.sentences.segment import segment
from mtqa.types import Document


def kinds(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in segment(Document("t", "t.txt", text))]


PROSE_1 = ("The regional council in the northern town voted on Monday to close two of its public pools "
           "for the winter, citing the cost of heating.")
PROSE_2 = ("Opposition members said the decision would hit families who could not afford the private clubs "
           "that are open all year.")


def test_page_furniture_before_and_after_the_article():
    page = "\n".join([
        "Home › Regions › North",
        "Daily Harbour Courier",
        "Council closes two pools for the winter",
        "12.03.2031, 09:41",
        PROSE_1,
        PROSE_2,
        "Share on Facebook Share on Twitter",
        "Your email address will not be published.",
        "Read more",
    ])
    got = kinds(page)
    assert ("title", "Council closes two pools for the winter") in got
    assert [k for k, t in got if t.startswith(("Home", "Daily", "12.03", "Share", "Your", "Read"))] == ["boilerplate"] * 6
    assert [k for k, t in got if t in (PROSE_1, PROSE_2)] == ["body", "body"]


def test_a_date_line_is_never_the_title():
    verdicts = L.classify(["Monday, 3 March 2031", PROSE_1, PROSE_2])
    assert verdicts[0].kind == "junk" and verdicts[0].reason == "date or time stamp"
    assert all(v.kind != "title" for v in verdicts)


def test_short_closing_paragraph_keeps_its_heading():
    page = "\n\n".join(["Pools close for winter", PROSE_1, "Protest planned", "Parents will meet on Friday. They want answers."])
    got = kinds(page)
    assert ("heading", "Protest planned") in got
    assert ("body", "Parents will meet on Friday.") in got


def test_standalone_dateline_is_not_set_aside():
    got = kinds("Pools close for winter\n\nMUNICH.\n\n" + PROSE_1 + "\n\n" + PROSE_2 + "\n")
    assert all(k != "boilerplate" for k, t in got if t == "MUNICH.")


def test_name_line_is_a_byline_and_its_neighbour_a_teaser():
    # a short line next to a person's name inside the page is a related-article teaser or an author's bio
    page = "\n".join(["Pools close for winter", PROSE_1, "Maria Keller", "Swimming pools: winter in the lake instead",
                      PROSE_2, "Jonas Brandt", "Reporter for the regional desk since 2019."])
    got = dict((t, k) for k, t in kinds(page))
    assert got["Maria Keller"] == "boilerplate"
    assert got["Swimming pools: winter in the lake instead"] == "boilerplate"
    assert got["Reporter for the regional desk since 2019."] == "boilerplate"
    assert got[PROSE_2] == "body"


def test_heading_right_after_a_name_line_is_a_heading():
    # a photographer's or author's name, then a cross-heading that opens the next paragraph
    page = "\n".join(["Pools close for winter", PROSE_1, "Maria Keller", "Winter swimming in the lake instead", PROSE_2])
    got = dict((t, k) for k, t in kinds(page))
    assert got["Maria Keller"] == "boilerplate"
    assert got["Winter swimming in the lake instead"] == "heading"
    assert got[PROSE_2] == "body"


def test_heading_after_prose_without_blank_lines_stands_alone():
    page = "\n".join(["Pools close for winter", PROSE_1, "What happens next", PROSE_2])
    got = kinds(page)
    assert ("heading", "What happens next") in got
    assert ("body", PROSE_2) in got


def test_caption_with_glued_credit_and_interface_lines():
    assert L.shape_junk("Swimmers at the town pool last summer.Photo: Jan Novak") == "caption with a photo credit"
    assert L.shape_junk("Required fields are marked *").startswith("page furniture")
    assert L.shape_junk(PROSE_1) == ""


def test_no_prose_no_verdict():
    assert L.classify(["Farm aid", "the ministry said that the decision which by the government was taken"]) is None


def test_segmentation_fixes():
    # a German closing quote ends a sentence; no break without whitespace; none inside "26. May"
    got = [t for k, t in kinds("Pools close\n\n" + "She called it „a bad day.“ Nevertheless the pools stay shut. "
                                 "The vote on 26. May was close. The site Info.Ru reported it first.\n")]
    assert "She called it „a bad day.“" in got
    assert "The vote on 26. May was close." in got
    assert "The site Info.Ru reported it first." in got


def test_sentence_split_by_markup_is_joined():
    page = "\n".join(["Pools close for winter", PROSE_1, "The mayor said the plan would help to achieve",
                      "“the savings the town needs this year,” she added.", PROSE_2])
    got = kinds(page)
    assert ("body", "The mayor said the plan would help to achieve\n“the savings the town needs this year,” she added.") in got


def test_sentence_split_around_a_linked_name_is_joined():
    page = "\n".join(["Pools close for winter", PROSE_1,
                      "The decision was sharply criticised by the",
                      "Green",
                      "group leader",
                      "Maria Keller",
                      "(Greens) on Tuesday, who called it short-sighted.", PROSE_2])
    got = kinds(page)
    assert ("body", "The decision was sharply criticised by the\nGreen\ngroup leader\nMaria Keller\n"
                    "(Greens) on Tuesday, who called it short-sighted.") in got
    assert ("body", PROSE_2) in got


def test_sentence_split_over_a_blank_line_is_joined():
    page = "\n\n".join(["Pools close for winter", PROSE_1 + " " + PROSE_2 + " The savings are meant to",
                        "“help the town balance its budget,” the mayor said.", PROSE_1])
    got = [t for k, t in kinds(page)]
    assert "The savings are meant to\n\n“help the town balance its budget,” the mayor said." in got


def test_lead_in_with_a_colon_joins_its_quotation():
    page = "\n".join(["Pools close for winter", PROSE_1, "The mayor said:",
                      "“We had no other choice. The heating bill doubled.”", PROSE_2])
    got = kinds(page)
    assert ("body", "The mayor said:\n“We had no other choice.") in got
    assert ("body", "The heating bill doubled.”") in got


def test_headings_and_junk_are_never_glued_into_a_sentence():
    page = "\n".join(["Pools close for winter", PROSE_1,
                      "What happens next", "“The pools will reopen in spring,” the mayor said.",
                      "Opposition members said that the decision on the pools was taken without",
                      "Share on Facebook",
                      "(see the full vote here)", PROSE_2,
                      "Background:", "“Nobody asked us,” one parent said."])
    got = kinds(page)
    assert ("heading", "What happens next") in got
    assert ("boilerplate", "Share on Facebook") in got
    assert ("body", "Opposition members said that the decision on the pools was taken without") in got
    assert ("body", "“Nobody asked us,” one parent said.") in got
    # the title stays the title even when the first sentence starts in lower case
    got = kinds("Pools close for winter\n(the council voted on Monday) " + PROSE_1)
    assert got[0] == ("title", "Pools close for winter")
