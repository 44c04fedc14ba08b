"""MarianMT models with the real opus-mt-en-de shapes and random weights, for tests and benchmarks.

The tiny models hide shape, memory and batching bugs; the real checkpoints cannot be downloaded on
build machines. These have the opus-mt-en-de configuration written out by hand (58,101-token
vocabulary, 6 encoder and 6 decoder layers, d_model 512, 8 heads, ffn 2048, pad id 58100, end of
sentence 0), random (seeded) weights, and a tokenizer that fits: a small SentencePiece model whose
pieces take the first ids of a 58,101-entry vocabulary (the rest are filler tokens), so real text
goes in as real ids and the model can emit any id. Scores mean nothing.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

D_MODEL, LAYERS, HEADS, FFN, VOCAB = 512, 6, 8, 2048, 58101
PAD, EOS = VOCAB - 1, 0


def opus_mt_config(**overrides):
    """The opus-mt-en-de configuration (no download)."""
    from transformers import MarianConfig

    settings = dict(
        vocab_size=VOCAB, decoder_vocab_size=VOCAB, d_model=D_MODEL, encoder_layers=LAYERS, decoder_layers=LAYERS,
        encoder_attention_heads=HEADS, decoder_attention_heads=HEADS, encoder_ffn_dim=FFN, decoder_ffn_dim=FFN,
        activation_function="swish", max_position_embeddings=512, pad_token_id=PAD, eos_token_id=EOS,
        decoder_start_token_id=PAD, forced_eos_token_id=EOS, bos_token_id=None, scale_embedding=True,
        static_position_embeddings=True, share_encoder_decoder_embeddings=True, tie_word_embeddings=True,
        num_beams=1, max_length=512)
    settings.update(overrides)
    return MarianConfig(**settings)


def vocabulary(pieces: list[str]) -> list[str]:
    """Token strings for ids 0..VOCAB-1: ``</s>``, ``<unk>``, the SentencePiece pieces, fillers, ``<pad>``."""
    vocab: list[str] = []
    seen: set[str] = set()
    for piece in ["</s>", "<unk>", *pieces]:
        if piece not in seen and piece != "<pad>":
            seen.add(piece)
            vocab.append(piece)
    vocab += [f"▁w{k}" for k in range(VOCAB - 1 - len(vocab))]
    return vocab + ["<pad>"]


def spm_model() -> bytes:
    from mtqa.testing.tiny import _train_spm, training_lines

    return _train_spm(training_lines(), vocab_size=400)


def build_opus_sized_marian(path: Path, source_lang: str, target_lang: str, seed: int,
                            spm: bytes | None = None, pieces_only: bool = False) -> Path:
    """Write a random-weight opus-mt-sized MarianMT model (safetensors) and its tokenizer to ``path``.

    ``pieces_only``: a large negative ``final_logits_bias`` on every id but the word-initial
    SentencePiece pieces, so the model writes words whose text reads back as as many tokens.
    Otherwise a filler token (``w123``) reads back as several pieces, and a round trip's second
    pass gets inputs several times longer than a real model's. Shapes and work per token are unchanged.
    """
    import sentencepiece
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    from mtqa.models.backends.hf import quiet_libraries

    quiet_libraries()
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    spm = spm or spm_model()
    with tempfile.TemporaryDirectory() as tmp:
        spm_path = Path(tmp) / "spm.model"
        spm_path.write_bytes(spm)
        sp = sentencepiece.SentencePieceProcessor(model_file=str(spm_path))
        vocab = vocabulary([sp.id_to_piece(i) for i in range(sp.get_piece_size())])
        vocab_path = Path(tmp) / "vocab.json"
        vocab_path.write_text(json.dumps({tok: i for i, tok in enumerate(vocab)}), "utf-8")
        MarianTokenizer(source_spm=str(spm_path), target_spm=str(spm_path), vocab=str(vocab_path),
                        source_lang=source_lang, target_lang=target_lang,
                        model_max_length=512).save_pretrained(str(path))
    torch.manual_seed(seed)
    model = MarianMTModel(opus_mt_config()).eval()
    if pieces_only:
        words = {i for i, tok in enumerate(vocab) if tok.startswith("▁") and len(tok) > 1
                 and not (tok.startswith("▁w") and tok[2:].isdigit())}
        with torch.no_grad():
            model.final_logits_bias[0, [i for i in range(VOCAB) if i not in words]] = -30.0
    model.save_pretrained(str(path), safe_serialization=True)
    marker = {"model_id": f"mtqa-test/opus-mt-sized-{source_lang}-{target_lang}", "kind": "marian", "tiny": True,
              "note": "random weights with the real opus-mt shapes; scores mean nothing"}
    (path / "mtqa-model.json").write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n", "utf-8")
    return path
