"""Article text → segments → sentences, with exact offsets, lines and columns.

``segment`` reads the article line by line first (``mtqa.text.page.kinds``), because wire copy puts
its structure in lines: a headline, cross-headings, paragraphs, bullets, and junk (credits, captions,
sign-offs, teasers, web leftovers, repeated headlines) each on lines of their own. Junk, titles and
headings become one segment each; body paragraphs are split into sentences by spaCy's parser
(abbreviations, quotes and ellipses are its strength), and only at a break that follows terminal
punctuation, so a garbled sentence is never cut in the middle. A sentence never crosses a blank
line, except where page markup split it (``mtqa.text.sentences.markupsplit``: the piece before
stops mid-sentence, the next goes on).

``segment_lines`` takes every non-empty line as one sentence (for lists of segments such as
translation-memory exports).
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from mtqa.positions import LineIndex
from mtqa.text.page import junk
from mtqa.text.page import lines as page_lines
from mtqa.text.page.kinds import Line, Span, classify_lines, content_lines, same_block, split_notes
from mtqa.text.sentences import markupsplit
from mtqa.text.sentences.docs import ParsedWindow
from mtqa.types import Document, Sentence


def make_sentences(doc: Document, spans: Sequence[tuple[int, int, str, str | None]]) -> list[Sentence]:
    """Sentences from (start, end, kind, reason) spans, in document order."""
    index = LineIndex(doc.text)
    out = []
    for i, (start, end, kind, reason) in enumerate(sorted(spans)):
        line, col = index.line_col(start)
        out.append(Sentence(doc.id, i, doc.text[start:end], start, end, line, col, kind, reason))
    return out


def segment_lines(doc: Document) -> list[Sentence]:
    """One sentence per non-empty line, stripped of surrounding whitespace, in order."""
    return make_sentences(doc, [(ln.start, ln.end, "body", None) for ln in content_lines(doc.text)])


# ---- paragraphs → sentences ------------------------------------------------------------------

# Ends a sentence: terminal punctuation, maybe followed by closing quotes or brackets.
TERMINAL = re.compile(r"(?:[.!?…]|\.\.\.)[\"'”’»›)\]“]*$")  # “ closes German quotations


def glue_markup_splits(lines: list[Line], kinds: list[tuple[str, str | None]]) -> set[int]:
    """Lines that continue a sentence page markup split (``mtqa.text.sentences.markupsplit``); they and the
    lines they continue become body text."""
    glued = markupsplit.glue([ln.text for ln in lines], kinds)
    for i in glued:
        kinds[i] = kinds[i - 1] = ("body", None)
    return glued


def body_runs(lines: list[Line], kinds: list[tuple[str, str | None]],
              glued: set[int] = frozenset()) -> list[list[int]]:
    """Consecutive body lines that belong to one paragraph of running text.

    A line break continues the paragraph (hard-wrapped copy) unless the line before ends a sentence
    or a colon, or the new line is a bullet; a blank line always ends it. A block whose lines mostly
    end a sentence puts one paragraph on each line (pages without blank lines), so an unpunctuated
    heading there stands alone. A ``glued`` line (a sentence split by page markup) always continues
    the line before it.
    """
    blocks: dict[int, list[str]] = {}
    for line in lines:
        blocks.setdefault(line.block, []).append(line.text)
    per_line = {b: page_lines.paragraph_per_line(texts) for b, texts in blocks.items()}
    runs: list[list[int]] = []
    for i, line in enumerate(lines):
        if kinds[i][0] != "body":
            continue
        prev = i - 1
        joins = (runs and runs[-1][-1] == prev and i in glued) or (
            runs and runs[-1][-1] == prev and same_block(lines, i, prev)
            and (not per_line[line.block] or page_lines.CONTINUATION.match(line.text))
            and not TERMINAL.search(lines[prev].text) and not lines[prev].text.endswith(":")
            and not page_lines.BULLET.match(line.text)
        )
        if joins:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def parse_runs(texts: list[str], tag: bool = True) -> list[tuple[list[int], list[ParsedWindow]]]:
    """Per text: the parser's sentence starts (0 excluded), and its parsed windows (offset, Doc).

    ``tag`` adds the tagger and the attribute ruler, so the windows carry the full analysis the
    detectors read; the parser's boundaries are the same either way (both components read the
    shared token vectors, neither changes them)."""
    from mtqa.text.sentences.attributes import fast_ruler
    from mtqa.text.sentences.nlp import english

    nlp = english()  # PipelineMissing names the install command
    wanted = ("tok2vec", "tagger", "parser", "attribute_ruler") if tag else ("tok2vec", "parser")
    ruler = fast_ruler(nlp, tuple(n for n in nlp.pipe_names if n not in wanted)) if tag else None
    enable = [name for name in wanted if name in nlp.pipe_names and not (ruler and name == "attribute_ruler")]
    pieces = [(i, at, piece) for i, text in enumerate(texts) for at, piece in _windows(text)]
    out: list[tuple[list[int], list[ParsedWindow]]] = [([], []) for _ in texts]
    with nlp.select_pipes(enable=enable):
        for (i, at, piece), doc in zip(pieces, nlp.pipe((p for _, _, p in pieces), batch_size=64)):
            if ruler:
                ruler(doc)
            starts, windows = out[i]
            windows.append(ParsedWindow(at, len(piece), doc))
            if at > 0:
                starts.append(at)  # a candidate only: accept_break still wants terminal punctuation
            starts.extend(at + sent.start_char for sent in doc.sents if sent.start_char > 0)
    return out


WINDOW = 50_000  # characters per parser call: spaCy refuses texts over 1,000,000 and slows on long ones


def _windows(text: str) -> list[tuple[int, str]]:
    """``text`` in pieces of at most WINDOW characters, cut after a full stop where possible."""
    out, pos = [], 0
    while len(text) - pos > WINDOW:
        stop = text.rfind(". ", pos + WINDOW // 2, pos + WINDOW)
        cut = stop + 1 if stop > 0 else text.rfind(" ", pos + 1, pos + WINDOW)
        cut = cut + 1 if cut > pos else pos + WINDOW
        out.append((pos, text[pos:cut]))
        pos = cut
    out.append((pos, text[pos:]))
    return out


_CLOSING = "\"'”’»›)]"
_STRAIGHT_QUOTES = "\"'"


# German abbreviations left in English copy ("5 Mio. Euro") do not end a sentence.
_NON_FINAL_ABBREVIATIONS = (" Mio.", " Mrd.", " Tsd.", " ca.", " bzw.", " z.B.", " z. B.", " Nr.", " d.h.", " u.a.",
                            " Dr.", " Prof.", " St.", " No.")


_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
          r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b")
_ORDINAL_END = re.compile(r"\b\d{1,2}\.\s*$")
_LONE_QUOTE = re.compile(r"\s*[\"“”„'’‘»«]\s*")


def accept_break(text: str, at: int) -> bool:
    """A proposed break is kept only after terminal punctuation and before a sentence opening.

    Never without whitespace ("Gazeta.Ru", "partners.Image"), never inside a German ordinal date
    ("26. May"), never before a lone quotation mark."""
    before = text[:at].rstrip()
    after = text[at:].lstrip()
    if not before or not after:
        return False
    if not (text[:at][-1:].isspace() or text[at:][:1].isspace()):
        return False
    if _ORDINAL_END.search(text[:at]) and (re.match(_MONTH, after) or _ordinal_in_name(before)):
        return False
    if _LONE_QUOTE.fullmatch(text[at:]):
        return False
    if not TERMINAL.search(before) or before.endswith(_NON_FINAL_ABBREVIATIONS):
        return False
    if after[0] in _CLOSING and not _opens_sentence(text, at):
        return False
    return not (after[0].islower() or after[0] in ",;:")


# Words after which a number is an ordinal, never a sentence's last word ("in the 2. Bundesliga").
_BEFORE_ORDINAL = frozenset("the a his her its their our my your this that".split())


def _ordinal_in_name(before: str) -> bool:
    """"2." that opens a sentence or follows an article is a German ordinal inside a
    name ("1. FC Köln", "the 2. Bundesliga"), not a sentence end: the sentence would be the number alone
    or stop on "the"."""
    words = before.split()
    prev = words[-2] if len(words) > 1 else ""  # the word before the number
    return not prev or prev[-1] in ".!?…:" or prev.lower() in _BEFORE_ORDINAL


def _opens_sentence(text: str, at: int) -> bool:
    """A straight quote after the break's whitespace and before a capital or digit opens a sentence.

    Straight quotes look the same at both ends; one that follows whitespace and leads into a capital
    (``higher. "We``) opens the next sentence, while one glued to the full stop (``won." Then``) closes.
    """
    before, after = text[:at], text[at:].lstrip()
    has_space = before != before.rstrip() or len(after) < len(text) - at
    return (has_space and len(after) > 1 and after[0] in _STRAIGHT_QUOTES
            and (after[1].isupper() or after[1].isdigit()))


_GERMAN_CLOSE = re.compile(r"(?<=[.!?…]“)\s+(?=[A-ZÄÖÜ\"“„])")


def _german_quote_ends(text: str) -> list[int]:
    """Breaks after a German closing quote (‘„… ingredient.“ Nevertheless’), which spaCy reads as an
    opening quote and does not propose; only where a German opening quote „ came before."""
    return [m.end() for m in _GERMAN_CLOSE.finditer(text) if "„" in text[:m.start()]]


def split_run(text: str, starts: Iterable[int]) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``, stripped of surrounding whitespace."""
    cuts = [0] + sorted(at for at in set(starts) if accept_break(text, at)) + [len(text)]
    out = []
    for a, b in zip(cuts, cuts[1:]):
        chunk = text[a:b]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if trail > lead:
            out.append((a + lead, a + trail))
    return out


