"""Token log-probabilities → words of the sentence → suspect words.

Models score subword tokens; an editor needs words. Tokens are mapped to the sentence's
whitespace-separated words (SentencePiece pieces by their '▁' word-start marks, byte-level BPE
tokens by their character offsets), a word takes the minimum over its tokens (one bad piece makes
the word suspect), and the words far below the sentence's mean become ``Suspect``s with spans
relative to the sentence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from mtqa.types import Suspect

WORD = re.compile(r"\S+")
EDGE_PUNCT = "\"'“”‘’„‚«»()[]{}.,;:!?…–—-"
SP_SPACE = "▁"
SUSPECT_MARGIN = 2.0  # nats below the sentence's mean token log-prob
MAX_SUSPECTS = 3


def word_spans(text: str) -> list[tuple[int, int]]:
    """Spans of whitespace-separated words, trimmed of surrounding punctuation (kept if all punctuation)."""
    spans = []
    for m in WORD.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start] in EDGE_PUNCT:
            start += 1
        while end > start and text[end - 1] in EDGE_PUNCT:
            end -= 1
        spans.append((start, end) if start < end else (m.start(), m.end()))
    return spans


def _containing(spans_raw: list[tuple[int, int]], pos: int) -> int | None:
    for w, (start, end) in enumerate(spans_raw):
        if start <= pos < end:
            return w
    return None


def words_of_pieces(text: str, pieces: Sequence[str]) -> list[int | None]:
    """Word index (into ``word_spans(text)``) of each SentencePiece piece; None where it cannot be placed."""
    groups: list[int] = []
    g = -1
    for piece in pieces:
        if piece.startswith(SP_SPACE) or g < 0:
            g += 1
        groups.append(g)
    raw = [(m.start(), m.end()) for m in WORD.finditer(text)]
    if g + 1 == len(raw):
        return list(groups)
    # The tokenizer normalised or truncated something: place each piece by finding its text.
    out: list[int | None] = []
    cursor = 0
    norm = unicodedata.normalize("NFKC", text)
    same = len(norm) == len(text)
    for piece in pieces:
        surface = unicodedata.normalize("NFKC", piece.replace(SP_SPACE, ""))
        pos = (norm if same else text).find(surface, cursor) if surface else -1
        if pos < 0:
            out.append(None)
            continue
        cursor = pos + len(surface)
        out.append(_containing(raw, pos))
    return out


def words_of_offsets(text: str, offsets: Sequence[tuple[int, int]]) -> list[int | None]:
    """Word index of each token from its character offsets (leading spaces skipped)."""
    raw = [(m.start(), m.end()) for m in WORD.finditer(text)]
    out: list[int | None] = []
    for start, end in offsets:
        pos = start
        while pos < end and pos < len(text) and text[pos].isspace():
            pos += 1
        out.append(_containing(raw, pos) if pos < end else None)
    return out


def word_scores(text: str, word_of_token: Sequence[int | None], logprobs: Sequence[float]
                ) -> list[tuple[int, int, float]]:
    """(start, end, min log-prob of its tokens) for every word that got at least one token."""
    spans = word_spans(text)
    worst: dict[int, float] = {}
    for w, lp in zip(word_of_token, logprobs):
        if w is not None and w < len(spans):
            worst[w] = min(lp, worst.get(w, lp))
    return [(spans[w][0], spans[w][1], worst[w]) for w in sorted(worst)]


def suspects(text: str, scores: Sequence[tuple[int, int, float]], mean: float,
             margin: float = SUSPECT_MARGIN, limit: int = MAX_SUSPECTS) -> tuple[Suspect, ...]:
    """The (up to ``limit``) lowest-scoring words more than ``margin`` below ``mean``, in text order."""
    low = sorted((s for s in scores if s[2] < mean - margin), key=lambda s: (s[2], s[0]))[:limit]
    return tuple(Suspect(start, end, text[start:end], value) for start, end, value in sorted(low))
