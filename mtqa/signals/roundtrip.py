"""Round trip: English → German → English, compared with the original by sentence chrF and BLEU.

A sentence whose meaning is garbled rarely survives two translations: the back-translation has to
guess, and the guess comes back as different English. chrF is the main number (robust on short
sentences); BLEU with effective order is kept for people who read BLEU.
"""

from __future__ import annotations

from collections.abc import Sequence

from mtqa.config import Config
from mtqa.models.context import ModelContext
from mtqa.signals.base import MetricRule, SignalSpec, needed_by, translation_signature
from mtqa.types import Sentence, SignalResult

BACKTRANSLATE, ROUNDTRIP = "backtranslate", "roundtrip"

SPEC = SignalSpec(
    name="roundtrip", version="1", roles=(BACKTRANSLATE, ROUNDTRIP),
    summary="English → German → English with MarianMT; chrF/BLEU of the round trip against the original",
    metrics=(MetricRule("roundtrip", "chrf", 40.0, 8.0, 0.45, 25.0, "roundtrip-divergent",
                        "the round trip through German does not come back "
                        "(chrF {value:.1f}, {z:+.1f} MAD vs. article)"),),
    flag_help={"roundtrip-divergent": (
        "Round trip through German does not come back",
        "Translated to German and back, the sentence comes back very different (low chrF), more so "
        "than the article's other sentences. Garbled or ambiguous English does not survive a round "
        "trip. Read the sentence against its back-translation and repair it.")},
)


class RoundTripSignal:
    name, version = SPEC.name, SPEC.version

    def __init__(self, config: Config, context: ModelContext):
        from sacrebleu.metrics import BLEU, CHRF

        self.config, self.context = config, context
        self.forward = context.translator(BACKTRANSLATE)
        self.backward = context.translator(ROUNDTRIP)
        self.chrf = CHRF()
        self.bleu = BLEU(effective_order=True)
        for metric in (self.chrf, self.bleu):  # sacrebleu knows nrefs (for the signature) once it has scored
            metric.sentence_score("a", ["a"])

    def signature(self) -> str:
        # sacrebleu's own signatures use "|", the run signature's separator: bracket them
        return translation_signature(
            self.name, self.version, self.forward, self.backward, self.config.beam,
            f"chrF2[{str(self.chrf.get_signature()).replace('|', ',')}]",
            f"BLEU[{str(self.bleu.get_signature()).replace('|', ',')}]")

    def score(self, sentences: Sequence[Sentence]) -> list[SignalResult]:
        texts = [s.text for s in sentences]
        german = self.context.translate(BACKTRANSLATE, texts)
        english = self.context.translate(ROUNDTRIP, [g.text for g in german])
        out = []
        for text, de, en in zip(texts, german, english):
            values = {
                "chrf": float(self.chrf.sentence_score(en.text, [text]).score),
                "bleu": float(self.bleu.sentence_score(en.text, [text]).score),
            }
            out.append(SignalResult(self.name, values, extra={"backtranslation": de.text, "roundtrip": en.text}))
        return out


def build(config: Config, context: ModelContext) -> RoundTripSignal:
    with needed_by(RoundTripSignal.name):
        return RoundTripSignal(config, context)
