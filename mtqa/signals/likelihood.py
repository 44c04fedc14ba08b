"""Likelihood: how probable the English is as a translation of its own back-translation.

The German back-translation stands in for the unknown source; forced decoding of the original
English under the German→English model gives a log-probability per SentencePiece piece. Fluent but
wrong words (a mistranslated name, a garbled clause) get low probability where the back-translation
does not support them, and those words become suspects.
"""

from __future__ import annotations

from collections.abc import Sequence

from mtqa.config import Config
from mtqa.models.context import ModelContext
from mtqa.signals.base import MetricRule, SignalSpec, needed_by, translation_signature
from mtqa.signals.roundtrip import BACKTRANSLATE, ROUNDTRIP
from mtqa.signals.wordscores import SUSPECT_MARGIN, suspects, word_scores, words_of_pieces
from mtqa.types import Sentence, SignalResult

SPEC = SignalSpec(
    name="likelihood", version="1", roles=(BACKTRANSLATE, ROUNDTRIP),
    summary="forced-decoding log-probability of the English given its German back-translation",
    metrics=(MetricRule("likelihood", "mean_logprob", -2.2, 0.5, 0.45, -3.2, "unlikely-translation",
                        "the sentence is an unlikely translation of its back-translation "
                        "(mean log-prob {value:.2f}, {z:+.1f} MAD vs. article)"),),
    flag_help={"unlikely-translation": (
        "Unlikely translation of its back-translation",
        "A translation model finds the English an unlikely rendering of its own German "
        "back-translation (low mean token log-probability); the suspect words are the least likely "
        "ones. Check them first.")},
)


class LikelihoodSignal:
    name, version = SPEC.name, SPEC.version
    suspect_margin = SUSPECT_MARGIN  # nats below the sentence mean for a word to be suspect

    def __init__(self, config: Config, context: ModelContext):
        self.config, self.context = config, context
        self.forward = context.translator(BACKTRANSLATE)
        self.backward = context.translator(ROUNDTRIP)

    def signature(self) -> str:
        return translation_signature(self.name, self.version, self.forward, self.backward, self.config.beam,
                                     "word:min")

    def score(self, sentences: Sequence[Sentence]) -> list[SignalResult]:
        texts = [s.text for s in sentences]
        german = self.context.translate(BACKTRANSLATE, texts)
        forced = self.backward.score([g.text for g in german], texts)
        out = []
        for text, de, tokens in zip(texts, german, forced):
            lps = tokens.logprobs
            mean = sum(lps) / len(lps)
            piece_lps = lps[:len(tokens.tokens)] or lps
            values = {"mean_logprob": mean, "min_logprob": min(piece_lps),
                      "bt_mean_logprob": de.mean_logprob}
            words = word_scores(text, words_of_pieces(text, tokens.tokens), lps[:len(tokens.tokens)])
            out.append(SignalResult(self.name, values, suspects(text, words, mean, self.suspect_margin)))
        return out


def build(config: Config, context: ModelContext) -> LikelihoodSignal:
    with needed_by(LikelihoodSignal.name):
        return LikelihoodSignal(config, context)
