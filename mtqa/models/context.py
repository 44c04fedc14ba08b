"""The per-process model context: each model loaded once, shared by the signals that need it."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mtqa.config import Config, ConfigError
from mtqa.extensions import (
    AUTO_TRANSLATION_ORDER,
    LANGUAGE_MODEL_BACKENDS,
    OFFLINE_LANGUAGE_MODEL,
    TRANSLATION_BACKENDS,
    load,
)
from mtqa.models.backends.base import Translation
from mtqa.models.locate import BackendUnavailable, LocatedModel, ModelError, ModelMissing, locate, resolve_device
from mtqa.models.registry import load_registry

MEMO_LIMIT = 50_000  # memoised translations kept per process


class ModelContext:
    """Loads each model at most once per process and hands it to the signals that need it.

    It also memoises translations per (model, beam, text), so the roundtrip and likelihood signals
    share one English→German pass over an article.
    """

    def __init__(self, config: Config):
        self.config = config
        self.registry = load_registry()
        self._loaded: dict[str, Any] = {}
        self._translations: dict[tuple[str, int, str], Translation] = {}
        self._cache = None

    @property
    def device(self) -> str:
        return resolve_device(self.config.device)

    def locate(self, name: str) -> LocatedModel:
        return locate(name, self.config, self.registry)

    @property
    def cache(self):
        """The persistent cache (``--cache``), opened on first use; None with ``--no-cache``."""
        if self._cache is None and self.config.use_cache:
            from mtqa.models.cache import Cache, default_cache_path

            path = Path(self.config.cache) if self.config.cache else default_cache_path()
            try:
                self._cache = Cache(path)
            except (OSError, sqlite3.Error) as exc:
                raise ConfigError(f"cannot use cache {path}: {exc}; pass --no-cache or another --cache PATH") from None
        return self._cache

    def translator(self, name: str):
        """A Translator for a Marian model (role, hub id or directory), loaded once."""
        if name not in self._loaded:
            located = self.locate(name)
            if located.kind != "marian":
                raise ModelError(located.model_id, f"{located.model_id} is a {located.kind} model, not a translator")
            translator = self._load_translator(located)
            if self.cache is not None:
                from mtqa.models.cache import CachedTranslator

                translator = CachedTranslator(translator, self.cache)
            self._loaded[name] = translator
        return self._loaded[name]

    def _load_translator(self, located: LocatedModel):
        """With the configured backend, or with ``auto`` the first in ``AUTO_TRANSLATION_ORDER`` that can."""
        choice = self.config.backend
        names = AUTO_TRANSLATION_ORDER if choice == "auto" else (choice,)
        for name in names:
            try:
                return load(TRANSLATION_BACKENDS[name])(located, self)
            except BackendUnavailable:
                if name == names[-1]:
                    raise
        raise AssertionError("unreachable: the last backend raises")  # pragma: no cover

    def language_model(self, name: str):
        """A language-model scorer, loaded once: ``ngram`` (the offline model that comes with
        pocketsphinx), or a causal LM (role, hub id or directory). The ``fluency`` role falls back to
        ``ngram`` when no causal LM is installed for it (not when one is there but refused)."""
        key = f"lm:{name}"
        if key not in self._loaded:
            if name in LANGUAGE_MODEL_BACKENDS and name != "hf":
                self._loaded[key] = load(LANGUAGE_MODEL_BACKENDS[name])(None, self)
                return self._loaded[key]
            try:
                located = self.locate(name)
            except ModelMissing as missing:  # not installed; a model that is there but refused is an error
                if name != "fluency":
                    raise
                try:
                    self._loaded[key] = self.language_model(OFFLINE_LANGUAGE_MODEL)
                except ModelError as offline:
                    raise ModelError(missing.model_id, f"{missing.reason}; and {offline.reason}",
                                     missing.fix) from None
                return self._loaded[key]
            if located.kind != "causal-lm":
                raise ModelError(located.model_id, f"{located.model_id} is a {located.kind} model, not a language model")
            lm = load(LANGUAGE_MODEL_BACKENDS["hf"])(located, self)
            if self.cache is not None:
                from mtqa.models.cache import CachedLanguageModel

                lm = CachedLanguageModel(lm, self.cache)
            self._loaded[key] = lm
        return self._loaded[key]

    def translate(self, name: str, texts: Sequence[str]) -> list[Translation]:
        """Translations of ``texts`` with the configured beam; each distinct text is translated once."""
        translator = self.translator(name)
        beam = self.config.beam
        if len(self._translations) > MEMO_LIMIT:  # a long feed: keep memory bounded, articles rarely repeat
            self._translations.clear()
        todo = sorted({t for t in texts if (name, beam, t) not in self._translations})
        if todo:
            for text, result in zip(todo, translator.translate(todo, beam=beam)):
                self._translations[(name, beam, text)] = result
        return [self._translations[(name, beam, t)] for t in texts]
