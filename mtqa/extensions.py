"""Every extension point of mtqa and what is registered on it: one line adds a signal or a backend.

Names map to where the implementation lives, as ``module`` or ``module:attribute`` strings, so
this table imports nothing: the configuration checks names against it without loading any model
library, and each stage imports an implementation only when a run uses it.

- A signal is a module with ``SPEC`` (a ``mtqa.signals.base.SignalSpec``: version, model roles,
  metric rules for the default profile, help) and ``build(config, context)``.
- An engine runs the check over a stream of documents and gives the reports back in input order:
  ``Engine(config)`` with ``signature``, ``reports(items)`` and ``close()`` (``mtqa.engines.base``).
- A translation backend is ``load_translator(located, context)``; a language-model backend is
  ``load_language_model(located, context)`` (``located`` is None for a backend that brings its own
  model, such as ``ngram``). ``auto`` tries the translation backends in
  ``AUTO_TRANSLATION_ORDER`` and takes the first that has what it needs.
"""

from __future__ import annotations

import importlib
from typing import Any

SIGNALS: dict[str, str] = {  # in the order they run and appear in signatures
    "rules": "mtqa.signals.rules",
    "grammar": "mtqa.signals.grammar",
    "roundtrip": "mtqa.signals.roundtrip",
    "likelihood": "mtqa.signals.likelihood",
    "fluency": "mtqa.signals.fluency",
    "learned": "mtqa.signals.learned",  # probes on a neural LM from a PyPI wheel (mtqa.models.smollm)
}

TRANSLATION_BACKENDS: dict[str, str] = {
    "hf": "mtqa.models.backends.hf:load_translator",
    "ct2": "mtqa.models.backends.ct2:load_translator",
}
AUTO_TRANSLATION_ORDER = ("ct2", "hf")  # fastest first; each falls through when it cannot run

LANGUAGE_MODEL_BACKENDS: dict[str, str] = {
    "hf": "mtqa.models.backends.hf:load_language_model",
    "ngram": "mtqa.models.backends.ngram:load_language_model",  # offline: the model comes with pocketsphinx
}
OFFLINE_LANGUAGE_MODEL = "ngram"  # needs no located model; the fluency role falls back to it


ENGINES: dict[str, str] = {  # where ``mtqa flags|score|check`` run the Checker
    "local": "mtqa.engines.local:LocalEngine",
    "ray": "mtqa.engines.ray:RayEngine",
}


def load(target: str) -> Any:
    """The module (``pkg.mod``) or attribute (``pkg.mod:name``) a registry entry names."""
    module, _, attribute = target.partition(":")
    loaded = importlib.import_module(module)
    return getattr(loaded, attribute) if attribute else loaded
