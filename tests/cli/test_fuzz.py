"""Property-based fuzzing of the segmenter, the HTML reader, the decoder and the CLI.

Whatever arrives, no exception escapes; every sentence span maps back to the exact original text;
sentences come in order, never overlap, and together cover every non-whitespace character; the CLI
exits 0, 1 or 2. ``MTQA_FUZZ_EXAMPLES`` sets the total number of examples (default 2,100 in CI;
``make fuzz`` runs 20,000). Runs are derandomised so CI is reproducible.
"""

from __future__ import annotations

import json
import os
import unicodedata

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mtqa.cli.app import app
from mtqa.config import Config
from mtqa.ingest.html import looks_like_html, to_plain
from mtqa.ingest.sources import InputError, decode
from mtqa.pipeline import Checker
from mtqa.text.sentences.longsentences import MAX_CHARS
from mtqa.text.sentences.segment import segment, segment_lines
from mtqa.types import Document

DEFAULT_TOTAL = 2100
TOTAL = int(os.environ.get("MTQA_FUZZ_EXAMPLES", DEFAULT_TOTAL))


def fuzz_settings(share: int):
    """``share`` of the default 2,100 examples, scaled to MTQA_FUZZ_EXAMPLES."""
    phases = list(Phase)
    return settings(max_examples=max(1, share * TOTAL // DEFAULT_TOTAL), deadline=None, derandomize=True,
                    database=None, suppress_health_check=list(HealthCheck), phases=phases)


CHECKER = Checker(Config(signals=("rules",)))


def assert_partition(text: str, sentences) -> None:
    """Exact spans, in order, no overlap, and nothing but whitespace left between them."""
    pos = 0
    for i, s in enumerate(sentences):
        assert s.index == i
        assert pos <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == s.text
        assert text[pos:s.start].strip() == "", f"text lost between sentences: {text[pos:s.start]!r}"
        assert text.count("\n", 0, s.start) + text.count("\r", 0, s.start) - text.count("\r\n", 0, s.start) + 1 == s.line
        pos = s.end
    assert text[pos:].strip() == ""


# ---- strategies -------------------------------------------------------------------------------

ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)
SPICE = st.sampled_from(["\u200b", "\u202e", "\u202c", "\ufeff", "\u00ad", "\x1b[31m", "\t", "\u00a0",
                         "\u2028", "\x0c", "\x85", "…", "„", "“", "«", "»", "—", "’"])
WORD = st.one_of(
    st.from_regex(r"[A-Z]?[a-zäöüß]{1,12}", fullmatch=True),
    st.from_regex(r"[0-9]{1,4}([.,][0-9]{1,3})?", fullmatch=True),
    st.sampled_from(["Dr.", "U.S.", "z.B.", "Mr.", "e.g.", "(dpa)", "AFP", "Foto:", "Berlin", "NFD"]),
    SPICE,
)
SENTENCE = st.builds(lambda words, end: " ".join(words) + end,
                     st.lists(WORD, min_size=1, max_size=25), st.sampled_from([".", "!", "?", "…", "", ".\"", ":"]))
PARAGRAPH = st.builds(" ".join, st.lists(SENTENCE, min_size=1, max_size=6))
JUNK = st.sampled_from(["Foto: dpa", "(dpa)", "© Reuters 2024", "Lesen Sie auch: Mehr Nachrichten",
                        "Kommentar schreiben", "Anzeige", "Bild: AFP / John Doe", "mehr zum Thema"])
ARTICLE = st.builds(
    lambda title, blocks, newline, nfd: _article(title, blocks, newline, nfd),
    SENTENCE, st.lists(st.one_of(PARAGRAPH, JUNK), min_size=0, max_size=8),
    st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\n \t\n"]), st.booleans(),
)


def _article(title: str, blocks: list[str], newline: str, nfd: bool) -> str:
    text = newline.join([title, *blocks]) + newline
    return unicodedata.normalize("NFD", text) if nfd else text


