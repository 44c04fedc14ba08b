"""What the whole article tells about one sentence: the people it names, its quotations, its names.

Rules see one sentence at a time, but an article names its people ("Chancellor Olaf Scholz" makes
"Scholz" a name everywhere in it), opens quotations that run across sentences, and repeats names.
``Article`` collects that once per document for the detectors that need it.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

from mtqa.text.names import first_name_gender
from mtqa.text.page.lines import stop_words

# Words that stand before a person's name ("Chancellor Scholz", "party leader Weber").
TITLE_WORDS = frozenset(w.lower() for w in """Chancellor Minister President Premier Prime Secretary General Leader
Chairman Chairwoman Chair Governor Senator Mayor Deputy MP MEP Commissioner Spokesman Spokeswoman Speaker Mr Mrs
Ms Dr Prof Professor Judge Ambassador Pope King Queen Prince Princess Archbishop Bishop Chief Head Director CEO
Boss Candidate Politician Colleague Councillor Councilor Minister-President""".split())
_CAP = r"[A-ZÄÖÜÀ-Þ][\w’'ÄÖÜäöüß-]+"
_PARTICLE = r"(?:von|van|de|der|di|da|del|le|la|al|bin)"
_NAME_AT = re.compile(rf"({_CAP})((?:\s+{_PARTICLE}?\s*{_CAP}){{1,3}})")
_OPENING = "“„«"
_CLOSING = "”»"
_QUOTE_MARK = re.compile("[" + _OPENING + _CLOSING + '"' + "]")


def _possessive_stripped(word: str) -> str:
    return re.sub(r"[’']s?$", "", word)


def people(texts: Sequence[str]) -> dict[str, str]:
    """Full name and surname → gender (m, f, or ? where mentions disagree) for every "Firstname Surname"
    with a known first name; capitalised runs are read from every word ("Chancellor Olaf Scholz")."""
    found: dict[str, str] = {}
    for text in texts:
        for start in (m.start() for m in re.finditer(rf"\b{_CAP}", text)):
            m = _NAME_AT.match(text, start)
            if not m:
                continue
            gender = first_name_gender(m.group(1))
            if gender not in ("m", "f"):
                continue
            rest = m.group(2).split()
            for key in (" ".join([m.group(1), *rest]), _possessive_stripped(rest[-1])):
                found[key] = gender if found.get(key, gender) == gender else "?"
    return found


def quote_masks(texts: Sequence[str]) -> list[list[bool]]:
    """Per sentence, per character: inside a quotation. A quotation left open runs into the next
    sentence; German “ closes when a quotation is open and a space, punctuation or the end follows."""
    masks, inside = [], False
    for text in texts:
        if not _QUOTE_MARK.search(text):  # no mark: the state carries through unchanged
            masks.append([inside] * len(text))
            continue
        mask = []
        for i, ch in enumerate(text):
            if ch == "“" and inside and (i + 1 == len(text) or text[i + 1].isspace() or text[i + 1] in ",.;:"):
                inside = False
                mask.append(True)
                continue
            if ch in _OPENING:
                inside = True
            elif ch in _CLOSING:
                mask.append(True)
                inside = False
                continue
            elif ch == '"':
                inside = not inside
            mask.append(inside)
        masks.append(mask)
    return masks


class Article:
    """One document's sentences (prose, in order) and what they say together."""

    def __init__(self, texts: Sequence[str]):
        self.texts = list(texts)
        self.text = "\n".join(texts)
        self.people = people(texts)
        self.quotes = quote_masks(texts)
        self.named = [self._named(text) for text in self.texts]
        self.main = self._main_people()
        self._capitalised = Counter(re.findall(rf"\b{_CAP}", self.text))
        self._lower = Counter(re.findall(r"\b[a-zäöüß][\w-]+", self.text))

    def names_person(self, word: str) -> bool:
        """A person the article names ("Chancellor Olaf Scholz" makes "Scholz" one everywhere)."""
        return word in self.people or _possessive_stripped(word) in self.people

    def _named(self, text: str) -> dict[str, str]:
        """The people a sentence names, with their gender."""
        out = {}
        for word in re.findall(r"\b[A-ZÄÖÜ][\w-]+", text):
            gender = self.people.get(word)
            if gender in ("m", "f"):
                out[word] = gender
        return out

    def _main_people(self) -> dict[str, str]:
        """The article's most-mentioned person(s)."""
        counts: Counter[str] = Counter()
        genders: dict[str, str] = {}
        for named in self.named:
            counts.update(named.keys())
            genders.update(named)
        top = max(counts.values(), default=0)
        return {name: genders[name] for name, n in counts.items() if n == top}

    def context(self, index: int) -> dict[str, str]:
        """The people in view at sentence ``index``: the main person(s), those the previous
        sentence and this one name (the nearer mention wins)."""
        previous = self.named[index - 1] if index > 0 else {}
        return {**self.main, **previous, **self.named[index]}

    def is_name(self, word: str, sentence: str, start: int) -> bool:
        """Evidence that a capitalised word inside a sentence is a name, not an untranslated noun:
        an acronym, a person the article names, a title or first name before it, a possessive, a run
        of capitalised words or a hyphenated name, or several capitalised mentions and no lower-case one.
        A capitalised word that opens the sentence counts only by what follows it or by the article."""
        if len(word) >= 2 and word.isupper():
            return True
        if not word[:1].isupper():
            return False
        if self.names_person(word):
            return True
        after = sentence[start + len(word):]
        if re.match(r"-[A-ZÄÖÜ]", after) or re.match(rf"\s+{_CAP}", after):
            return True  # a hyphenated name or a run of capitalised words ("Rheinische Post")
        if start == 0:
            return False  # a sentence's first word is capitalised anyway: the rest is no evidence
        before = sentence[:start].rstrip()
        prev = before.split()[-1].strip("(“\"'„") if before.split() else ""
        if prev.lower() in TITLE_WORDS or first_name_gender(prev) is not None:
            return True
        if re.match(r"[’']s\b", after):
            return True
        capitalised_name_before = prev[:1].isupper() and prev.lower() not in stop_words() \
            and not before.endswith((".", ":", "“", '"', "„"))
        if capitalised_name_before or before.endswith("-"):
            return True
        return self._capitalised[word] >= 3 and self._lower[word.lower()] == 0 and len(word) <= 9
