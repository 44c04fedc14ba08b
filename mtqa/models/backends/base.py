"""The Translator protocol shared by the transformers and CTranslate2 backends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence


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