TAG = st.sampled_from(["<p>", "</p>", "<br>", "<br/>", "<div class=\"x\">", "</div>", "<b>", "</b>",
                       "<a href=\"https://e.org/?a=1&amp;b=2\">", "</a>", "<h1>", "</h1>", "<li>",
                       "<script>var a = '<p>';</script>", "<style>p{}</style>", "<!-- note -->",
                       "<img src=x onerror=alert(1)>", "<span title='a>b'>", "</span>", "<", ">", "</"])
ENTITY = st.sampled_from(["&amp;", "&lt;", "&gt;", "&quot;", "&nbsp;", "&auml;", "&#8220;", "&#x201D;",
                          "&#27;", "&#0;", "&bogus;", "&", "&#", "&#x110000;", "&#9999999;"])
HTML = st.builds("".join, st.lists(st.one_of(TAG, ENTITY, SENTENCE, st.sampled_from([" ", "\n", "\r\n"])),
                                   max_size=40))


# ---- segmenter --------------------------------------------------------------------------------

@fuzz_settings(500)
@given(ANY_TEXT)
def test_fuzz_segment_random_unicode(text):
    doc = Document("fuzz", "fuzz", text)
    assert_partition(text, segment(doc))
    assert_partition(text, segment_lines(doc))


@fuzz_settings(400)
@given(ARTICLE)
def test_fuzz_segment_article_structures(text):
    doc = Document("fuzz", "fuzz", text)
    assert_partition(text, segment(doc))
    sentences = CHECKER.sentences(doc)  # with run-on splitting for the models
    assert_partition(text, sentences)
    assert all(len(s.text) <= MAX_CHARS for s in sentences if s.is_prose)


@fuzz_settings(400)
@given(HTML)
def test_fuzz_html_as_text(text):
    sentences = CHECKER.sentences(Document("fuzz", "fuzz", text))
    plain = to_plain(text).text if looks_like_html(text) else text
    pos = 0
    for s in sentences:
        assert pos <= s.start <= s.end <= len(text)
        # an entity (&#27;, &#0;) never smuggles in a control character the file did not have
        assert not any(ch in s.text and ch not in text for ch in "\x00\x1b")
        pos = s.end
    # no plain text lost or repeated: the sentences are the plain text, less whitespace
    assert "".join("".join(s.text.split()) for s in sentences) == "".join(plain.split())


# ---- decoding ---------------------------------------------------------------------------------

@fuzz_settings(300)
@given(st.one_of(st.binary(max_size=300),
                 st.builds(lambda t, enc: t.encode(enc, errors="replace"), ANY_TEXT,
                           st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))))
def test_fuzz_decode_random_bytes(data):
    try:
        text, encoding = decode(data, "fuzz")
    except InputError as exc:
        assert str(exc).startswith("fuzz: ") and "\n" not in str(exc)
        return
    assert encoding in ("utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1")
    assert "\x00" not in text


# ---- the CLI, in-process ----------------------------------------------------------------------

RUNNER = CliRunner()


@fuzz_settings(500)
@given(
    st.one_of(st.binary(max_size=400), ARTICLE.map(str.encode), HTML.map(str.encode),
              ANY_TEXT.map(lambda t: t.encode("utf-8"))),
    st.sampled_from(["flags", "score", "check"]),
    st.sampled_from(["json", "jsonl", "csv", "table", "markdown", "sarif", "github", "junit", "html"]),
    st.booleans(),
)
def test_fuzz_cli_on_random_input(data, command, fmt, lines):
    args = [command, "-", "--signals", "rules", "--format", fmt, "--no-color"] + (["--lines"] if lines else [])
    result = RUNNER.invoke(app, args, input=data)
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("mtqa: error: ")
    elif fmt == "json":
        doc = json.loads(result.stdout)[0]
        text, _ = decode(data, "-")
        for s in doc["sentences"]:
            assert s["start"] <= s["end"] <= len(text)
