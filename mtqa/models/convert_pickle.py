"""``mtqa models pull --convert``: the one place mtqa reads a pickle, to turn it into safetensors.

Some repositories (the ``main`` branches of the opus-mt models) publish only ``pytorch_model.bin``,
a pickle that can run code when loaded. On explicit request, and only then, ``pull`` downloads that
file into its staging folder, checks its size and sha256 against the hub's metadata, and calls
``convert_in_place``, which:

- refuses on torch older than 2.10: ``torch.load(weights_only=True)`` had code-execution holes that
  were fixed in 2.6 (CVE-2025-32434) and 2.10 (CVE-2026-24747);
- loads the tensors with ``torch.load(..., weights_only=True)`` (no arbitrary objects);
- builds the model with the transformers class its ``config.json`` names (no remote code) from those
  tensors, refusing a checkpoint that leaves weights missing or of the wrong shape;
- writes ``model.safetensors`` with ``save_pretrained`` (Marian shares its embedding and ``lm_head``
  tensors, which a plain ``safetensors.save_file`` of the state dict refuses);
- deletes the pickle, then loads the converted folder back the way a check does (safetensors only)
  and requires the same outputs as the model built from the pickle on a few sentences.

No other code path in mtqa loads a pickle (``tests/test_security.py`` checks it).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

MIN_TORCH = (2, 10)
CHECK_SENTENCES = (
    "The government said on Monday that the talks would continue next week.",
    "Die Regierung strebt neue politische Gespräche über Afghanistan an.",
    "Police are investigating the cause of the fire.",
)


class ConversionError(Exception):
    """The pickle could not be converted, or the conversion does not reproduce it."""


def torch_version() -> tuple[int, int]:
    import torch

    m = re.match(r"(\d+)\.(\d+)", torch.__version__)
    return (int(m[1]), int(m[2])) if m else (0, 0)


def refusal() -> str | None:
    """Why this environment must not read a pickle, or None when it may."""
    try:
        import torch
    except ImportError:
        return "torch is not installed"
    if torch_version() < MIN_TORCH:
        return (f"torch {torch.__version__} is older than {MIN_TORCH[0]}.{MIN_TORCH[1]}, whose "
                "torch.load(weights_only=True) still had code-execution holes (CVE-2025-32434, fixed in 2.6; "
                "CVE-2026-24747, fixed in 2.10); install torch>=2.10 to convert, or pull a revision with safetensors")
    return None


def _model_class(config, kind: str | None):
    import transformers

    seq2seq = kind == "marian" if kind else bool(getattr(config, "is_encoder_decoder", False))
    mapping = (transformers.MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM_MAPPING if seq2seq
               else transformers.MODEL_FOR_CAUSAL_LM_MAPPING)
    try:
        return mapping[type(config)], seq2seq
    except KeyError:
        raise ConversionError(f"transformers has no {'seq2seq' if seq2seq else 'causal LM'} class for model "
                              f"type {config.model_type!r}") from None


def _load_pickle(path: Path) -> dict:
    """The tensors of a ``pytorch_model.bin``: tensors only, never arbitrary objects."""
    import torch

    reason = refusal()
    if reason:
        raise ConversionError(reason)
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # UnpicklingError for anything but tensors, or a damaged file
        raise ConversionError(f"torch.load(weights_only=True) refused it: {type(exc).__name__}: "
                              f"{str(exc).splitlines()[0] if str(exc) else ''}") from None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ConversionError("it does not hold a plain dictionary of tensors")
    return state


def convert_in_place(folder: Path, pickle_name: str, kind: str | None) -> dict:
    """Replace ``folder/pickle_name`` by ``model.safetensors``; returns what the marker records."""
    import torch
    import transformers

    from mtqa.models.backends.hf import quiet_libraries
    from mtqa.models.locate import sha256_of

    quiet_libraries()
    pickle_path = folder / pickle_name
    source_sha256 = sha256_of(pickle_path)
    state = _load_pickle(pickle_path)
    try:
        config = transformers.AutoConfig.from_pretrained(str(folder), local_files_only=True, trust_remote_code=False)
    except (OSError, ValueError) as exc:
        raise ConversionError(f"config.json is not usable: {exc}") from None
    cls, seq2seq = _model_class(config, kind)
    model, info = cls.from_pretrained(None, config=config, state_dict=state, output_loading_info=True)
    problems = sorted(info.get("missing_keys") or ()) + [str(k) for k in info.get("mismatched_keys") or ()]
    if problems:
        raise ConversionError(f"the checkpoint does not fit {cls.__name__}: {', '.join(problems[:5])}")
    model.eval()
    del state
    with tempfile.TemporaryDirectory(dir=folder.parent) as out:
        model.save_pretrained(out, safe_serialization=True)
        written = sorted(Path(out).glob("*.safetensors")) + sorted(Path(out).glob("*.safetensors.index.json"))
        if not written:
            raise ConversionError("save_pretrained wrote no safetensors")
        for f in written:  # the weights only: config and tokenizer stay as the hub has them
            f.replace(folder / f.name)
    pickle_path.unlink()
    check_same_outputs(model, folder, cls, seq2seq)
    return {"file": pickle_name, "sha256": source_sha256, "torch": torch.__version__,
            "transformers": transformers.__version__, "checked_sentences": len(CHECK_SENTENCES)}


def check_same_outputs(model, folder: Path, cls, seq2seq: bool) -> None:
    """Load ``folder`` back (safetensors only) and require the same logits and greedy outputs."""
    import torch
    import transformers

    converted = cls.from_pretrained(str(folder), local_files_only=True, use_safetensors=True,
                                    trust_remote_code=False).eval()
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    for sentence in CHECK_SENTENCES:
        enc = tokenizer([sentence], return_tensors="pt", truncation=True, max_length=64)
        with torch.inference_mode():
            if seq2seq:
                start = model.config.decoder_start_token_id
                decoder = torch.cat([torch.full_like(enc["input_ids"][:, :1], start), enc["input_ids"][:, :-1]], 1)
                a = model(**enc, decoder_input_ids=decoder).logits
                b = converted(**enc, decoder_input_ids=decoder).logits
                ga = model.generate(**enc, max_new_tokens=12, num_beams=1, do_sample=False)
                gb = converted.generate(**enc, max_new_tokens=12, num_beams=1, do_sample=False)
                same = torch.equal(ga, gb)
            else:
                a, b = model(**enc).logits, converted(**enc).logits
                same = True
        if not same or not torch.allclose(a, b, rtol=0, atol=1e-5):
            raise ConversionError(f"the converted model's outputs differ from the pickle's on {sentence!r}")
