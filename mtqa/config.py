"""Run configuration: defaults, then ``mtqa.toml`` or ``[tool.mtqa]``, then CLI options.

The signals put what changes their numbers (models, revisions, beam) into the run's signature;
paths, batch sizes and output options do not, so a report made with batch 1 and one made with
batch 16 are comparable.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from mtqa.extensions import ENGINES, SIGNALS, TRANSLATION_BACKENDS

BACKENDS = ("auto", *TRANSLATION_BACKENDS)
DEVICES = ("auto", "cpu", "cuda")
COMPUTE_TYPES = ("auto", "int8", "int8_float32", "int8_float16", "float16", "bfloat16", "float32")
SIGNAL_NAMES = tuple(SIGNALS)
PARSES = ("paragraph", "sentence")  # how the rules read an article's sentence (mtqa.text.sentences.segment)


class ConfigError(ValueError):
    """A configuration value a user gave is not usable (exit code 2)."""


@dataclass(frozen=True)
class Config:
    models_dir: Path | None = None  # None: $MTQA_MODELS_DIR, then ./models, then the HF cache
    signals: tuple[str, ...] = SIGNAL_NAMES  # which signals to try; those without models are skipped
    require_models: bool = False  # a missing model is an error instead of a skipped signal
    backend: str = "auto"
    device: str = "cpu"
    beam: int = 1
    batch_size: int = 16  # most sentences per model batch
    batch_tokens: int = 1024  # most padded tokens per model batch (length-sorted token-budget batches)
    compute_type: str = "auto"  # ct2 only: auto = int8 on CPU, float16 on CUDA
    # Translation passes only: the target vocabulary cut to the pieces of this many frequent words
    # (mtqa.models.shortlist); 0 = the full vocabulary. Changes outputs, so it signs the revision.
    shortlist: int = 0
    fluency_model: str = "fluency"  # a registry role or a model directory / hub id in the cache
    slor: bool = False  # fluency as SLOR: LM log-prob minus unigram log-prob, per token
    profile: str | None = None  # path to a profile TOML; None: the built-in default profile
    lines: bool = False  # every non-empty input line is one sentence (no segmentation)
    # "paragraph": the rules read a sentence from its paragraph's parse (parsed once, in context;
    # rules:3); "sentence": every sentence is parsed again on its own, as rules:1 did (rules:3-sentence).
    parse: str = "paragraph"
    offline: bool = True
    max_bytes: int = 20_000_000
    cache: Path | None = None
    use_cache: bool = False
    # Where the check runs (mtqa.engines): "local" in this process, "ray" in a pool of Ray actors.
    engine: str = "local"
    ray_address: str | None = None  # None: start a local Ray instance; "auto", "HOST:PORT", "ray://HOST:PORT"
    workers: int | None = None  # Ray actors, or the local engine's processes; None: as the CPUs (and GPUs) allow
    cpus_per_worker: float = 1.0
    gpus_per_worker: float = 0.0
    docs_per_task: int = 4  # documents a worker (Ray actor or local process) checks per call
    # Set by the command, not a setting: False when the output shows only article figures (score and
    # check as a table or CSV), so work that only a sentence row shows is left out (the grammar
    # signal's null-link re-parse). Scores, flags and the gate are the same either way.
    sentence_detail: bool = True

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ConfigError(f"unknown backend {self.backend!r}; choose one of {', '.join(BACKENDS)}")
        if self.device not in DEVICES:
            raise ConfigError(f"unknown device {self.device!r}; choose one of {', '.join(DEVICES)}")
        if not self.signals:
            raise ConfigError(f"no signal selected; choose from {', '.join(SIGNAL_NAMES)}")
        unknown = [s for s in self.signals if s not in SIGNAL_NAMES]
        if unknown:
            raise ConfigError(
                f"unknown signal {unknown[0]!r}; choose from {', '.join(SIGNAL_NAMES)}"
            )
        if self.parse not in PARSES:
            raise ConfigError(f"unknown parse {self.parse!r}; choose one of {', '.join(PARSES)}")
        if self.shortlist < 0:
            raise ConfigError("--shortlist must be 0 (off) or a number of words")
        if self.beam < 1:
            raise ConfigError("--beam must be at least 1")
        if self.max_bytes < 1:
            raise ConfigError("--max-bytes must be at least 1")
        if self.batch_size < 1:
            raise ConfigError("--batch-size must be at least 1")
        if self.batch_tokens < 1:
            raise ConfigError("batch_tokens must be at least 1")
        if self.compute_type not in COMPUTE_TYPES:
            raise ConfigError(f"unknown compute_type {self.compute_type!r}; choose one of {', '.join(COMPUTE_TYPES)}")
        self._check_engine()

    def _check_engine(self) -> None:
        if self.engine not in ENGINES:
            raise ConfigError(f"unknown engine {self.engine!r}; choose one of {', '.join(ENGINES)}")
        if self.ray_address is not None and not self.ray_address.strip():
            raise ConfigError("--ray-address must not be empty (leave it out to start a local Ray instance)")
        if self.workers is not None and self.workers < 1:
            raise ConfigError("--workers must be at least 1")
        if not (math.isfinite(self.cpus_per_worker) and self.cpus_per_worker > 0):
            raise ConfigError("--cpus-per-worker must be a number more than 0")
        if not (math.isfinite(self.gpus_per_worker) and self.gpus_per_worker >= 0):
            raise ConfigError("--gpus-per-worker must be a number, 0 or more")
        if self.gpus_per_worker > 0 and self.device == "cpu":
            raise ConfigError("--gpus-per-worker needs --device cuda (or auto): the workers would hold GPUs they never use")
        if self.docs_per_task < 1:
            raise ConfigError("docs_per_task must be at least 1")

    def with_overrides(self, **overrides: Any) -> "Config":
        """Apply CLI or API options; ``None`` means "not given" and keeps the current value."""
        return replace(self, **{k: _coerce(k, v) for k, v in overrides.items() if v is not None})

    def resolved_models_dir(self) -> Path:
        if self.models_dir is not None:
            return Path(self.models_dir)
        env = os.environ.get("MTQA_MODELS_DIR")
        return Path(env) if env else Path("models")


_TYPES = {f.name: type(f.default) for f in fields(Config) if isinstance(f.default, (bool, int, float, str))}


def _coerce(name: str, value: Any) -> Any:
    """A setting in the type Config wants, or ``ConfigError`` naming the setting."""
    if name in ("models_dir", "cache", "profile") and value is not None:
        if not isinstance(value, (str, Path)):
            raise ConfigError(f"setting {name!r} must be a path, not {value!r}")
        return Path(value) if name != "profile" else str(value)
    if name == "ray_address" and value is not None:
        if not isinstance(value, str):
            raise ConfigError(f"setting 'ray_address' must be str, not {value!r}")
        return value.strip()
    if name == "workers" and value is not None:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ConfigError(f"setting 'workers' must be int, not {value!r}")
        return value
    if name == "signals":
        if isinstance(value, str):
            value = [s.strip() for s in value.split(",") if s.strip()]
        if isinstance(value, (list, tuple)) and all(isinstance(s, str) for s in value):
            return tuple(dict.fromkeys(value))  # "rules,rules" runs rules once
        raise ConfigError(f"setting 'signals' must be a list of names or a comma-separated string, not {value!r}")
    expected = _TYPES.get(name)
    if expected is not None and value is not None:
        ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            ok, value = True, float(value)
        if not ok:
            raise ConfigError(f"setting {name!r} must be {expected.__name__}, not {value!r}")
    return value


COMMAND_ONLY = frozenset({"sentence_detail"})  # fields a command sets from its output, not settings


def _from_mapping(data: dict[str, Any], source: str) -> dict[str, Any]:
    known = {f.name for f in fields(Config)} - COMMAND_ONLY
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = key.replace("-", "_")
        if name not in known:
            raise ConfigError(f"{source}: unknown setting {key!r}")
        out[name] = _coerce(name, value)
    return out


def load_config(start: Path | None = None, **overrides: Any) -> Config:
    """Defaults, then ``mtqa.toml`` or ``pyproject.toml [tool.mtqa]`` in ``start``, then overrides."""
    start = Path(start or Path.cwd())
    settings: dict[str, Any] = {}
    try:
        own = start / "mtqa.toml"
        pyproject = start / "pyproject.toml"
        if own.is_file():
            settings = _from_mapping(tomllib.loads(own.read_text("utf-8")), str(own))
        elif pyproject.is_file():
            table = tomllib.loads(pyproject.read_text("utf-8")).get("tool", {}).get("mtqa", {})
            settings = _from_mapping(table, f"{pyproject} [tool.mtqa]")
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"cannot read configuration: {exc}") from None
    settings.update({k: _coerce(k, v) for k, v in overrides.items() if v is not None})
    return Config(**settings)
