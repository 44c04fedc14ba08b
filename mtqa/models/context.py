"""The per-process model context: each model loaded once, shared by the signals that need it."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mtqa.config import Config, ConfigError
from mtqa.models.backends.base import Translation
from mtqa.models.locate import LocatedModel, ModelError, locate, resolve_device
from mtqa.models.registry import dir_name, load_registry

MEMO_LIMIT = 50_000  # memoised translations kept per process


def converted_dir(located: LocatedModel, config: Config) -> Path:
    """Where the CTranslate2 conversion of ``located`` lives: beside it, ``<dir>/<name>-ct2``."""
    from mtqa.models.backends.ct2 import CT2_SUFFIX

    if located.source == "hf-cache":
        return config.resolved_models_dir() / f"{dir_name(located.model_id)}{CT2_SUFFIX}"
    return located.path.with_name(located.path.name + CT2_SUFFIX)


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

    def converted(self, located: LocatedModel) -> Path | None:
        """The fresh CTranslate2 conversion of ``located``, or None (absent, stale, or no ctranslate2)."""
        from mtqa.models.backends.ct2 import is_converted

        path = converted_dir(located, self.config)
        if not is_converted(path, located.revision):
            return None
        try:
            import ctranslate2  # noqa: F401
        except ImportError:
            return None
        return path

    def _load_translator(self, located: LocatedModel):
        backend, c = self.config.backend, self.config
        path = self.converted(located) if backend in ("ct2", "auto") else None
        if backend == "ct2" and path is None:
            raise ModelError(located.model_id,
                             f"no up-to-date CTranslate2 conversion of {located.model_id} in {converted_dir(located, c)}",
                             "run `mtqa models convert` (needs the ctranslate2 package), or use --backend hf")
        if path is not None:
            from mtqa.models.backends.ct2 import CT2Translator

            return CT2Translator.load(path, self.device, c.compute_type, c.batch_size, c.batch_tokens)
        from mtqa.models.backends.hf import HFTranslator

        return HFTranslator.load(located, self.device, c.batch_size, c.batch_tokens)

    def language_model(self, name: str):
        """A causal LM scorer (role, hub id or directory), loaded once."""
        key = f"lm:{name}"
        if key not in self._loaded:
            located = self.locate(name)
            if located.kind != "causal-lm":
                raise ModelError(located.model_id, f"{located.model_id} is a {located.kind} model, not a language model")
            from mtqa.models.backends.hf import HFCausalLM

            lm = HFCausalLM.load(located, self.device, self.config.batch_size, self.config.batch_tokens)
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
