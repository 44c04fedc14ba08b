"""The registered signals (``mtqa.extensions.SIGNALS``): their specs, and building them for a run."""

from __future__ import annotations

import functools
from typing import Any

from mtqa.config import Config, ConfigError
from mtqa.extensions import SIGNALS, load
from mtqa.signals.base import MetricRule, Signal, SignalSpec, SignalUnavailable
from mtqa.types import SkippedSignal


@functools.lru_cache(maxsize=None)
def spec(name: str) -> SignalSpec:
    if name not in SIGNALS:
        raise ConfigError(f"unknown signal {name!r}; choose from {', '.join(SIGNALS)}")
    return load(SIGNALS[name]).SPEC


def specs() -> list[SignalSpec]:
    return [spec(name) for name in SIGNALS]


def default_metrics() -> tuple[MetricRule, ...]:
    """The built-in profile's metric rules: what each signal declares, in registry order."""
    return tuple(rule for s in specs() for rule in s.metrics)


def flag_help() -> dict[str, tuple[str, str]]:
    """Flag code → (title, help text), as the signals declare them."""
    return {code: text for s in specs() for code, text in s.flag_help.items()}


def build_signals(config: Config, context: Any) -> tuple[list[Signal], list[SkippedSignal]]:
    """Build the configured signals in a fixed order; missing models skip (or raise if required)."""
    signals: list[Signal] = []
    skipped: list[SkippedSignal] = []
    for name in config.signals:
        spec(name)  # an unknown name is a ConfigError before anything loads
        try:
            signals.append(load(SIGNALS[name]).build(config, context))
        except SignalUnavailable as exc:
            if config.require_models:
                raise
            skipped.append(SkippedSignal(exc.name, exc.reason, exc.fix))
    return signals, skipped
