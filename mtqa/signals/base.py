"""The Signal protocol: a named, versioned scorer that takes a batch of sentences.

Signals never see documents or each other; they get sentences in document order and return one
result per sentence, in the same order. Model signals sort by length internally for batching and
restore the order before returning.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol, Sequence, runtime_checkable

from mtqa.models.locate import ModelError
from mtqa.types import Sentence, SignalResult


@dataclass(frozen=True)
class MetricRule:
    """How one model metric turns into risk and flags. Lower values are worse."""

    signal: str
    value: str
    threshold: float  # below this the metric is suspicious on its own
    scale: float  # how fast risk grows below the threshold
    weight: float  # the most risk this metric can add
    major_below: float  # below this (and relatively low) the flag is major
    code: str
    message: str  # formatted with {value}, {z}


@dataclass(frozen=True)
class SignalSpec:
    """What a signal declares about itself; config, CLI help, the default profile and report help
    read it from here, so adding a signal is one module plus one line in ``mtqa.extensions``."""

    name: str
    version: str
    summary: str  # one line for --help and the docs
    roles: tuple[str, ...] = ()  # model roles it needs (registry roles)
    metrics: tuple[MetricRule, ...] = ()  # how its values become risk in the built-in profile
    flag_help: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # code → (title, help)


class SignalUnavailable(Exception):
    """Raised when a signal cannot run (typically: its model is not installed)."""

    def __init__(self, name: str, reason: str, fix: str | None = None):
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason
        self.fix = fix


@runtime_checkable
class Signal(Protocol):
    name: str
    version: str

    def signature(self) -> str:
        """``name:version`` plus anything that changes the numbers (model ids, revisions, beam)."""
        ...

    def score(self, sentences: Sequence[Sentence]) -> list[SignalResult]:
        """One result per sentence, in order. A signal that reads spaCy parses may set
        ``reads_parses = True``: it is then called as ``score(sentences, parses)``, ``parses`` a
        body sentence's Doc by its (start, end), as the segmenter parsed it in its paragraph."""
        ...


def translation_signature(name: str, version: str, forward, backward, beam: int, *extra: str) -> str:
    """``name:version+en-de@rev+de-en@rev+beam:N+...`` for the signals built on the translator pair."""
    return "+".join([f"{name}:{version}", f"{forward.model_id}@{forward.revision}",
                     f"{backward.model_id}@{backward.revision}", f"beam:{beam}", *extra])


@contextmanager
def needed_by(signal: str) -> Iterator[None]:
    """Turn a model problem into ``SignalUnavailable`` for ``signal`` (skipped, or exit 2 if required)."""
    try:
        yield
    except ModelError as exc:
        raise SignalUnavailable(signal, exc.reason, exc.fix) from None
