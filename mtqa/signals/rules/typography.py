"""German typography and number formats left in English copy, and unbalanced brackets/quotes."""

from __future__ import annotations

import functools
import re

from mtqa.signals.rules.catalogue import Hit, SentenceView, detector
from mtqa.text.frequency import zipf

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
# German abbreviations with the English an editor would write.
_ABBREVIATIONS = {
    "Mio.": "million", "Mrd.": "billion", "Md.": "billion", "ca.": "about", "z.B.": "e.g.",
    "z. B.": "e.g.", "bzw.": "or", "usw.": "etc.", "u.a.": "among others", "d.h.": "i.e.",
    "Nr.": "No.", "Tsd.": "thousand",
}
_ABBREV_RE = re.compile(r"(?<![\w.])(" + "|".join(re.escape(a) for a in _ABBREVIATIONS) + r")(?!\w)")
_GERMAN_QUOTES = re.compile(r"[„‚]")
# 1.000,5 / 1.000.000 (German grouping), or 3,5 followed by a unit (German decimal comma).
_GERMAN_GROUPING = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+,\d+(?![\d,])|(?<![\d.,])\d{1,3}(?:\.\d{3}){2,}(?![\d.,]*\d)")
_DECIMAL_COMMA = re.compile(
    r"(?<![\d.,])\d+,\d{1,2}(?=\s?(?:%|percent|per cent|Prozent|€|euros?|Euro|dollars?|million|billion|Mio|Mrd|"
    r"kilomet|km|metres|meters|m\b|kg|degrees|°|hours?|years?|points?))"
)
_DATE = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?![\d.]*\d)")
_EURO_AFTER = re.compile(r"(?<![\w.,])(\d[\d.,]*)\s?€")


@detector("german-quote", severity="minor", reads="text", title="German quotation marks",
          help="„ … “ are German quotation marks; English uses “ … ” (or straight quotes).")
def german_quote(view: SentenceView) -> list[Hit]:
    return [Hit(f"German opening quotation mark {m.group()!r}; use “ or \"", m.start(), m.end(),
                "“" if m.group() == "„" else "‘") for m in _GERMAN_QUOTES.finditer(view.text)]


@detector("german-number", severity="minor", reads="text", title="Number in German format",
          help="German writes 1.000,5 and \"3,5 percent\"; English writes 1,000.5 and 3.5 percent. The "
               "suggestion is the English form.")
def german_number(view: SentenceView) -> list[Hit]:
    out = []
    for m in _GERMAN_GROUPING.finditer(view.text):
        english = _english_number(m.group())
        out.append(Hit(f"number {m.group()!r} in German format; in English: {english}", m.start(), m.end(), english))
    for m in _DECIMAL_COMMA.finditer(view.text):
        english = m.group().replace(",", ".")
        out.append(Hit(f"decimal comma in {m.group()!r}; in English: {english}", m.start(), m.end(), english))
    return out


@detector("german-date", severity="minor", reads="text", title="Date in German format",
          help="24.11.2020 is a German date; write it out in English (November 24, 2020).")
def german_date(view: SentenceView) -> list[Hit]:
    out = []
    for m in _DATE.finditer(view.text):
        day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
        if 1 <= day <= 31 and 1 <= month <= 12:
            english = f"{_MONTHS[month - 1]} {day}, {year}"
            out.append(Hit(f"date {m.group()!r} in German format; in English: {english}", m.start(), m.end(), english))
    return out


@detector("german-abbreviation", severity="minor", reads="text", title="German abbreviation",
          help="Mio., Mrd., ca., z.B., bzw., usw. are German abbreviations left in the English text; the "
               "suggestion is the English word.")
def german_abbreviation(view: SentenceView) -> list[Hit]:
    return [Hit(f"German abbreviation {m.group()!r}; in English: {_ABBREVIATIONS[m.group()]!r}", m.start(), m.end(),
                _ABBREVIATIONS[m.group()]) for m in _ABBREV_RE.finditer(view.text)]


@detector("german-currency", severity="minor", reads="text", title="Currency sign after the amount",
          help="German writes \"5,00 €\"; English puts the sign first: €5.00.")
def german_currency(view: SentenceView) -> list[Hit]:
    return [Hit(f"euro sign after the amount in {m.group()!r}; in English: €{_english_number(m.group(1))}",
                m.start(), m.end(), f"€{_english_number(m.group(1))}") for m in _EURO_AFTER.finditer(view.text)]


