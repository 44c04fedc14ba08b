"""A sentence's stretch of a parsed paragraph, as a Doc of its own.

The segmenter parses each paragraph to find its sentences; the detectors want one Doc per sentence
whose token offsets and text are the sentence's own, as if it had been parsed alone. Copying the
paragraph's annotations (tags, morphology, arcs, sentence starts) for the sentence's tokens gives
that Doc without parsing the sentence a second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ParsedWindow:
    """A piece of a paragraph (from character ``at``, ``length`` characters) and its parse."""

    at: int
    length: int
    doc: object
    _array: tuple | None = field(default=None, repr=False)

    def annotations(self) -> tuple[list[int], object]:
        """(attribute ids, token rows) of the whole piece, read once; whitespace is set per sentence."""
        if self._array is None:
            from spacy.attrs import SPACY

            attrs = [a for a in self.doc._get_array_attrs() if a != SPACY]
            self._array = (attrs, self.doc.to_array(attrs))
        return self._array

    def sentence(self, a: int, b: int):
        """Characters ``a:b`` of the piece as a Doc, if the parse puts sentence ends at both; else None."""
        from spacy.tokens import Doc

        doc = self.doc
        span = doc.char_span(a, b)
        if span is None or len(span) == 0:  # not on token boundaries
            return None
        if not doc[span.start].is_sent_start or (span.end < len(doc) and not doc[span.end].is_sent_start):
            return None
        words = [t.text for t in span]
        spaces = [bool(t.whitespace_) for t in span]
        spaces[-1] = False  # the sentence's text ends with its last token, as a sentence parsed alone does
        out = Doc(doc.vocab, words=words, spaces=spaces)
        attrs, rows = self.annotations()
        out.from_array(attrs, rows[span.start:span.end])
        if doc.tensor is not None and len(doc.tensor):
            out.tensor = doc.tensor[span.start:span.end]
        return out