def segment(doc: Document) -> list[Sentence]:
    """Every stretch of non-whitespace text as one Sentence with a kind: prose or set-aside junk."""
    return _segment(doc, parse=False)[0]


def segment_parsed(doc: Document) -> tuple[list[Sentence], dict[tuple[int, int], object]]:
    """``segment``, and the parse of each body sentence as its paragraph's parser saw it.

    The paragraph is parsed once, to find the sentences; a sentence whose ends are sentence ends of
    that parse gets its stretch of it as a parse of its own (a ``ParsedSentence``, keyed by its
    offsets), so the detectors read the parse the segmenter made, in context, instead of parsing
    the sentence a second time.
    A sentence the parser would have cut elsewhere is not in the map: it is parsed on its own."""
    return _segment(doc, parse=True)


def _segment(doc: Document, parse: bool) -> tuple[list[Sentence], dict[tuple[int, int], object]]:
    text = doc.text
    lines = content_lines(text)
    kinds = classify_lines(lines)
    _take_declared(lines, kinds, doc.declared)
    spans: list[Span] = split_notes(lines, kinds)
    glued = glue_markup_splits(lines, kinds)
    for i, (kind, reason) in enumerate(kinds):
        if kind != "body":
            spans.append((lines[i].start, lines[i].end, kind, reason))

    paragraphs = []
    for run in body_runs(lines, kinds, glued):
        start, end = lines[run[0]].start, lines[run[-1]].end
        tail = junk.trailing_signoff(text[start:end])
        if tail is not None:
            spans.append((start + tail, end, "signoff", "agency sign-off"))
            end = start + len(text[start:start + tail].rstrip())
        paragraphs.append((start, end))

    parses: dict[tuple[int, int], object] = {}
    for (start, end), (starts, windows) in zip(paragraphs, parse_runs([text[a:b] for a, b in paragraphs], parse)):
        for a, b in split_run(text[start:end], starts + _german_quote_ends(text[start:end])):
            spans.append((start + a, start + b, "body", None))
            if parse:
                sentence = _sentence_parse(windows, a, b)
                if sentence is not None:
                    parses[(start + a, start + b)] = sentence
    return make_sentences(doc, spans), parses


def _take_declared(lines: list[Line], kinds: list[tuple[str, str | None]],
                   declared: Sequence[tuple[int, int, str, str | None]]) -> None:
    """A line inside a stretch whose kind the sender declared (a wire format's headline, byline,
    dateline) takes that kind; where the line classifiers already agree, their reason stays."""
    for start, end, kind, reason in declared:
        for i, line in enumerate(lines):
            if start <= line.start and line.end <= end and kinds[i][0] != kind:
                kinds[i] = (kind, reason)


def _sentence_parse(windows: list[ParsedWindow], a: int, b: int):
    """Characters ``a:b`` of a paragraph as a parse of their own, if the parse has sentence ends there."""
    for window in windows:
        if window.at <= a and b <= window.at + window.length:
            return window.sentence(a - window.at, b - window.at)
    return None


def segmenter_name() -> str:
    """Which sentence splitter ``segment`` uses, for the run's signature (boundaries differ by model).

    Raises ``PipelineMissing`` when no English spaCy pipeline is installed."""
    from mtqa.text.sentences.nlp import pipeline_name

    return f"spacy:{pipeline_name()}"
