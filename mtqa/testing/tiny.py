"""A complete tiny model set (random weights, real classes) for tests and offline demos.

The real checkpoints cannot be downloaded on build machines, so tests run every model code path on
models built here in a few seconds: two MarianMT models (en→de, de→en) sharing a tiny SentencePiece
vocabulary and a tiny GPT-2 with a byte-level BPE tokenizer. They are written in the layout the
resolver reads (``<dir>/<role>/``), as safetensors, and each says it is a tiny test model, so a
report made with them can never pass for one made with the real models.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from importlib import resources
from pathlib import Path

SEED = 1234
TINY_MARKER = "mtqa-model.json"  # also written by `mtqa models pull`; names the model for signatures

GERMAN_LINES = (
    "Russische Agenten haben den Taliban Prämien für Angriffe auf US-Soldaten angeboten.",
    "Die Zeitung berichtet unter Berufung auf Regierungskreise in Washington.",
    "Der Kreml bestreitet die Vorwürfe und spricht von Falschmeldungen.",
    "Die Sowjetunion marschierte 1979 in Afghanistan ein.",
    "Die Regierung strebt neue politische Gespräche über Afghanistan an.",
    "Ziel ist der vollständige Abzug der eigenen Truppen aus dem Land.",
    "Es ist unklar, welche Todesfälle mit der Initiative in Verbindung stehen.",
    "Im Februar einigten sich die USA und die Taliban in Doha auf ein Abkommen.",
)

ENGLISH_LINES = (
    "The government said on Monday that the talks would continue next week.",
    "According to the report, the agency had no information about the allegations.",
    "Police are investigating the cause of the fire, a spokesman said.",
)


def training_lines() -> list[str]:
    """Text to train the tiny vocabularies: fixed lines plus a packaged copy of the seed article, so
    the tiny models are the same from a source checkout and from an installed package."""
    lines: list[str] = list(ENGLISH_LINES) + list(GERMAN_LINES)
    text = resources.files("mtqa.testing").joinpath("training-text.txt").read_text("utf-8")
    return lines + [ln.strip() for ln in text.splitlines() if ln.strip()]


def _train_spm(lines: list[str], vocab_size: int) -> bytes:
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=model, vocab_size=vocab_size,
        model_type="unigram", character_coverage=1.0, num_threads=1, minloglevel=2,
        bos_id=-1, eos_id=1, unk_id=2, pad_id=-1, hard_vocab_limit=False,
    )
    return model.getvalue()


def _write_marker(path: Path, model_id: str, kind: str) -> None:
    marker = {"model_id": model_id, "kind": kind, "tiny": True,
              "note": "random weights for tests; scores mean nothing"}
    (path / TINY_MARKER).write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n", "utf-8")


def build_marian(path: Path, source_lang: str, target_lang: str, spm_model: bytes, seed: int) -> None:
    """A 2-layer MarianMT model with random (seeded) weights and a shared SentencePiece vocabulary."""
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    path.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        spm_path = Path(tmp) / "spm.model"
        spm_path.write_bytes(spm_model)
        sp = spm.SentencePieceProcessor(model_file=str(spm_path))
        pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
        vocab: dict[str, int] = {}
        for piece in ["</s>", "<unk>", *pieces, "<pad>"]:
            vocab.setdefault(piece, len(vocab))
        vocab_path = Path(tmp) / "vocab.json"
        vocab_path.write_text(json.dumps(vocab), "utf-8")
        tokenizer = MarianTokenizer(
            source_spm=str(spm_path), target_spm=str(spm_path), vocab=str(vocab_path),
            source_lang=source_lang, target_lang=target_lang, model_max_length=128,
        )
        tokenizer.save_pretrained(str(path))
    pad = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=len(vocab), decoder_vocab_size=len(vocab), d_model=32, encoder_layers=2,
        decoder_layers=2, encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
        decoder_ffn_dim=64, max_position_embeddings=128, pad_token_id=pad, decoder_start_token_id=pad,
        eos_token_id=vocab["</s>"], forced_eos_token_id=vocab["</s>"], bos_token_id=None,
        max_length=64, num_beams=1, scale_embedding=True, share_encoder_decoder_embeddings=True,
        mtqa_tiny=True,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    with torch.no_grad():  # random logits are flat: nudge end-of-sentence so outputs stay short (fast tests)
        model.final_logits_bias[0, config.eos_token_id] = 0.3
    model.save_pretrained(str(path), safe_serialization=True)
    _write_marker(path, f"mtqa-tiny/marian-{source_lang}-{target_lang}", "marian")


def build_gpt2(path: Path, lines: list[str], seed: int) -> None:
    """A 2-layer GPT-2 with random (seeded) weights and a byte-level BPE tokenizer."""
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import GPT2Config, GPT2LMHeadModel, GPT2TokenizerFast

    path.mkdir(parents=True, exist_ok=True)
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(lines, vocab_size=600, min_frequency=2, show_progress=False,
                            special_tokens=["<|endoftext|>"])
    tokenizer = GPT2TokenizerFast(tokenizer_object=bpe._tokenizer, bos_token="<|endoftext|>",
                                  eos_token="<|endoftext|>", unk_token="<|endoftext|>",
                                  model_max_length=128)
    tokenizer.save_pretrained(str(path))
    eot = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=128, n_embd=32, n_layer=2, n_head=2,
                        bos_token_id=eot, eos_token_id=eot, mtqa_tiny=True)
    torch.manual_seed(seed)
    model = GPT2LMHeadModel(config).eval()
    model.save_pretrained(str(path), safe_serialization=True)
    _write_marker(path, "mtqa-tiny/gpt2", "causal-lm")


def build_tiny(directory: str | os.PathLike) -> Path:
    """Write the tiny set to ``<directory>/{backtranslate,roundtrip,fluency,smollm2-135m}``; returns the directory."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    from mtqa.models.backends.hf import quiet_libraries

    quiet_libraries()  # no library progress bars or warnings between the command's own output
    lines = training_lines()
    spm_model = _train_spm(lines, vocab_size=400)
    build_marian(out / "backtranslate", "en", "de", spm_model, SEED)
    build_marian(out / "roundtrip", "de", "en", spm_model, SEED + 1)
    build_gpt2(out / "fluency", lines, SEED + 2)
    build_llama(out, lines)  # the learned signal's LM, as `mtqa models install lm` lays it out
    return out


