"""Which signals exist, how each is built, and which are skipped when their models are absent."""

from __future__ import annotations

import importlib
from typing import Any

from mtqa.config import Config
from mtqa.signals.base import Signal, SignalUnavailable
from mtqa.types import SkippedSignal


def build_signals(config: Config, context: Any) -> tuple[list[Signal], list[SkippedSignal]]:
    """Build the configured signals in a fixed order; missing models skip (or raise if required).

    Each signal lives in ``mtqa.signals.<name>`` and exposes ``build(config, context)``.
    """
    signals: list[Signal] = []
    skipped: list[SkippedSignal] = []
    for name in config.signals:
        module = importlib.import_module(f"mtqa.signals.{name}")
        try:
            signals.append(module.build(config, context))
        except SignalUnavailable as exc:
            if config.require_models:
                raise
            skipped.append(SkippedSignal(exc.name, exc.reason, exc.fix))
    return signals, skipped
