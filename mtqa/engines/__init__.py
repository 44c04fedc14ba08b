"""Engines: where ``mtqa flags|score|check`` run the Checker over a stream of documents.

``local`` checks in this process, one document after another; ``ray`` spreads the documents over a
pool of Ray actors, each holding one Checker. Both give the reports back in input order, so the
CLI reads the inputs, writes the reports and counts them the same way whichever engine runs.
"""

from __future__ import annotations

from mtqa.config import Config
from mtqa.engines.base import Engine, EngineError
from mtqa.extensions import ENGINES, load

__all__ = ["Engine", "EngineError", "open_engine"]


def open_engine(config: Config) -> Engine:
    """The engine ``config.engine`` names, started (models loaded); close it when done."""
    return load(ENGINES[config.engine])(config)
