"""Fluency: how natural the English reads to a causal language model, on its own.

Machine translation of news fails in two ways; likelihood catches words the (back-)translation
does not support, fluency catches English that no native writer would produce, whatever the
source said. Optionally SLOR (LM log-prob minus unigram log-prob, per token) so rare names and
numbers are not mistaken for disfluency.

With the offline ``ngram`` backend (``--fluency-model ngram``, or when no causal LM is installed
for the ``fluency`` role) the values are the backend's own ``ngram_*`` features (SLOR against the
model's unigrams, names as a class, local breaks); the hand-set ``mean_logprob`` rule, tuned for
a neural LM, does not apply to them, and a fitted profile names them explicitly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from mtqa.config import Config
from mtqa.models.context import ModelContext
from mtqa.signals.base import MetricRule, SignalSpec, needed_by
from mtqa.signals.wordscores import SUSPECT_MARGIN, WORD, suspects, word_scores, words_of_offsets
from mtqa.types import Sentence, SignalResult, Suspect

UNIGRAM_FLOOR = 1e-9  # wordfreq gives 0 for unseen words; treat them as very rare, not impossible


def unigram_logprob(word: str) -> float:
    from wordfreq import word_frequency

    return math.log(max(word_frequency(word, "en"), UNIGRAM_FLOOR))

SPEC = SignalSpec(
    name="fluency", version="2", roles=("fluency",),
    summary="language-model log-probability of the English on its own (optionally SLOR); offline: an n-gram model",
    metrics=(MetricRule("fluency", "mean_logprob", -5.0, 0.6, 0.35, -6.5, "disfluent",
                        "the language model finds the English disfluent "
                        "(mean log-prob {value:.2f}, {z:+.1f} MAD vs. article)"),),
    flag_help={"disfluent": (
        "Disfluent English",
        "A language model finds the English disfluent (low mean log-probability) compared with the "
        "article's other sentences. Smooth or rewrite it.")},
)


class FluencySignal:
    name, version = SPEC.name, SPEC.version
    suspect_margin = SUSPECT_MARGIN  # nats below the sentence mean for a word to be suspect

    def __init__(self, config: Config, context: ModelContext):
        self.config = config
        self.lm = context.language_model(config.fluency_model)

    def signature(self) -> str:
        if hasattr(self.lm, "analyse"):  # the offline n-gram backend names its own model file
            return f"{self.name}:{self.version}+{self.lm.signature()}"
        parts = [f"{self.name}:{self.version}", f"{self.lm.model_id}@{self.lm.revision}", "word:min"]
        if self.config.slor:
            import wordfreq

            parts.append(f"slor:wordfreq-{getattr(wordfreq, '__version__', 'unknown')}")
        return "+".join(parts)

    def score(self, sentences: Sequence[Sentence]) -> list[SignalResult]:
        texts = [s.text for s in sentences]
        if hasattr(self.lm, "analyse"):
            return [self._ngram(text) for text in texts]
        out = []
        for text, scored in zip(texts, self.lm.score(texts)):
            lps = scored.logprobs
            mean = sum(lps) / len(lps) if lps else 0.0
            values = {"mean_logprob": mean, "perplexity": math.exp(min(-mean, 700.0))}
            if self.config.slor:
                unigram = sum(unigram_logprob(m.group()) for m in WORD.finditer(text))
                values["slor"] = (sum(lps) - unigram) / len(lps) if lps else 0.0
            words = word_scores(text, words_of_offsets(text, scored.offsets), lps)
            out.append(SignalResult(self.name, values, suspects(text, words, mean, self.suspect_margin)))
        return out


    def _ngram(self, text: str) -> SignalResult:
        scored = self.lm.analyse(text)
        values = {k: round(v, 6) for k, v in sorted(scored.values.items())}
        found = tuple(Suspect(s, e, t, round(r, 4)) for s, e, t, r in sorted(scored.suspects))
        return SignalResult(self.name, values, found)


def build(config: Config, context: ModelContext) -> FluencySignal:
    with needed_by(FluencySignal.name):
        return FluencySignal(config, context)
