"""What every backend gives the signals: the Translator and LanguageModel protocols, their results,
and the rules both translation backends apply the same way (output limit, log-probability floor)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol, Sequence

LOGPROB_FLOOR = -100.0  # keeps every value finite even if a model gives a token zero probability


def finite_logprob(x: float) -> float:
    """``x``, or the floor for -inf, nan and anything below it."""
    return x if math.isfinite(x) and x > LOGPROB_FLOOR else LOGPROB_FLOOR


def output_limit(max_length: int, source_len: int) -> int:
    """Most output tokens for one input; per sentence, so a batch-mate never changes a result."""
    return min(max_length - 1, int(source_len * 1.5) + 10)


@dataclass(frozen=True)
class Translation:
    text: str
    mean_logprob: float  # mean per-token log-probability of the output under the model


@dataclass(frozen=True)
class TokenScores:
    """Forced-decoding result: each target token with its log-probability.

    ``tokens`` are SentencePiece pieces of the target (without the final end-of-sentence token);
    ``logprobs`` has one entry per piece plus one for end-of-sentence, last.
    """

    tokens: tuple[str, ...]
    logprobs: tuple[float, ...]


class Translator(Protocol):
    model_id: str
    revision: str
    backend: str

    def translate(self, texts: Sequence[str], beam: int = 1) -> list[Translation]:
        ...

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[TokenScores]:
        ...


@dataclass(frozen=True)
class LMScores:
    """Language-model log-probability of every token of a text, with the token's character span."""

    tokens: tuple[str, ...]
    offsets: tuple[tuple[int, int], ...]
    logprobs: tuple[float, ...]


class LanguageModel(Protocol):
    model_id: str
    revision: str

    def score(self, texts: Sequence[str]) -> list[LMScores]:
        ...
