"""The HTML page and the terminal table, read as text (the browser test renders the page)."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

from report_samples import FAKENEWS, GARBLED, check_text, flagged_report, render, with_junk

from mtqa.report import View, make_writer
from mtqa.scoring.gate import Gate


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(page: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


def test_html_escapes_hostile_text_and_loads_nothing():
    page = render("html", flagged_report())
    tags = tags_of(page)
    assert [t for t, _ in tags].count("script") == 1  # only the sorting snippet
    assert not any(t == "img" for t, _ in tags)
    assert not any(k.startswith("on") for _, attrs in tags for k in attrs)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # no network
    assert "&lt;script&gt;document.title" in page


def test_html_lists_flagged_sentences_first_with_reasons_and_signature():
    report = with_junk(flagged_report(), "Berlin", "teaser", "video teaser")
    page = render("html", report)
    repair, full = page.split("<h3>Full text</h3>")
    assert repair.index(GARBLED) < repair.index("Critics")  # major before minor
    assert "unlikely-translation" in repair and "fake news" in repair
    assert f'<u class="sus" title="untranslated-german">{FAKENEWS}</u>' in full
    assert 'data-kind="teaser"' in full
    assert report.signature in page
    assert page == render("html", report)  # byte-identical


def test_html_index_for_many_articles_links_to_sections():
    page = render("html", flagged_report(), check_text("A fine one.", "ok.txt"),
                  view=View(kind="check", gate=Gate()))
    assert '<table class="index">' in page
    assert '<a href="#doc-0">wire/story.txt</a>' in page and 'id="doc-1"' in page
    assert page.count('class="chip fail"') >= 1 and 'class="chip pass"' in page
    assert '<table class="index">' not in render("html", flagged_report())


def test_table_plain_when_piped_marks_spans_in_brackets(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    text = render("table", flagged_report())
    assert "\x1b[" not in text
    assert f"[[{FAKENEWS}]]" in text and "-> fake news" in text


def test_table_colour_underlines_spans_and_no_color_wins(monkeypatch):
    coloured = render("table", flagged_report(), view=View(color=True))
    assert re.search(r"\x1b\[[0-9;]*4[0-9;]*m" + FAKENEWS, coloured)  # underlined
    assert "\x1b[1;31m" in coloured  # major in bold red
    assert "[[" not in coloured

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setenv("NO_COLOR", "1")
    out = Tty()
    writer = make_writer("table", out, View())
    writer.add(flagged_report())
    writer.close()
    assert "\x1b[" not in out.getvalue()


def test_table_wraps_long_sentences_within_width():
    long = "The committee " + "discussed the budget at length and " * 12 + "agreed."
    report = check_text(long, "long.txt")
    text = render("table", report, view=View(show_all=True))
    assert max(len(line) for line in text.splitlines()) <= 160
    assert "agreed." in text


def test_table_strips_terminal_escapes_from_article_text():
    text = render("table", check_text("Evil \x1b]0;title\x07 text here.", "e.txt"), view=View(show_all=True))
    assert "\x1b" not in text and "\x07" not in text
