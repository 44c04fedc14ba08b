"""Model registry, offline resolution and the per-process model context.

A model is named by a registry role (``backtranslate``), a hub id (``Helsinki-NLP/opus-mt-en-de``)
or a directory. Resolution never touches the network: first the models directory
(``--models-dir`` / ``$MTQA_MODELS_DIR`` / ``./models``) as ``<dir>/<role>/`` or
``<dir>/<owner>--<name>/``, then the Hugging Face cache with ``local_files_only``. Fetching is an
explicit step (``mtqa models pull``), so a check never downloads anything behind the user's back.

Only safetensors weights are loaded (pickle files can run code), and the revision that goes into
the signature is what was actually loaded: the snapshot hash in the Hugging Face cache, or a hash
of the files for a plain directory, so new weights always change the signature.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomllib

from mtqa.config import Config, ConfigError
from mtqa.modelsafety import UnsafeModel, check_model_dir
from mtqa.signals.base import SignalUnavailable
from mtqa.translate.base import Translation

PACKAGED_REGISTRY = Path(__file__).resolve().parent / "registry.toml"
KINDS = ("marian", "causal-lm")
MARKER = "mtqa-model.json"  # optional: names the model in a plain directory (tiny models, pulls)
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle")
MEMO_LIMIT = 50_000  # memoised translations kept per process
HASHED_SUFFIXES = (".json", ".safetensors", ".spm", ".model", ".txt")


class ModelError(Exception):
    """A model that is missing or must not be loaded; ``reason`` names it, ``fix`` says what to run."""

    def __init__(self, model_id: str, reason: str, fix: str | None = None):
        super().__init__(reason)
        self.model_id = model_id
        self.reason = reason
        self.fix = fix


class ModelMissing(ModelError):
    """The model is nowhere on disk (as opposed to present but unusable)."""


@dataclass(frozen=True)
class ModelSpec:
    role: str
    hub_id: str
    revision: str
    kind: str
    used_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class LocatedModel:
    """A model found on disk, with the id and revision a report's signature records."""

    name: str  # what was asked for: a role, a hub id or a path
    model_id: str
    path: Path
    revision: str
    source: str  # "models-dir", "hf-cache" or "path"
    kind: str
    tiny: bool = False


def load_registry(path: Path | None = None) -> dict[str, ModelSpec]:
    """Roles → specs from ``registry.toml`` (the packaged copy unless ``path`` is given)."""
    path = path or PACKAGED_REGISTRY
    data = tomllib.loads(path.read_text("utf-8"))
    specs = {}
    for role, entry in data.get("roles", {}).items():
        if entry.get("kind") not in KINDS:
            raise ConfigError(f"{path}: role {role!r} has unknown kind {entry.get('kind')!r}")
        specs[role] = ModelSpec(role, entry["hub_id"], str(entry.get("revision", "main")), entry["kind"],
                                tuple(entry.get("used_by", ())))
    return specs


def dir_name(hub_id: str) -> str:
    """``owner/name`` → ``owner--name``, the layout ``mtqa models pull`` and the HF cache use."""
    return hub_id.replace("/", "--")


def fetch_hint(name: str) -> str:
    return (f"run `mtqa models pull {name}` where there is network, or `mtqa models build-tiny DIR` "
            "and --models-dir DIR for tiny test models")


def content_revision(path: Path) -> str:
    """First 12 hex of a sha256 over the config, tokenizer and weight files (names and bytes)."""
    digest = hashlib.sha256()
    for f in sorted(p for p in path.iterdir() if p.is_file() and p.suffix in HASHED_SUFFIXES):
        digest.update(f.name.encode("utf-8") + b"\0")
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:12]


def check_weights(path: Path, model_id: str) -> None:
    """Refuse a directory without safetensors weights, naming the pickle files it has instead."""
    files = [p.name for p in path.iterdir() if p.is_file()]
    if any(name.endswith(".safetensors") for name in files):
        return
    pickles = sorted(n for n in files if n.endswith(PICKLE_SUFFIXES))
    if pickles:
        raise ModelError(model_id, f"refusing {model_id} in {path}: only pickle weights ({', '.join(pickles)}); "
                                   "mtqa loads safetensors only",
                         "convert the weights to model.safetensors or pull the model again")
    raise ModelError(model_id, f"no model weights (*.safetensors) in {path} for {model_id}", fetch_hint(model_id))


def _kind_of(path: Path, default: str | None) -> str:
    if default:
        return default
    try:
        model_type = json.loads((path / "config.json").read_text("utf-8")).get("model_type")
    except (OSError, ValueError):
        model_type = None
    return "marian" if model_type == "marian" else "causal-lm"


