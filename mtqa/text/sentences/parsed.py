"""A sentence's parse as plain Python objects, read out of the spaCy Doc once.

spaCy makes a new ``Token`` on every access (``for t in doc``, ``doc[i]``, ``t.head``), and each
string attribute (``t.tag_``) is a look-up in the string store. Thirty-odd detectors walking the
same sentence paid that cost about twenty times per token, more than the parse itself costs
(docs/measurements.md). ``ParsedSentence`` reads the tokens' annotations with one ``to_array``
and keeps one object per token, so a detector's walk is plain attribute access.

It answers the part of spaCy's ``Doc``/``Token``/``Span`` interface the detectors read, with
spaCy's semantics (``children`` in order, ``subtree`` lefts-self-rights, ``ancestors`` up the head
chain, ``sent`` from the sentence starts, ``is_sent_end``, slices clamped as spaCy clamps them);
anything else (``copy()``, ``morph``, ``like_num``, ...) is passed to the spaCy object underneath,
so a detector written against spaCy reads the same values here. A test holds every detector's
output on the two to be equal.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

_STRINGS: dict[int, str] = {}  # string-store hash → string; hashes are the same in every vocab
_STRINGS_MAX = 500_000


def _string(strings: Any, key: int) -> str:
    text = _STRINGS.get(key)
    if text is None:
        text = strings[key]
        if len(_STRINGS) >= _STRINGS_MAX:
            _STRINGS.clear()
        _STRINGS[key] = text
    return text


class Morph:
    """A token's morphological features, as spaCy's ``MorphAnalysis`` answers ``get``."""

    __slots__ = ("_text", "_features")
    _parsed: dict[str, dict[str, list[str]]] = {}

    def __init__(self, text: str):
        features = Morph._parsed.get(text)
        if features is None:
            features = {}
            for pair in text.split("|") if text else ():
                field, _, values = pair.partition("=")
                features[field] = values.split(",")
            if len(Morph._parsed) < _STRINGS_MAX:
                Morph._parsed[text] = features
        self._text, self._features = text, features

    def __str__(self) -> str:
        return self._text

    def get(self, field: str, default: list[str] | None = None) -> list[str]:
        values = self._features.get(field)
        if values is None:
            return default if default is not None else []
        return list(values)


class ParsedToken:
    """One token: the attributes the detectors read, and the spaCy token for anything else."""

    __slots__ = ("doc", "i", "idx", "text", "lower_", "tag_", "pos_", "dep_", "whitespace_", "is_punct",
                 "is_space", "is_quote", "_morph", "_head", "_start", "_lefts", "_rights")

    @property
    def head(self) -> ParsedToken:
        return self.doc.tokens[self._head]

    @property
    def morph(self) -> Morph:
        return Morph(self._morph)

    @property
    def lefts(self) -> Iterator[ParsedToken]:
        return iter(self._lefts)

    @property
    def rights(self) -> Iterator[ParsedToken]:
        return iter(self._rights)

    @property
    def children(self) -> list[ParsedToken]:
        return self._lefts + self._rights

    @property
    def subtree(self) -> Iterator[ParsedToken]:
        for word in self._lefts:
            yield from word.subtree
        yield self
        for word in self._rights:
            yield from word.subtree

    @property
    def ancestors(self) -> Iterator[ParsedToken]:
        tokens, at, steps = self.doc.tokens, self, 0
        while at._head != at.i and steps < len(tokens):
            at = tokens[at._head]
            yield at
            steps += 1

    @property
    def is_sent_start(self) -> bool | None:
        return None if self._start == 0 else self._start > 0

    @property
    def is_sent_end(self) -> bool | None:
        if self.i + 1 == len(self.doc.tokens):
            return True
        return self.doc.tokens[self.i + 1].is_sent_start

    @property
    def sent(self) -> ParsedSpan:
        tokens = self.doc.tokens
        start, end = self.i, self.i + 1
        while start > 0 and tokens[start]._start != 1:
            start -= 1
        while end < len(tokens) and tokens[end]._start != 1:
            end += 1
        return ParsedSpan(self.doc, start, end)

    @property
    def text_with_ws(self) -> str:
        return self.text + self.whitespace_

    def __len__(self) -> int:
        return len(self.text)

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__

    def __getattr__(self, name: str) -> Any:
        return getattr(self.doc.spacy[self.i], name)


class ParsedSpan:
    """Tokens ``start:end`` of a ``ParsedSentence``, as spaCy's ``Span``."""

    __slots__ = ("doc", "start", "end")

    def __init__(self, doc: ParsedSentence, start: int, end: int):
        self.doc, self.start, self.end = doc, start, end

    def __iter__(self) -> Iterator[ParsedToken]:
        return iter(self.doc.tokens[self.start:self.end])

    def __len__(self) -> int:
        return self.end - self.start

    def __getitem__(self, i: int) -> ParsedToken:
        n = self.end - self.start
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self.doc.tokens[self.start + i]

    @property
    def text(self) -> str:
        if self.end <= self.start:
            return ""
        first, last = self.doc.tokens[self.start], self.doc.tokens[self.end - 1]
        return self.doc.text[first.idx:last.idx + len(last.text)]

    def __str__(self) -> str:
        return self.text

    def __getattr__(self, name: str) -> Any:
        return getattr(self.doc.spacy[self.start:self.end], name)


