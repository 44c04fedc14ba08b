"""Deterministic detectors that need no translation model (placeholder)."""

from __future__ import annotations

from typing import Any, Sequence

from mtqa.config import Config
from mtqa.types import Sentence, SignalResult


class RulesSignal:
    name = "rules"
    version = "0"

    def signature(self) -> str:
        return f"{self.name}:{self.version}"

    def score(self, sentences: Sequence[Sentence]) -> list[SignalResult]:
        return [SignalResult(self.name) for _ in sentences]


def build(config: Config, context: Any) -> RulesSignal:
    return RulesSignal()