_PAIRS = {"(": ")", "[": "]", "{": "}", "“": "”"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_MARKS = re.compile("[" + re.escape("".join(_PAIRS) + "".join(_CLOSERS)) + "]")


@detector("unbalanced-bracket", severity="minor", reads="text", title="Bracket without partner",
          help="An opening or closing bracket has no partner in the sentence: text may be missing.")
def unbalanced_bracket(view: SentenceView) -> list[Hit]:
    """A bracket left open or closed without an opening: text may be missing."""
    return [hit for quote, hit in _unpaired_marks(view.text) if not quote]


@detector("unbalanced-quote", severity="info", reads="text", title="Quotation mark without partner",
          help="A quotation mark has no partner in this sentence. Quotations often span sentences, so this "
               "is information only.")
def unbalanced_quote(view: SentenceView) -> list[Hit]:
    """Only information: news quotes often run over several sentences, so one sentence may
    legitimately hold only the opening mark."""
    return [hit for quote, hit in _unpaired_marks(view.text) if quote]


@functools.lru_cache(maxsize=64)  # the bracket and the quote detector ask for the same sentence
def _unpaired_marks(text: str) -> tuple[tuple[bool, Hit], ...]:
    """(is a quotation mark, hit) for every bracket and curly quote that does not pair up; brackets
    and curly quotes nest in one stack, so "(“)”" pairs neither."""
    out: list[tuple[bool, Hit]] = []
    stack: list[tuple[str, int]] = []
    for m in _MARKS.finditer(_german_quotes_as_english(text) if "„" in text else text):
        ch, i = m.group(), m.start()
        if ch in _PAIRS:
            stack.append((ch, i))
        elif ch in _CLOSERS:
            if stack and stack[-1][0] == _CLOSERS[ch]:
                stack.pop()
            else:
                out.append(_unpaired(ch, i))
    out.extend(_unpaired(ch, i) for ch, i in stack)
    if text.count('"') % 2:
        i = text.rfind('"')
        out.append((True, Hit("a straight quotation mark has no partner in this sentence", i, i + 1)))
    return tuple(out)


def _german_quotes_as_english(text: str) -> str:
    """„…“ pairs as “…” (the German closing mark is the English opening one); same length."""
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch == "„":
            chars[i] = "“"
            close = text.find("“", i + 1)
            if close > 0:
                chars[close] = "”"
    return "".join(chars)


def _english_number(number: str) -> str:
    return number.replace(".", "\0").replace(",", ".").replace("\0", ",")


def _unpaired(ch: str, i: int) -> tuple[bool, Hit]:
    if ch in "“”":
        return True, Hit(f"quotation mark {ch} has no partner in this sentence", i, i + 1)
    return False, Hit(f"bracket {ch} has no partner: text may be missing", i, i + 1)


_SPACE_BEFORE_PUNCT = re.compile(r"(?<=[\w\"”’)\]])(\s+)(?=[,;:!?]|\.(?!\.)(?:\s|$)|\))")
_SPACE_AFTER_OPEN = re.compile(r"(?<=\()(\s+)(?=\w)")
_FIRST_WORD = re.compile(r"^[\"'“‘«(\[]*([^\W\d_]+)")


@detector("spacing", severity="minor", reads="text", title="Space before punctuation",
          help="A space before , . ; : ! ? or inside brackets is tokenizer output left in the copy. Delete it.")
def spacing(view: SentenceView) -> list[Hit]:
    """Tokenizer output left in the copy: "the report , however ." / "( dpa )"."""
    text = view.text
    return [Hit("space before punctuation (or inside brackets): tokenized text", m.start(1), m.end(1), "")
            for m in [*_SPACE_BEFORE_PUNCT.finditer(text), *_SPACE_AFTER_OPEN.finditer(text)]]


@detector("lowercase-start", severity="minor", reads="text", title="Sentence starts in lower case",
          help="The sentence starts with a lowercase common word: a sentence break or the start of the "
               "sentence may be wrong.")
def lowercase_start(view: SentenceView) -> list[Hit]:
    """A sentence that begins with a lowercase common word ("the ministry said…")."""
    m = _FIRST_WORD.match(view.text)
    if not m:
        return []
    word = m.group(1)
    if not word.islower() or zipf(word, "en") < 3.0:
        return []  # "iPhone", "eBay", "de Gaulle" and rare words may start lowercase
    return [Hit(f"the sentence starts with lowercase {word!r}", m.start(1), m.start(1) + 1, word[0].upper())]
