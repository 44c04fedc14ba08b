"""The Llama forward pass (SmolLM2's architecture) in plain torch, for reading hidden states.

The learned signal reads the hidden states of a model's first layers, nothing else. transformers'
modelling code costs about 6 s of imports per process (its loaders pull in torch.distributed,
torch._dynamo and scipy), three times what one article's reading costs; a ``mtqa check`` in a shell
gate pays it on every call. This module is the part of ``LlamaModel`` the heads read, no more:
token embeddings, RMSNorm, rotary positions, grouped-query causal attention (torch's
``scaled_dot_product_attention``), the SwiGLU MLP, built from the first ``depth`` layers of the
converted safetensors file only. It follows transformers' conventions where they show in the
output: the last hidden state is the final norm's, as ``output_hidden_states`` gives it.
``tests/signals/test_learned.py`` holds it to transformers' ``LlamaModel`` on the same weights.

A configuration with anything this module does not implement (biases, scaled rotary positions,
another activation) is refused with the reason, never approximated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WEIGHTS = "model.safetensors"
PREFIX = "model."


class Unsupported(ValueError):
    """The configuration needs a part of the architecture this module does not implement."""


@dataclass(frozen=True)
class Shape:
    hidden: int
    heads: int
    kv_heads: int
    head_dim: int
    layers: int
    eps: float
    rope_theta: float

    @classmethod
    def of(cls, config: dict) -> Shape:
        rope = config.get("rope_parameters") or {}
        rope_type = rope.get("rope_type", (config.get("rope_scaling") or {}).get("rope_type", "default"))
        needs = {"model_type": ("llama", config.get("model_type")), "hidden_act": ("silu", config.get("hidden_act")),
                 "attention_bias": (False, bool(config.get("attention_bias", False))),
                 "mlp_bias": (False, bool(config.get("mlp_bias", False))), "rope_type": ("default", rope_type),
                 "pretraining_tp": (1, config.get("pretraining_tp", 1))}
        wrong = [f"{k}={got!r}" for k, (want, got) in needs.items() if got != want]
        if wrong:
            raise Unsupported("not a plain Llama: " + ", ".join(wrong))
        heads = int(config["num_attention_heads"])
        return cls(hidden=int(config["hidden_size"]), heads=heads,
                   kv_heads=int(config.get("num_key_value_heads") or heads),
                   head_dim=int(config.get("head_dim") or int(config["hidden_size"]) // heads),
                   layers=int(config["num_hidden_layers"]), eps=float(config["rms_norm_eps"]),
                   rope_theta=float(rope.get("rope_theta", config.get("rope_theta", 10000.0))))


@dataclass(frozen=True)
class Output:
    hidden_states: tuple  # embeddings, then each layer's output; the last after the final norm


class Llama:
    """The first ``depth`` layers of a converted Llama, read-only, called like ``LlamaModel``."""

    def __init__(self, folder: Path, depth: int):
        import torch
        from safetensors import safe_open

        self.shape = Shape.of(json.loads((folder / "config.json").read_text("utf-8")))
        if not 0 < depth <= self.shape.layers:
            raise Unsupported(f"layer {depth} asked for, the model has {self.shape.layers}")
        self.depth = depth
        names = ["embed_tokens.weight", "norm.weight"] + [
            f"layers.{i}.{part}.weight" for i in range(depth)
            for part in ("input_layernorm", "post_attention_layernorm", "self_attn.q_proj", "self_attn.k_proj",
                         "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")]
        with safe_open(str(folder / WEIGHTS), framework="pt") as f:
            self.w = {name: f.get_tensor(PREFIX + name).to(torch.float32) for name in names}
        s = self.shape
        self.inv_freq = 1.0 / (s.rope_theta ** (torch.arange(0, s.head_dim, 2, dtype=torch.int64).float() / s.head_dim))
        self.layers = range(depth)  # how deep it runs, as ``len(model.layers)`` says it for LlamaModel

    def _norm(self, x, weight):
        import torch

        return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.shape.eps))

    def __call__(self, input_ids, attention_mask, output_hidden_states: bool = True) -> Output:
        import torch
        import torch.nn.functional as F

        s, w = self.shape, self.w
        batch, width = input_ids.shape
        x = F.embedding(input_ids, w["embed_tokens.weight"])
        freqs = torch.arange(width, dtype=torch.float32)[:, None] * self.inv_freq
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[None, None], emb.sin()[None, None]
        keep = attention_mask.bool()
        causal = torch.ones(width, width, dtype=torch.bool).tril()
        allowed = causal[None, None] & (keep[:, None, None, :] | torch.eye(width, dtype=torch.bool)[None, None])
        states = [x]
        for i in range(self.depth):
            p = f"layers.{i}."
            h = self._norm(x, w[p + "input_layernorm.weight"])
            q = F.linear(h, w[p + "self_attn.q_proj.weight"]).view(batch, width, s.heads, s.head_dim).transpose(1, 2)
            k = F.linear(h, w[p + "self_attn.k_proj.weight"]).view(batch, width, s.kv_heads, s.head_dim).transpose(1, 2)
            v = F.linear(h, w[p + "self_attn.v_proj.weight"]).view(batch, width, s.kv_heads, s.head_dim).transpose(1, 2)
            q, k = q * cos + _rotate_half(q) * sin, k * cos + _rotate_half(k) * sin
            repeat = s.heads // s.kv_heads
            k = k[:, :, None].expand(batch, s.kv_heads, repeat, width, s.head_dim).reshape(batch, s.heads, width, -1)
            v = v[:, :, None].expand(batch, s.kv_heads, repeat, width, s.head_dim).reshape(batch, s.heads, width, -1)
            a = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed, scale=s.head_dim ** -0.5)
            x = x + F.linear(a.transpose(1, 2).reshape(batch, width, -1), w[p + "self_attn.o_proj.weight"])
            h = self._norm(x, w[p + "post_attention_layernorm.weight"])
            mlp = F.silu(F.linear(h, w[p + "mlp.gate_proj.weight"])) * F.linear(h, w[p + "mlp.up_proj.weight"])
            x = x + F.linear(mlp, w[p + "mlp.down_proj.weight"])
            states.append(x)
        states[-1] = self._norm(x, w["norm.weight"])
        return Output(tuple(states))


def _rotate_half(x):
    import torch

    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Tokenizer:
    """``tokenizer.json`` through the ``tokenizers`` library, called like transformers' fast
    tokenizer for what the learned signal asks of it (ids and character offsets, no special tokens,
    cut at ``max_length`` from the right)."""

    def __init__(self, folder: Path):
        from tokenizers import Tokenizer as Backend

        self.backend = Backend.from_file(str(folder / "tokenizer.json"))
        self.backend.no_truncation()
        self.backend.no_padding()
        config = json.loads((folder / "tokenizer_config.json").read_text("utf-8"))
        pad = config.get("pad_token")
        pad = pad.get("content") if isinstance(pad, dict) else pad
        self.pad_token_id = self.backend.token_to_id(pad) if pad else None

    def __call__(self, text: str, add_special_tokens: bool = False, return_offsets_mapping: bool = True,
                 truncation: bool = True, max_length: int | None = None) -> dict[str, Any]:
        encoding = self.backend.encode(text, add_special_tokens=add_special_tokens)
        ids, offsets = list(encoding.ids), [tuple(o) for o in encoding.offsets]
        if truncation and max_length is not None:
            ids, offsets = ids[:max_length], offsets[:max_length]
        return {"input_ids": ids, "offset_mapping": offsets}
