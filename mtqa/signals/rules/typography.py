"""German typography and number formats left in English copy, and unbalanced brackets/quotes."""

from __future__ import annotations

import re

from mtqa.signals.rules.findings import Finding

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


def german_typography(text: str) -> list[Finding]:
    out: list[Finding] = []
    for m in _GERMAN_QUOTES.finditer(text):
        out.append(Finding("german-quote", f"German opening quotation mark {m.group()!r}; use “ or \"",
                           "minor", m.start(), m.end(), "“" if m.group() == "„" else "‘"))
    for m in _GERMAN_GROUPING.finditer(text):
        english = _english_number(m.group())
        out.append(Finding("german-number", f"number {m.group()!r} in German format; in English: {english}",
                           "minor", m.start(), m.end(), english))
    for m in _DECIMAL_COMMA.finditer(text):
        english = m.group().replace(",", ".")
        out.append(Finding("german-number", f"decimal comma in {m.group()!r}; in English: {english}",
                           "minor", m.start(), m.end(), english))
    for m in _DATE.finditer(text):
        day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
        if 1 <= day <= 31 and 1 <= month <= 12:
            english = f"{_MONTHS[month - 1]} {day}, {year}"
            out.append(Finding("german-date", f"date {m.group()!r} in German format; in English: {english}",
                               "minor", m.start(), m.end(), english))
    for m in _ABBREV_RE.finditer(text):
        english = _ABBREVIATIONS[m.group()]
        out.append(Finding("german-abbreviation", f"German abbreviation {m.group()!r}; in English: {english!r}",
                           "minor", m.start(), m.end(), english))
    for m in _EURO_AFTER.finditer(text):
        out.append(Finding("german-currency", f"euro sign after the amount in {m.group()!r}; in English: €{_english_number(m.group(1))}",
                           "minor", m.start(), m.end(), f"€{_english_number(m.group(1))}"))
    return out


_PAIRS = {"(": ")", "[": "]", "{": "}", "“": "”"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}


def unbalanced(text: str) -> list[Finding]:
    """Brackets and curly quotes that do not pair up.

    A bracket left open is damage (minor). A lone curly quote is only ``info``: news quotes often
    run over several sentences, so one sentence may legitimately hold only the opening mark.
    """
    out: list[Finding] = []
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(_german_quotes_as_english(text)):
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
        out.append(Finding("unbalanced-quote", "a straight quotation mark has no partner in this sentence",
                           "info", i, i + 1))
    return sorted(out, key=lambda f: f.start)


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


def _unpaired(ch: str, i: int) -> Finding:
    if ch in "“”":
        return Finding("unbalanced-quote", f"quotation mark {ch} has no partner in this sentence", "info", i, i + 1)
    return Finding("unbalanced-bracket", f"bracket {ch} has no partner: text may be missing", "minor", i, i + 1)


_SPACE_BEFORE_PUNCT = re.compile(r"(?<=[\w\"”’)\]])(\s+)(?=[,;:!?]|\.(?!\.)(?:\s|$)|\))")
_SPACE_AFTER_OPEN = re.compile(r"(?<=\()(\s+)(?=\w)")
_FIRST_WORD = re.compile(r"^[\"'“‘«(\[]*([^\W\d_]+)")


def spacing(text: str) -> list[Finding]:
    """Tokenizer output left in the copy: "the report , however ." / "( dpa )"."""
    out = []
    for m in list(_SPACE_BEFORE_PUNCT.finditer(text)) + list(_SPACE_AFTER_OPEN.finditer(text)):
        out.append(Finding("spacing", "space before punctuation (or inside brackets): tokenized text",
                           "minor", m.start(1), m.end(1), ""))
    return out


def lowercase_start(text: str) -> list[Finding]:
    """A sentence that begins with a lowercase common word ("the ministry said…")."""
    from wordfreq import zipf_frequency

    m = _FIRST_WORD.match(text)
    if not m:
        return []
    word = m.group(1)
    if not word.islower() or zipf_frequency(word, "en") < 3.0:
        return []  # "iPhone", "eBay", "de Gaulle" and rare words may start lowercase
    return [Finding("lowercase-start", f"the sentence starts with lowercase {word!r}", "minor",
                    m.start(1), m.start(1) + 1, word[0].upper())]
