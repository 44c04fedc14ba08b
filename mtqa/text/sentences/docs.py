"""A sentence's stretch of a parsed paragraph, as a parse of its own.

The segmenter parses each paragraph to find its sentences; the detectors want one parse per
sentence whose token offsets and text are the sentence's own, as if it had been parsed alone. The
paragraph's annotations (tags, morphology, arcs, sentence starts) for the sentence's tokens give
that parse without parsing the sentence a second time: a ``ParsedSentence`` read from the
paragraph's rows, and a spaCy Doc of its own only where something asks for one (NER).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mtqa.text.sentences.parsed import ParsedSentence, attributes


@dataclass
class ParsedWindow:
    """A piece of a paragraph (from character ``at``, ``length`` characters) and its parse."""

    at: int
    length: int
    doc: object
    _array: tuple | None = field(default=None, repr=False)
    _rows: list | None = field(default=None, repr=False)

    def annotations(self) -> tuple[list[int], object, object, object]:
        """(attribute ids, token rows, sentence starts, head offsets) of the whole piece, read once;
        whitespace is set per sentence. ``to_array`` gives uint64, so a leftward head offset comes
        back wrapped: as int64 it is signed again."""
        if self._array is None:
            from spacy.attrs import HEAD, SENT_START, SPACY

            attrs = [a for a in self.doc._get_array_attrs() if a != SPACY]
            rows = self.doc.to_array(attrs)
            self._array = (attrs, rows, rows[:, attrs.index(SENT_START)].astype("int64"),
                           rows[:, attrs.index(HEAD)].astype("int64"))
        return self._array

    def sentence(self, a: int, b: int) -> ParsedSentence | None:
        """Characters ``a:b`` of the piece as a parse of its own, if the parse has a sentence of
        exactly those words there (whitespace tokens around it aside, no arc leaving it); else None."""
        doc = self.doc
        span = doc.char_span(a, b)
        if span is None or len(span) == 0:  # not on token boundaries
            return None
        attrs, rows, starts, heads = self.annotations()
        i, j = span.start, span.end
        k = i  # back over whitespace to the sentence start (token 0 always starts one)
        while starts[k] != 1:
            k -= 1
            if not doc[k].is_space:
                return None
        k = j  # on over whitespace to the next sentence start or the end
        while k < len(doc) and starts[k] != 1:
            if not doc[k].is_space:
                return None
            k += 1
        targets = heads[i:j] + np.arange(i, j)  # HEAD is relative
        if targets.min() < i or targets.max() >= j:
            return None
        if self._rows is None:
            self._rows = doc.to_array(attributes()).tolist()
        return ParsedSentence.from_rows(span.text, self._rows[i:j], doc.vocab.strings, lambda: self._doc(i, j))

    def _doc(self, i: int, j: int):
        """Tokens ``i:j`` of the piece as a spaCy Doc of their own, annotations copied."""
        from spacy.tokens import Doc

        doc = self.doc
        attrs, rows, _, _ = self.annotations()
        span = doc[i:j]
        words = [t.text for t in span]
        spaces = [bool(t.whitespace_) for t in span]
        spaces[-1] = False  # the sentence's text ends with its last token, as a sentence parsed alone does
        out = Doc(doc.vocab, words=words, spaces=spaces)
        out.from_array(attrs, rows[i:j])
        if doc.tensor is not None and len(doc.tensor):
            out.tensor = doc.tensor[i:j]
        return out