def _marker(path: Path) -> dict[str, Any]:
    try:
        return json.loads((path / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def check_safe(path: Path, model_id: str, roots: Sequence[Path]) -> None:
    """Safetensors only, no pickle files, no links out of the model roots (``modelsafety``)."""
    check_weights(path, model_id)
    try:
        check_model_dir(path, roots)
    except UnsafeModel as exc:
        raise ModelError(model_id, f"refusing {model_id}: {exc}",
                         "remove the pickle files or links, or pull the model again") from None


def _hf_cache_root() -> Path:
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def _from_dir(name: str, model_id: str, path: Path, source: str, kind: str | None,
              roots: Sequence[Path]) -> LocatedModel:
    marker = _marker(path)
    model_id = str(marker.get("model_id", model_id))
    check_safe(path, model_id, roots)
    return LocatedModel(name, model_id, path, content_revision(path), source, _kind_of(path, kind),
                        bool(marker.get("tiny", False)))


def hf_cache_snapshot(hub_id: str, revision: str) -> Path | None:
    """The cached snapshot directory of ``hub_id`` at ``revision``, without any network access."""
    try:
        from huggingface_hub import snapshot_download
        from huggingface_hub.errors import LocalEntryNotFoundError
    except ImportError:
        return None
    try:
        return Path(snapshot_download(hub_id, revision=revision, local_files_only=True))
    except (LocalEntryNotFoundError, OSError, ValueError):
        return None


def locate(name: str, config: Config, registry: dict[str, ModelSpec] | None = None) -> LocatedModel:
    """Find ``name`` (role, hub id or directory) on disk; raises ``ModelError`` when it is absent."""
    registry = load_registry() if registry is None else registry
    spec = registry.get(name)
    if spec is None and Path(name).is_dir():
        path = Path(name)
        return _from_dir(name, path.name, path, "path", None, [path])
    hub_id, revision, kind = (spec.hub_id, spec.revision, spec.kind) if spec else (name, "main", None)
    models_dir = config.resolved_models_dir()
    candidates = ([models_dir / spec.role] if spec else []) + [models_dir / dir_name(hub_id)]
    for candidate in candidates:
        if candidate.is_dir():
            return _from_dir(name, hub_id, candidate, "models-dir", kind, [models_dir])
    snapshot = hf_cache_snapshot(hub_id, revision)
    if snapshot is not None:
        check_safe(snapshot, hub_id, [_hf_cache_root()])
        return LocatedModel(name, hub_id, snapshot, snapshot.name, "hf-cache", _kind_of(snapshot, kind),
                            bool(_marker(snapshot).get("tiny", False)))
    role = f" (role {spec.role})" if spec else ""
    raise ModelMissing(hub_id, f"model {hub_id}{role} not found in {models_dir}/ or the Hugging Face cache",
                     fetch_hint(spec.role if spec else hub_id))


def resolve_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ConfigError("--device cuda: no CUDA device is available; use --device cpu")
    return device


def converted_dir(located: LocatedModel, config: Config) -> Path:
    """Where the CTranslate2 conversion of ``located`` lives: beside it, ``<dir>/<name>-ct2``."""
    from mtqa.translate.ct2 import CT2_SUFFIX

    if located.source == "hf-cache":
        return config.resolved_models_dir() / f"{dir_name(located.model_id)}{CT2_SUFFIX}"
    return located.path.with_name(located.path.name + CT2_SUFFIX)


@contextmanager
def needed_by(signal: str) -> Iterator[None]:
    """Turn a model problem into ``SignalUnavailable`` for ``signal`` (skipped, or exit 2 if required)."""
    try:
        yield
    except ModelError as exc:
        raise SignalUnavailable(signal, exc.reason, exc.fix) from None


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
            from mtqa.cache import Cache, default_cache_path

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
                from mtqa.cache import CachedTranslator

                translator = CachedTranslator(translator, self.cache)
            self._loaded[name] = translator
        return self._loaded[name]

    def converted(self, located: LocatedModel) -> Path | None:
        """The fresh CTranslate2 conversion of ``located``, or None (absent, stale, or no ctranslate2)."""
        from mtqa.translate.ct2 import is_converted

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
            from mtqa.translate.ct2 import CT2Translator

            return CT2Translator.load(path, self.device, c.compute_type, c.batch_size, c.batch_tokens)
        from mtqa.translate.hf import HFTranslator

        return HFTranslator.load(located, self.device, c.batch_size, c.batch_tokens)

    def language_model(self, name: str):
        """A causal LM scorer (role, hub id or directory), loaded once."""
        key = f"lm:{name}"
        if key not in self._loaded:
            located = self.locate(name)
            if located.kind != "causal-lm":
                raise ModelError(located.model_id, f"{located.model_id} is a {located.kind} model, not a language model")
            from mtqa.translate.hf import HFCausalLM

            lm = HFCausalLM.load(located, self.device, self.config.batch_size, self.config.batch_tokens)
            if self.cache is not None:
                from mtqa.cache import CachedLanguageModel

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
