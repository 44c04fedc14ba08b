"""The likelihood signal (placeholder until the model layer lands)."""

from __future__ import annotations

from typing import Any

from mtqa.config import Config
from mtqa.signals.base import SignalUnavailable


def build(config: Config, context: Any):
    raise SignalUnavailable("likelihood", "not available in this build")
