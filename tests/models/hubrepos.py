"""Fake hub repositories shaped like the real ones mtqa pins, built from the tiny models.

The tiny models have real classes and random weights; the repositories are laid out as the
issue-12 facts describe the real ones:

- ``Helsinki-NLP/opus-mt-en-de``: ``main`` holds only pickle weights (``pytorch_model.bin``, plus TF,
  Flax and Rust files); ``refs/pr/4`` (the conversion bot's pull request) adds ``model.safetensors``
  at a commit starting ``73d41ab``.
- ``Helsinki-NLP/opus-mt-de-en``: the same on ``main``; ``refs/pr/4`` is at the bot's later commit
  ``6f6b23ef…``, and its first commit ``8be33f00…`` is still reachable by sha.
- ``distilbert/distilgpt2``: ``main`` has ``model.safetensors`` (and pickles, and files in folders).
- ``mtqa-test/no-weights``: a config and a README, no weights at all.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from .fakehub import commit_id

EN_DE, DE_EN, GPT2, NO_WEIGHTS = ("Helsinki-NLP/opus-mt-en-de", "Helsinki-NLP/opus-mt-de-en", "distilbert/distilgpt2",
                                  "mtqa-test/no-weights")
EN_DE_MAIN, DE_EN_MAIN, GPT2_MAIN, BARE_MAIN = (commit_id(x) for x in ("en-de main", "de-en main", "gpt2 main", "bare"))
EN_DE_PR4 = "73d41ab" + commit_id("en-de refs/pr/4")[7:]  # the registry pins the ref and these first digits
DE_EN_PR4_FIRST = "8be33f00bcaf451dc5ed05fdd94282649696b8e7"
DE_EN_PR4 = "6f6b23ef5ef8a586414ad9d2b7dda64ca5352935"
PINNED = {"backtranslate": (EN_DE, EN_DE_PR4), "roundtrip": (DE_EN, DE_EN_PR4), "fluency": (GPT2, GPT2_MAIN)}
ENV = {"HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_DISABLE_XET": "1", "HF_HUB_DISABLE_PROGRESS_BARS": "1",
       "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1", "HF_HUB_ETAG_TIMEOUT": "5", "HF_HUB_DOWNLOAD_TIMEOUT": "5",
       "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}


def model_files(folder: Path) -> dict[str, bytes]:
    """A tiny model's files as a hub repository holds them (mtqa's own marker left out)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name != "mtqa-model.json"}


def pickled_weights(folder: Path, kind: str) -> bytes:
    """``pytorch_model.bin`` as transformers used to write it: ``torch.save(model.state_dict())``."""
    import torch
    import transformers

    auto = transformers.AutoModelForSeq2SeqLM if kind == "marian" else transformers.AutoModelForCausalLM
    model = auto.from_pretrained(str(folder), local_files_only=True, use_safetensors=True)
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.getvalue()


def gpt2_vocab_files(folder: Path) -> dict[str, bytes]:
    """vocab.json and merges.txt (the original GPT-2 tokenizer files) from the tiny tokenizer.json."""
    import tempfile

    from tokenizers import Tokenizer

    with tempfile.TemporaryDirectory() as tmp:
        Tokenizer.from_file(str(folder / "tokenizer.json")).model.save(tmp)
        return {name: (Path(tmp) / name).read_bytes() for name in ("vocab.json", "merges.txt")}


def build_repos(tiny_models_dir: Path) -> dict:
    """``{repo: {revision: (commit, {file: bytes})}}`` for ``FakeHub``."""
    legacy = {"tf_model.h5": b"HDF5 stand-in", "flax_model.msgpack": b"msgpack stand-in",
              "rust_model.ot": b"rust stand-in", "README.md": b"# stand-in\n"}
    repos = {}
    for hub_id, role, main, pr4 in ((EN_DE, "backtranslate", EN_DE_MAIN, EN_DE_PR4),
                                    (DE_EN, "roundtrip", DE_EN_MAIN, DE_EN_PR4)):
        files = model_files(tiny_models_dir / role)
        safetensors = files.pop("model.safetensors")
        pickle_only = {**files, **legacy, "pytorch_model.bin": pickled_weights(tiny_models_dir / role, "marian")}
        repos[hub_id] = {"main": (main, pickle_only),
                         "refs/pr/4": (pr4, {**pickle_only, "model.safetensors": safetensors})}
    repos[DE_EN]["(first bot commit)"] = (DE_EN_PR4_FIRST, repos[DE_EN]["refs/pr/4"][1])
    gpt2 = {**model_files(tiny_models_dir / "fluency"), **gpt2_vocab_files(tiny_models_dir / "fluency"), **legacy,
            "pytorch_model.bin": pickled_weights(tiny_models_dir / "fluency", "causal-lm"),
            "64.tflite": b"tflite stand-in",
            "coreml/text-generation/float32_model.mlpackage/Manifest.json": b"{}"}
    repos[GPT2] = {"main": (GPT2_MAIN, gpt2)}
    repos[NO_WEIGHTS] = {"main": (BARE_MAIN, {"config.json": b'{"model_type": "gpt2"}', "README.md": b"# none\n"})}
    return repos


def hidden_leftovers(*folders: Path) -> list[str]:
    """Staging folders or partial files a pull must never leave behind."""
    found = []
    for folder in folders:
        if folder.exists():
            found += [str(p) for p in folder.rglob("*") if ".mtqa-pull-" in p.name or p.name.endswith(".incomplete")]
    return found


def subprocess_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
