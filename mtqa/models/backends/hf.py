"""The transformers backend: MarianMT translation and forced decoding, and causal-LM scoring.

Every call takes a list, sorts it by token length, runs it in token-budget batches (at most
``batch_size`` rows) and restores the input order, so scores do not depend on the batching. Inputs longer than the model accepts are
truncated (the scores then cover the part the model saw) instead of crashing the check.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mtqa.models.backends.base import LMScores, TokenScores, Translation, finite_logprob, output_limit
from mtqa.models.backends.batching import DEFAULT_BATCH_TOKENS, in_token_batches, scoring_budget

if TYPE_CHECKING:
    from mtqa.models.context import ModelContext
    from mtqa.models.locate import LocatedModel

def quiet_libraries() -> None:
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def _max_length(model, tokenizer) -> int:
    limits = [getattr(model.config, "max_position_embeddings", None) or getattr(model.config, "n_positions", None),
              getattr(tokenizer, "model_max_length", None)]
    usable = [int(x) for x in limits if isinstance(x, int) and 0 < x < 1_000_000]
    return min(usable) if usable else 512


def _load(located: LocatedModel, auto_class: str, device: str):
    import transformers

    quiet_libraries()
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(located.path), local_files_only=True)
    model = getattr(transformers, auto_class).from_pretrained(
        str(located.path), local_files_only=True, use_safetensors=True, trust_remote_code=False)
    model = model.to(device).eval()
    if device == "cpu":
        sane_threads(model)
    return model, tokenizer


SMALL_MODEL = 20_000_000  # parameters: below this, torch's extra threads cost more than they save
THREAD_SETTINGS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")


def sane_threads(model) -> None:
    """One torch thread for a small model, unless the user chose a thread count.

    torch starts a thread per core; on matrices this small each step's hand-over costs more than the
    work (measured: the tiny models' check twice as fast with one thread on 2 busy cores). A
    full-size model keeps torch's default. ``OMP_NUM_THREADS`` or ``MKL_NUM_THREADS`` set: untouched.
    """
    import torch

    if any(os.environ.get(name) for name in THREAD_SETTINGS):
        return
    if sum(p.numel() for p in model.parameters()) < SMALL_MODEL:
        torch.set_num_threads(1)


class _HFModel:
    """A loaded transformers model with its tokenizer, identity and batching settings."""

    backend = "hf"

    def __init__(self, model, tokenizer, model_id: str, revision: str, device: str, batch_size: int,
                 batch_tokens: int = DEFAULT_BATCH_TOKENS):
        self.model, self.tokenizer = model, tokenizer
        self.model_id, self.revision = model_id, revision
        self.device, self.batch_size, self.batch_tokens = device, batch_size, batch_tokens
        self.max_length = _max_length(model, tokenizer)


class HFTranslator(_HFModel):
    """Translator protocol over a MarianMT model (greedy by default, deterministic)."""

    def __init__(self, model, tokenizer, model_id: str, revision: str, device: str, batch_size: int,
                 batch_tokens: int = DEFAULT_BATCH_TOKENS):
        super().__init__(model, tokenizer, model_id, revision, device, batch_size, batch_tokens)
        self.start_id = model.config.decoder_start_token_id
        self.eos_id = model.config.eos_token_id
        self.pad_id = model.config.pad_token_id
        self.shortlist_bias = None  # set by restrict()

    @classmethod
    def load(cls, located: LocatedModel, device: str, batch_size: int,
             batch_tokens: int = DEFAULT_BATCH_TOKENS, shortlist_words: int = 0) -> HFTranslator:
        model, tokenizer = _load(located, "AutoModelForSeq2SeqLM", device)
        # A forced end-of-sentence at the length limit would depend on the longest sentence in the
        # batch; outputs are cut per sentence instead (see _output_limit).
        model.generation_config.forced_eos_token_id = None
        translator = cls(model, tokenizer, located.model_id, located.revision, device, batch_size, batch_tokens)
        if shortlist_words:
            translator.restrict(shortlist_words)
        return translator

    def restrict(self, words: int) -> None:
        """Greedy and beam search choose only among the shortlist's pieces (mtqa.models.shortlist).

        transformers still computes every logit (no time is saved here, CTranslate2 saves it); the
        restriction makes this backend choose what the ct2 backend chooses. Scores stay full-softmax."""
        import torch

        from mtqa.models.shortlist import revision_tag, tokenizer_shortlist

        vocab = self.tokenizer.get_vocab()
        kept = tokenizer_shortlist(self.tokenizer, self.model_id, words)
        bias = torch.full((self.model.config.decoder_vocab_size or len(vocab),), float("-inf"))
        bias[[vocab[p] for p in kept]] = 0.0
        self.shortlist_bias = bias.to(self.device)
        self.revision += revision_tag(words)

    def _encode(self, texts: Sequence[str]):
        enc = self.tokenizer(list(texts), return_tensors="pt", padding=True, truncation=True,
                             max_length=self.max_length)
        return enc.to(self.device)

    def _output_limit(self, source_len: int) -> int:
        return output_limit(self.max_length, source_len)

    def _token_lengths(self, texts: Sequence[str]) -> list[int]:
        ids = self.tokenizer(list(texts), truncation=True, max_length=self.max_length)["input_ids"]
        return [len(row) for row in ids]

    def translate(self, texts: Sequence[str], beam: int = 1) -> list[Translation]:
        texts = list(texts)
        return in_token_batches(texts, [n * max(beam, 1) for n in self._token_lengths(texts)],
                                lambda batch: self._translate(batch, beam), self.batch_tokens, self.batch_size)

    def _translate(self, texts: list[str], beam: int) -> list[Translation]:
        import torch

        enc = self._encode(texts)
        lengths = enc["attention_mask"].sum(dim=1).tolist()
        limit = max(self._output_limit(n) for n in lengths)
        with torch.inference_mode():
            generated = self.model.generate(**enc, num_beams=beam, do_sample=False, max_new_tokens=limit,
                                            min_new_tokens=0, suppress_tokens=[self.pad_id],
                                            logits_processor=self._restriction())
        labels = []
        for row, n in zip(generated.tolist(), lengths):
            ids = row[1:] if row and row[0] == self.start_id else row
            if self.eos_id in ids:
                ids = ids[:ids.index(self.eos_id) + 1]
            labels.append([i for i in ids if i != self.pad_id][:self._output_limit(n)])
        logprobs = self._forced(enc, labels)
        out = []
        for ids, lps in zip(labels, logprobs):
            text = self.tokenizer.decode(ids, skip_special_tokens=True).strip()
            mean = sum(lps) / len(lps) if lps else 0.0
            out.append(Translation(text, mean))
        return out

    def _restriction(self):
        if self.shortlist_bias is None:
            return None
        from transformers import LogitsProcessorList

        bias = self.shortlist_bias
        return LogitsProcessorList([lambda input_ids, scores: scores + bias[:scores.shape[-1]]])

    def _forced(self, enc, labels: list[list[int]]) -> list[list[float]]:
        """Log-probability of each label token given the source and the label prefix.

        The padding token is left out of the softmax: Marian never emits it (transformers adds it to
        start the decoder), generation suppresses it, and CTranslate2 drops it from the vocabulary.
        """
        import torch

        width = max([len(ids) for ids in labels] + [1])
        target = torch.full((len(labels), width), self.pad_id, dtype=torch.long)
        for r, ids in enumerate(labels):
            target[r, :len(ids)] = torch.tensor(ids, dtype=torch.long)
        decoder_input = torch.full_like(target, self.pad_id)
        decoder_input[:, 0] = self.start_id
        decoder_input[:, 1:] = target[:, :-1]
        with torch.inference_mode():
            logits = self.model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"],
                                decoder_input_ids=decoder_input.to(self.device)).logits.float()
            logits[..., self.pad_id] = float("-inf")
            logprobs = torch.log_softmax(logits, dim=-1)
            picked = logprobs.gather(-1, target.to(self.device).unsqueeze(-1)).squeeze(-1).cpu()
        return [[finite_logprob(x) for x in picked[r, :len(ids)].tolist()] for r, ids in enumerate(labels)]

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[TokenScores]:
        """Forced decoding: per-piece log-probs of each target given its source (plus end-of-sentence)."""
        if len(sources) != len(targets):
            raise ValueError("score() needs as many sources as targets")
        pairs = list(zip(sources, targets))
        lengths = [a + b for a, b in zip(self._token_lengths(sources), self._token_lengths(targets))]
        return in_token_batches(pairs, lengths, self._score, scoring_budget(self.batch_tokens), self.batch_size)

    def _score(self, pairs: list[tuple[str, str]]) -> list[TokenScores]:
        enc = self._encode([s for s, _ in pairs])
        labels = self.tokenizer(text_target=[t for _, t in pairs], truncation=True,
                                max_length=self.max_length)["input_ids"]
        out = []
        for ids, lps in zip(labels, self._forced(enc, labels)):
            pieces = ids[:-1] if ids and ids[-1] == self.eos_id else ids
            out.append(TokenScores(tuple(self.tokenizer.convert_ids_to_tokens(pieces)), tuple(lps)))
        return out


class HFCausalLM(_HFModel):
    """Scores texts under a causal LM; each text is scored after a beginning-of-text token."""

    def __init__(self, model, tokenizer, model_id: str, revision: str, device: str, batch_size: int,
                 batch_tokens: int = DEFAULT_BATCH_TOKENS):
        super().__init__(model, tokenizer, model_id, revision, device, batch_size, batch_tokens)
        bos = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id
        if bos is None:
            raise ValueError(f"{model_id}: the tokenizer has no beginning- or end-of-text token")
        self.bos_id = bos

    @classmethod
    def load(cls, located: LocatedModel, device: str, batch_size: int,
             batch_tokens: int = DEFAULT_BATCH_TOKENS) -> HFCausalLM:
        model, tokenizer = _load(located, "AutoModelForCausalLM", device)
        return cls(model, tokenizer, located.model_id, located.revision, device, batch_size, batch_tokens)

    def score(self, texts: Sequence[str]) -> list[LMScores]:
        texts = list(texts)
        ids = self.tokenizer(texts, add_special_tokens=False, truncation=True,
                             max_length=self.max_length - 1)["input_ids"]
        return in_token_batches(texts, [len(row) + 1 for row in ids], self._score,
                                scoring_budget(self.batch_tokens), self.batch_size)

    def _score(self, texts: list[str]) -> list[LMScores]:
        import torch

        enc = self.tokenizer(texts, add_special_tokens=False, truncation=True, max_length=self.max_length - 1,
                             return_offsets_mapping=True)
        rows = [[self.bos_id] + ids for ids in enc["input_ids"]]
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), self.bos_id, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for r, row in enumerate(rows):
            ids[r, :len(row)] = torch.tensor(row, dtype=torch.long)
            mask[r, :len(row)] = 1
        with torch.inference_mode():
            logits = self.model(input_ids=ids.to(self.device), attention_mask=mask.to(self.device)).logits
            logprobs = torch.log_softmax(logits[:, :-1].float(), dim=-1)
            picked = logprobs.gather(-1, ids[:, 1:].to(self.device).unsqueeze(-1)).squeeze(-1).cpu()
        out = []
        for r, row in enumerate(rows):
            n = len(row) - 1
            out.append(LMScores(tuple(self.tokenizer.convert_ids_to_tokens(row[1:])),
                                tuple(tuple(o) for o in enc["offset_mapping"][r]),
                                tuple(finite_logprob(x) for x in picked[r, :n].tolist())))
        return out


def load_translator(located: LocatedModel, context: ModelContext) -> HFTranslator:
    c = context.config
    return HFTranslator.load(located, context.device, c.batch_size, c.batch_tokens, c.shortlist)


def load_language_model(located: LocatedModel, context: ModelContext) -> HFCausalLM:
    c = context.config
    return HFCausalLM.load(located, context.device, c.batch_size, c.batch_tokens)
