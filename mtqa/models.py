"""Model registry and resolution (placeholder until the model layer lands)."""

from __future__ import annotations

from mtqa.config import Config


class ModelContext:
    """Loads each model at most once per process and hands it to the signals that need it."""

    def __init__(self, config: Config):
        self.config = config