def build_llama(path: Path, lines: list[str] | None = None, seed: int = SEED + 3, layers: int = 3) -> Path:
    """A tiny Llama (SmolLM2's architecture) with random weights, a byte-level BPE tokenizer, and
    heads for the ``learned`` signal fitted to nothing (seeded random numbers of the right sizes),
    in the layout ``mtqa.models.smollm`` reads (``<dir>/smollm2-135m/``)."""
    import random

    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import GPT2TokenizerFast, LlamaConfig, LlamaForCausalLM

    from mtqa.models import smollm
    from mtqa.models.backends.hf import quiet_libraries

    quiet_libraries()
    folder = smollm.folder_of(path)
    folder.mkdir(parents=True, exist_ok=True)
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(lines or training_lines(), vocab_size=600, min_frequency=2, show_progress=False,
                            special_tokens=["<|endoftext|>"])
    tokenizer = GPT2TokenizerFast(tokenizer_object=bpe._tokenizer, bos_token="<|endoftext|>",
                                  eos_token="<|endoftext|>", unk_token="<|endoftext|>",
                                  pad_token="<|endoftext|>", model_max_length=256)
    tokenizer.save_pretrained(str(folder))
    eot = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    hidden = 32
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=hidden, intermediate_size=64, num_hidden_layers=layers,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
                         bos_token_id=eot, eos_token_id=eot, pad_token_id=eot, tie_word_embeddings=True)
    torch.manual_seed(seed)
    LlamaForCausalLM(config).eval().save_pretrained(str(folder), safe_serialization=True)
    rng = random.Random(seed)
    sentence_layers = [1, layers]

    def numbers(n: int, lo: float = -0.3, hi: float = 0.3) -> list[float]:
        return [round(rng.uniform(lo, hi), 6) for _ in range(n)]

    head = {"about": "random numbers for tests; scores mean nothing",
            "sentence": {"layers": sentence_layers, "mean": [0.0] * (hidden * 2), "scale": [1.0] * (hidden * 2),
                         "coef": numbers(hidden * 2), "intercept": 0.0, "link": [0.0, -1.5],
                         "minor": 0.55, "major": 0.9},
            "word": {"layer": layers, "mean": [0.0] * hidden, "scale": [1.0] * hidden, "coef": numbers(hidden, -1, 1),
                     "intercept": -0.5, "threshold": 0.5}}
    (folder / "learned-head.json").write_text(json.dumps(head, indent=1) + "\n", "utf-8")
    smollm.write_marker(folder, {"model_id": "mtqa-tiny/llama", "tiny": True,
                                 "note": "random weights for tests; scores mean nothing"})
    return path