def attributes() -> list[int]:
    """The spaCy attribute ids a ``ParsedSentence`` is read from, in the order ``from_rows`` wants."""
    from spacy.attrs import DEP, HEAD, IS_PUNCT, IS_QUOTE, IS_SPACE, LOWER, MORPH, ORTH, POS, SENT_START, SPACY, TAG

    return [ORTH, LOWER, TAG, POS, DEP, HEAD, SENT_START, SPACY, IS_PUNCT, IS_SPACE, IS_QUOTE, MORPH]


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value  # to_array gives uint64


class ParsedSentence:
    """A parsed sentence's tokens, read once from a spaCy ``Doc``.

    ``ParsedSentence(doc)`` reads ``doc``; ``from_rows`` reads rows of ``attributes()`` cut from a
    larger parse, and makes the spaCy ``Doc`` (``spacy``) only if something asks for it."""

    __slots__ = ("_spacy", "_make", "text", "tokens")

    def __init__(self, doc: Any = None):
        self._spacy, self._make, self.tokens = doc, None, []
        if doc is not None:
            self.text = doc.text
            self._read(doc.to_array(attributes()).tolist(), doc.vocab.strings, cut=False)

    @classmethod
    def from_rows(cls, text: str, rows: list[list[int]], strings: Any, make: Callable[[], Any]) -> ParsedSentence:
        """``rows``: the tokens' values of ``attributes()``, heads relative and inside the rows;
        ``text`` ends with the last token; ``make()`` gives the spaCy Doc when one is asked for."""
        out = cls()
        out.text, out._make = text, make
        out._read(rows, strings, cut=True)
        return out

    @property
    def spacy(self) -> Any:
        if self._spacy is None:
            self._spacy = self._make()
        return self._spacy

    def _read(self, rows: list[list[int]], strings: Any, cut: bool) -> None:
        """``cut``: the rows were cut from a larger parse, and the text ends with the last token."""
        known = _STRINGS.get
        tokens = self.tokens
        idx, last = 0, len(rows) - 1 if cut else len(rows)
        for i, (orth, lower, tag, pos, dep, head, start, space, punct, blank, quote, morph) in enumerate(rows):
            t = ParsedToken()
            t.doc, t.i, t.idx = self, i, idx
            t.text = known(orth) or _string(strings, orth)
            t.lower_ = known(lower) or _string(strings, lower)
            t.tag_ = known(tag) or _string(strings, tag)
            t.pos_ = known(pos) or _string(strings, pos)
            t.dep_ = known(dep) or _string(strings, dep)
            t._morph = (known(morph) or _string(strings, morph)) if morph else ""
            if t._morph == "_":  # spaCy's empty analysis
                t._morph = ""
            space = space if i < last else 0
            t.whitespace_ = " " if space else ""
            t.is_punct, t.is_space, t.is_quote = punct == 1, blank == 1, quote == 1
            t._head = i + _signed(head)  # HEAD is relative
            t._start = _signed(start)
            t._lefts, t._rights = [], []
            tokens.append(t)
            idx += len(t.text) + space
        for t in tokens:
            if t._head != t.i:
                (tokens[t._head]._lefts if t.i < t._head else tokens[t._head]._rights).append(t)

    def __iter__(self) -> Iterator[ParsedToken]:
        return iter(self.tokens)

    def __len__(self) -> int:
        return len(self.tokens)

    def release(self) -> None:
        """Drop the tokens once nothing reads them: they and the sentence refer to each other, so
        without this cut only the cyclic collector frees them, and its passes cost time."""
        self.tokens = []

    def __getitem__(self, key: int | slice) -> Any:
        if type(key) is int:
            return self.tokens[key]
        n = len(self.tokens)
        if isinstance(key, slice):
            if key.step not in (None, 1):
                raise ValueError("a span's step must be 1")
            start = 0 if key.start is None else key.start
            stop = n if key.stop is None else key.stop
            start = min(n, max(0, start + n if start < 0 else start))
            stop = min(n, max(0, stop + n if stop < 0 else stop))
            return ParsedSpan(self, start, max(start, stop))
        return self.tokens[key]

    def __str__(self) -> str:
        return self.text

    def __getattr__(self, name: str) -> Any:
        return getattr(self.spacy, name)
