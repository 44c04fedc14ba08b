"""One parse per paragraph: the segmenter's parse is what the detectors read, sentence by sentence."""

from __future__ import annotations

from dataclasses import replace

from conftest import DATA

from mtqa.config import Config
from mtqa.pipeline import Checker
from mtqa.signals.rules import VERSION, RulesSignal
from mtqa.text.sentences.segment import parse_runs, segment, segment_parsed
from mtqa.types import Document

PARAGRAPH = "Ministers met in Berlin on Monday. They agreed on a plan, officials said. Talks go on."


def _annotations(tokens, shift: int = 0) -> list[tuple]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.dep_, t.head.i - shift) for t in tokens]


def test_a_sentence_gets_its_stretch_of_the_paragraph_parse():
    (starts, [window]), = parse_runs([PARAGRAPH])
    a = PARAGRAPH.index("They")
    b = PARAGRAPH.index(" Talks")
    sentence = window.sentence(a, b)
    assert sentence.text == "They agreed on a plan, officials said."  # no trailing space, own offsets
    assert sentence[0].idx == 0 and sentence[-1].whitespace_ == ""
    span = window.doc.char_span(a, b)
    assert _annotations(sentence) == _annotations(span, shift=span.start)


def test_no_copy_where_the_parser_does_not_end_a_sentence():
    (_, [window]), = parse_runs([PARAGRAPH])
    assert window.sentence(0, PARAGRAPH.index(" on Monday")) is None  # mid-sentence
    assert window.sentence(0, 5) is None  # inside a word


def test_tagging_the_paragraph_does_not_move_a_sentence_boundary():
    paragraphs = [p for path in [DATA / "seed-article.txt", *sorted((DATA / "samples").glob("*.txt"))]
                  for p in path.read_text("utf-8").split("\n\n") if p.strip()]
    tagged = [starts for starts, _ in parse_runs(paragraphs, tag=True)]
    plain = [starts for starts, _ in parse_runs(paragraphs, tag=False)]
    assert tagged == plain


def test_segment_parsed_segments_as_segment_does(seed_path):
    document = Document("seed", str(seed_path), seed_path.read_text("utf-8"))
    sentences, parses = segment_parsed(document)
    assert sentences == segment(document)
    body = [s for s in sentences if s.kind == "body"]
    assert parses and set(parses) <= {(s.start, s.end) for s in body}
    assert all(parses[(s.start, s.end)].text == s.text for s in body if (s.start, s.end) in parses)


def test_the_rules_do_not_parse_a_sentence_the_segmenter_parsed(seed_path, monkeypatch):
    parsed_again: list[str] = []
    original = RulesSignal._parse

    def recording(self, texts):
        parsed_again.extend(texts)
        return original(self, texts)

    monkeypatch.setattr(RulesSignal, "_parse", recording)
    document = Document("seed", str(seed_path), seed_path.read_text("utf-8"))
    checker = Checker(Config(signals=("rules",)))
    checker.check_document(document)
    _, parses = segment_parsed(document)
    given = {document.text[a:b] for a, b in parses}
    assert parses and not given & set(parsed_again)
    prose = [s for s in segment(document) if s.is_prose]
    assert len(parsed_again) == len(prose) - len(parses)  # titles, headings: parsed on their own


def test_a_one_sentence_paragraph_reads_as_the_sentence_alone():
    """In context or alone is the same parse when the paragraph is the sentence: same values, flags."""
    text = "The minister said on Monday that the talks would continue.\n\nHowever, this has not yet responded.\n"
    document = Document("a", "a.txt", text)
    article = Checker(Config(signals=("rules",))).check_document(document)
    lines = Checker(replace(Config(signals=("rules",)), lines=True)).check_document(document)
    assert [s.sentence.text for s in article.sentences] == [s.sentence.text for s in lines.sentences]
    for a, b in zip(article.sentences, lines.sentences):
        assert a.signals["rules"].values == b.signals["rules"].values
        assert a.signals["rules"].flags == b.signals["rules"].flags


def test_whitespace_between_sentences_does_not_cost_the_copy():
    """Double spaces, tabs and no-break spaces are tokens of their own; the copy steps over them."""
    text = "The talks went on.  The unions agreed.\u00a0The end came. Fine, he said.\tThen he left."
    sentences, parses = segment_parsed(Document("w", "w.txt", text))
    assert len(sentences) == 5
    assert set(parses) == {(s.start, s.end) for s in sentences}


def test_parse_sentence_reads_every_sentence_alone_and_signs_it(seed_path):
    """``--parse sentence``: no paragraph parse is reused, as before one parse per paragraph existed."""
    document = Document("seed", str(seed_path), seed_path.read_text("utf-8"))
    checker = Checker(Config(signals=("rules",), parse="sentence"))
    report = checker.check_document(document)
    assert f"|rules:{VERSION}-sentence|" in report.signature and f"|rules:{VERSION}|" not in report.signature
    prose = [s.sentence for s in report.sentences if s.sentence.is_prose]
    alone = RulesSignal().score(prose)  # no parses given: each sentence parsed on its own
    assert [s.signals["rules"] for s in report.sentences if s.sentence.is_prose] == alone
    default = Checker(Config(signals=("rules",))).check_document(document)
    assert f"|rules:{VERSION}|" in default.signature
    assert [s.signals["rules"] for s in default.sentences if s.sentence.is_prose] != alone  # context counts


def test_an_unknown_parse_is_one_line_and_exit_2(cli, seed_path):
    from conftest import one_line_error

    one_line_error(cli("check", seed_path, "--signals", "rules", "--parse", "word"), "unknown parse 'word'")
