"""The CTranslate2 backend: the Translator protocol on a converted Marian model (int8 on CPU).

CTranslate2 runs the same network 3-4x faster than transformers on a laptop CPU: int8 weights,
no Python in the decoding loop, and batches spread over the cores (``inter_threads``). Results
follow the transformers backend: the same tokenizer, the same per-sentence output limit, the same
log-probabilities (within float rounding when both run float32; see tests/test_ct2.py).

A converted model lives beside its source, ``<models_dir>/<role>-ct2/``, with the tokenizer files
copied and ``mtqa-ct2.json`` naming the source revision, so a stale conversion is noticed.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from mtqa.config import Config
from mtqa.models.backends.base import TokenScores, Translation, finite_logprob, output_limit
from mtqa.models.backends.batching import DEFAULT_BATCH_TOKENS, scoring_budget
from mtqa.models.locate import BackendUnavailable
from mtqa.models.registry import dir_name

if TYPE_CHECKING:
    from mtqa.models.context import ModelContext
    from mtqa.models.locate import LocatedModel

CT2_MARKER = "mtqa-ct2.json"
CT2_SUFFIX = "-ct2"
QUANTIZATIONS = ("int8", "int8_float32", "float16", "float32")
TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json", "special_tokens_map.json",
                   "mtqa-model.json")
def compute_type_for(device: str, requested: str = "auto") -> str:
    """``auto``: int8 on CPU (the fast path), float16 on CUDA."""
    if requested != "auto":
        return requested
    return "float16" if device == "cuda" else "int8"


def available_cores() -> int:
    """Cores this process should use: ``OMP_NUM_THREADS`` when set (Ray sets it to an actor's CPUs,
    so workers sharing a machine do not oversubscribe it), else the cores it may run on."""
    env = os.environ.get("OMP_NUM_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def thread_counts(cores: int | None = None) -> tuple[int, int]:
    """(inter_threads, intra_threads): two batches in parallel, the remaining cores inside each.

    On 2 cores, two single-threaded workers beat one two-threaded worker (small GEMMs scale badly).
    """
    cores = cores or available_cores()
    inter = 2 if cores >= 2 else 1
    return inter, max(1, cores // inter)


def read_marker(path: Path) -> dict:
    try:
        return json.loads((path / CT2_MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def is_converted(path: Path, revision: str | None = None) -> bool:
    """A complete conversion in ``path`` (of ``revision``, when given)."""
    marker = read_marker(path)
    if not marker or not (path / "model.bin").is_file():
        return False
    return revision is None or marker.get("source_revision") == revision


def convert(located: LocatedModel, out_dir: Path, quantization: str = "int8") -> Path:
    """Convert a located Marian model to CTranslate2 in ``out_dir`` (written whole, then renamed)."""
    from ctranslate2.converters import TransformersConverter
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    if quantization not in QUANTIZATIONS:
        raise ValueError(f"unknown quantization {quantization!r}; choose one of {', '.join(QUANTIZATIONS)}")
    # Absolute paths: the converter resolves copied files against its own idea of the model directory.
    source = Path(located.path).resolve()
    out_dir = Path(out_dir).resolve()
    tmp = out_dir.with_name(f".{out_dir.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    copy = [str(source / f) for f in TOKENIZER_FILES if (source / f).is_file()]
    try:
        TransformersConverter(str(source), copy_files=copy, load_as_float16=False).convert(
            str(tmp), quantization=quantization, force=True)
        marker = {"model_id": located.model_id, "source_revision": located.revision,
                  "quantization": quantization, "tiny": located.tiny}
        (tmp / CT2_MARKER).write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n", "utf-8")
        shutil.rmtree(out_dir, ignore_errors=True)
        os.replace(tmp, out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


class CT2Translator:
    """Translator protocol over a CTranslate2 Marian model (greedy by default, deterministic)."""

    backend = "ct2"

    def __init__(self, translator, tokenizer, model_id: str, revision: str, batch_size: int,
                 batch_tokens: int = DEFAULT_BATCH_TOKENS, shortlist: bool = False):
        self.translator, self.tokenizer = translator, tokenizer
        self.model_id, self.revision = model_id, revision
        self.batch_size, self.batch_tokens = batch_size, batch_tokens
        self.shortlist = shortlist  # the translator was loaded with a vocabulary map (vmap.txt)
        self.max_length = min(int(getattr(tokenizer, "model_max_length", 512) or 512), 1024)
        self.eos = tokenizer.eos_token

    @classmethod
    def load(cls, path: Path, device: str = "cpu", compute_type: str = "auto", batch_size: int = 16,
             batch_tokens: int = DEFAULT_BATCH_TOKENS, shortlist_words: int = 0) -> CT2Translator:
        import ctranslate2
        from transformers import AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        marker = read_marker(Path(path))
        model_id = str(marker.get("model_id", Path(path).name))
        compute = compute_type_for(device, compute_type)
        inter, intra = thread_counts() if device == "cpu" else (1, 0)
        tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        with _with_vocabulary_map(Path(path), tokenizer, model_id, shortlist_words) as model_dir:
            translator = ctranslate2.Translator(str(model_dir), device=device, compute_type=compute,
                                                inter_threads=inter, intra_threads=intra)
        # The revision names the numbers: int8 scores differ from float32 ones, so they sign differently.
        revision = f"{marker.get('source_revision', 'unknown')}+ct2-{compute}"
        if shortlist_words:
            from mtqa.models.shortlist import revision_tag

            revision += revision_tag(shortlist_words)
        return cls(translator, tokenizer, model_id, revision, batch_size, batch_tokens, bool(shortlist_words))

    def _pieces(self, texts: Sequence[str], target: bool = False) -> list[list[str]]:
        key = "text_target" if target else "text"
        ids = self.tokenizer(**{key: list(texts)}, truncation=True, max_length=self.max_length)["input_ids"]
        return [self.tokenizer.convert_ids_to_tokens(row) for row in ids]

    def _output_limit(self, source_len: int) -> int:
        return output_limit(self.max_length, source_len)

    def _batching(self, scoring: bool = False) -> dict:
        # CTranslate2 sorts by length, cuts token-budget batches and runs them on its parallel workers.
        budget = scoring_budget(self.batch_tokens) if scoring else self.batch_tokens
        return {"max_batch_size": budget, "batch_type": "tokens"}

    def translate(self, texts: Sequence[str], beam: int = 1) -> list[Translation]:
        texts = list(texts)
        if not texts:
            return []
        sources = self._pieces(texts)
        limits = [self._output_limit(len(s)) for s in sources]
        results = self.translator.translate_batch(
            sources, beam_size=beam, max_decoding_length=max(limits), return_scores=True,
            length_penalty=1.0, use_vmap=self.shortlist, **self._batching())
        outputs, means, cut = [], [], []
        for i, (result, limit) in enumerate(zip(results, limits)):
            tokens = list(result.hypotheses[0])
            if len(tokens) >= limit:  # no end-of-sentence within the limit: cut, and score what is left
                tokens = tokens[:limit]
                cut.append(i)
            outputs.append(tokens)
            means.append(float(result.scores[0]))  # sum of log-probs over tokens + </s>, divided by their count
        # A shortlist's scores are over the shortlisted softmax: every output is scored again in full.
        rescore = range(len(outputs)) if self.shortlist else cut
        if rescore:
            rescored = self.translator.score_batch([sources[i] for i in rescore], [outputs[i] for i in rescore],
                                                   **self._batching(scoring=True))
            cut_set = set(cut)
            for i, scored in zip(rescore, rescored):
                # the </s> is not part of a cut output
                lps = [finite_logprob(x) for x in (scored.log_probs[:-1] if i in cut_set else scored.log_probs)]
                means[i] = sum(lps) / len(lps) if lps else 0.0
        return [Translation(self._detokenize(tokens), mean) for tokens, mean in zip(outputs, means)]

    def _detokenize(self, tokens: list[str]) -> str:
        ids = self.tokenizer.convert_tokens_to_ids(tokens)
        return self.tokenizer.decode(ids, skip_special_tokens=True).strip()

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[TokenScores]:
        """Forced decoding: per-piece log-probs of each target given its source (plus end-of-sentence)."""
        if len(sources) != len(targets):
            raise ValueError("score() needs as many sources as targets")
        if not sources:
            return []
        pieces = [row[:-1] if row and row[-1] == self.eos else row for row in self._pieces(targets, target=True)]
        results = self.translator.score_batch(self._pieces(sources), pieces, **self._batching(scoring=True))
        return [TokenScores(tuple(p), tuple(finite_logprob(x) for x in r.log_probs)) for p, r in zip(pieces, results)]


@contextmanager
def _with_vocabulary_map(path: Path, tokenizer, model_id: str, words: int) -> Iterator[Path]:
    """The model directory; with a shortlist, a temporary copy of it (links) that adds ``vmap.txt``.

    CTranslate2 reads a vocabulary map only from the model's directory, and only when the
    Translator is built: the user's conversion is left as it is, the links are gone afterwards."""
    if not words:
        yield path
        return
    from mtqa.models.shortlist import tokenizer_shortlist

    kept = tokenizer_shortlist(tokenizer, model_id, words)
    with tempfile.TemporaryDirectory(prefix="mtqa-vmap-") as tmp:
        for entry in path.iterdir():
            (Path(tmp) / entry.name).symlink_to(entry.resolve())
        (Path(tmp) / "vmap.txt").write_text("\t" + " ".join(kept) + "\n", "utf-8")  # "": always candidates
        yield Path(tmp)


def converted_dir(located: LocatedModel, config: Config) -> Path:
    """Where the CTranslate2 conversion of ``located`` lives: beside it, ``<dir>/<name>-ct2``."""
    if located.source == "hf-cache":
        return config.resolved_models_dir() / f"{dir_name(located.model_id)}{CT2_SUFFIX}"
    return located.path.with_name(located.path.name + CT2_SUFFIX)


def load_translator(located: LocatedModel, context: ModelContext) -> CT2Translator:
    """The up-to-date conversion of ``located``; ``BackendUnavailable`` (with the fix) when there is none."""
    c = context.config
    path = converted_dir(located, c)
    if not is_converted(path, located.revision):
        raise BackendUnavailable(located.model_id,
                                 f"no up-to-date CTranslate2 conversion of {located.model_id} in {path}",
                                 "run `mtqa models convert` (needs the ctranslate2 package), or use --backend hf")
    try:
        import ctranslate2  # noqa: F401
    except ImportError:
        raise BackendUnavailable(located.model_id, "the ct2 backend needs the ctranslate2 package",
                                 "pip install 'mtqa[ct2]', or use --backend hf") from None
    return CT2Translator.load(path, context.device, c.compute_type, c.batch_size, c.batch_tokens, c.shortlist)
