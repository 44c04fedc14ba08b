"""Grammar damage visible in a spaCy parse: lost objects, missing verbs/subjects, "this" for a person.

Each detector reads the sentence's parse (``view.doc``: a ``ParsedSentence``, read like spaCy's ``Doc``,
of the sentence text, so token offsets are sentence-relative) and returns hits. They are deliberately narrow: a parser is wrong now and
then, so each rule asks for a pattern that fluent English rarely produces.
"""

from __future__ import annotations

from mtqa.signals.rules.catalogue import Hit, SentenceView, detector
from mtqa.text.dateline import dateline_end

_CLAUSE_BREAK = {",", ";", ":", "(", ")", "–", "—"}
_FINITE_TAGS = {"VBD", "VBZ", "VBP", "MD"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"}
# Verbs whose subject is a person: "this has not responded" is German "dieser" (he/she) left literal.
_PERSON_VERBS = {
    "responded", "respond", "responds", "replied", "reply", "replies",
    "answered", "answer", "answers", "reacted", "react", "reacts", "commented", "comment", "comments",
    "declined", "decline", "declines", "explained", "explains",
    "announced", "announces", "stated", "states", "told", "tells", "denied", "denies", "admitted",
    "admits", "insisted", "insists", "stressed", "stresses", "emphasized", "emphasised", "wrote",
    "writes", "spoke", "speaks", "promised", "promises", "refused", "refuses",
    "complained", "complains", "argued", "argues",
}
_TRAILING_FUNCTION_TAGS = {"DT", "IN", "CC", "TO", "PRP$", "WDT", "WP", "PDT", "POS"}
_FINAL_PUNCT = tuple(".!?…:;\"”’')]»")
_OBJECT_PRONOUNS = {"me", "him", "us", "them", "whom"}
# Verbs that cannot stand without what they convey, give or contain: "agencies announced to the
# President in March" has lost what was announced. Lemmas; phrasal uses (a particle) are skipped.
_OBJECT_VERBS = {
    "announce", "reveal", "mention", "describe", "inform", "notify", "accuse", "provide", "contain",
    "include", "require", "obtain", "deliver", "convey", "grant", "award", "submit", "receive",
    "acquire", "purchase", "possess", "cause", "present", "express", "confirm",
}


def _regular_forms(lemma: str) -> set[str]:
    """Base, third person and past of a regular verb (announce → announces, announced)."""
    if lemma.endswith("e"):
        return {lemma, lemma + "s", lemma + "d"}
    if lemma.endswith(("ss", "sh", "ch")):
        return {lemma, lemma + "es", lemma + "ed"}
    return {lemma, lemma + "s", lemma + "ed"}


_OBJECT_VERB_FORMS = {form: lemma for lemma in _OBJECT_VERBS for form in _regular_forms(lemma)}
_OBJECT_DEPS = {"dobj", "ccomp", "xcomp", "attr", "oprd", "csubj", "advcl", "conj", "prt", "dative"}


@detector("dangling-preposition", severity="minor", reads="parse",
          title="A preposition or article with nothing after it",
          help="A preposition or article stands right before a comma or the end of a clause (\"a report by, "
               "there …\"): a word, often a name, was lost in translation. Restore it from the source.")
def dangling_preposition(view: SentenceView) -> list[Hit]:
    """A preposition or article followed straight by a clause break: its object (often a name) is lost.

    English that has the same shape is left alone: a letter used as a label ("group a,", "(a),"), a
    preposition shared by two phrases ("similar to, but not part of, the union"), one that
    introduces a quotation ("something like, “Well …”"), and one stranded at the end of a relative
    clause ("all the things people claim to be aware of, but").
    """
    doc = view.doc
    out = []
    for tok in doc[:-1]:
        nxt = doc[tok.i + 1]
        if nxt.text not in _CLAUSE_BREAK:
            continue
        # A preposition stranded after a verb is English ("the house we lived in, however").
        dangling_prep = (tok.tag_ == "IN" and tok.dep_ in ("prep", "agent", "dative")
                         and tok.head.pos_ not in ("VERB", "AUX")
                         and not any(c.dep_ in ("pobj", "pcomp") for c in tok.children)
                         and not _shared_preposition(doc, tok) and not _introduces_quotation(doc, tok)
                         and not _ends_relative_clause(tok))
        dangling_article = tok.lower_ in ("the", "a", "an") and not _letter_label(doc, tok)
        if dangling_prep or dangling_article:
            out.append(Hit(f"{tok.text!r} has no object before {nxt.text!r}: a word (often a name) is missing",
                           tok.idx, tok.idx + len(tok.text)))
    return out


def _letter_label(doc, tok) -> bool:
    """"a"/"A" naming something (group a, Group A, (a), Me 262 A), not an article."""
    if tok.lower_ != "a" or tok.i == 0:
        return False
    before = doc[tok.i - 1]
    return tok.text == "A" or before.text == "(" or before.pos_ in ("NOUN", "PROPN", "NUM")


def _shared_preposition(doc, tok) -> bool:
    """Right-node raising: "similar to, but not related to, X": two prepositions before commas, the
    first followed by a conjunction, share the object after the second."""
    def opens_pair(t) -> bool:
        return (t.tag_ in ("IN", "TO") and t.i + 2 < len(doc) and doc[t.i + 1].text == ","
                and doc[t.i + 2].lower_ in ("and", "but", "or", "nor"))

    def before_comma(t) -> bool:
        return t.tag_ in ("IN", "TO") and t.i + 1 < len(doc) and doc[t.i + 1].text == ","

    if opens_pair(tok):
        return any(before_comma(t) for t in doc[tok.i + 3:])
    return any(opens_pair(t) for t in doc[:tok.i])


def _introduces_quotation(doc, tok) -> bool:
    """"said something like, “Well …”": the quotation is the object."""
    return tok.i + 2 < len(doc) and doc[tok.i + 2].text in {'"', "“", "„", "‘", "'", "«", "»"}


def _ends_relative_clause(tok) -> bool:
    """A preposition stranded at the end of a relative clause ("what people are aware of, but")."""
    return any(a.dep_ == "relcl" for a in tok.ancestors)


@detector("verbless-clause", severity="minor", reads="parse", title="A clause has lost its verb",
          help="A whether/if/that clause is headed by a noun, or two subjects share one verb: the verb of a "
               "clause was lost and its meaning with it. Rewrite the clause from the source.")
def verbless_clause(view: SentenceView) -> list[Hit]:
    """A whether/if/that clause whose head is a noun: the clause has lost its verb."""
    doc = view.doc
    out = []
    for tok in doc:
        if tok.dep_ != "mark" or tok.lower_ not in ("whether", "if", "that"):
            continue
        head = tok.head
        if head.pos_ in ("NOUN", "PROPN", "PRON", "NUM") and head.i > tok.i:
            end = max(t.idx + len(t.text) for t in head.subtree if not t.is_punct)
            out.append(Hit(f"the {tok.lower_!r} clause has no verb of its own: its meaning is lost", tok.idx, end))
    for verb in doc:
        # Two subjects on one verb: the parser has glued a clause that lost its verb onto the next.
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.tag_ not in ("WDT", "WP")]
        between = doc[subjects[0].i:verb.i] if subjects else []
        # Adjacent subjects are an apposition the parser split ("the union Verdi had called"); a
        # second "subject" after a clause of the first is a noun from that clause ("A study
        # published in the journal Science reported").
        apposition = len(subjects) >= 2 and subjects[1].i == subjects[0].i + 1
        clause_between = any(t.dep_ in ("acl", "relcl") for t in between)
        if len(subjects) >= 2 and not out and not apposition and not clause_between \
                and not any(t.is_punct for t in between):
            out.append(Hit(f"{subjects[0].text!r} and {subjects[1].text!r} share the verb {verb.text!r}: "
                           "a verb is missing", subjects[0].idx, verb.idx + len(verb.text)))
    return out


@detector("no-verb", severity="minor", reads="parse", prose_only=True, title="Sentence without a verb",
          help="A body sentence of six words or more has no finite verb, or its main clause is a bare noun: "
               "a verb was lost or the sentence was cut.")
def missing_finite_verb(view: SentenceView) -> list[Hit]:
    """A sentence of six or more words whose main clause has no verb (a verb may remain in a
    subordinate clause: "A comparison by X that the results matched.")."""
    doc = view.doc
    words = [t for t in doc if not t.is_punct]
    if len(words) < 6:
        return []
    skip = dateline_end(doc.text)  # "BERLIN (dpa) – …": the dateline is no clause of its own
    tokens = [t for t in doc if t.idx >= skip]
    if not any(_is_finite(t) or (t.dep_ == "ROOT" and t.tag_ == "VB") for t in tokens):  # imperatives count
        return [Hit("the sentence has no finite verb", 0, len(doc.text.rstrip()))]
    for root in (t for t in tokens if t.dep_ == "ROOT"):
        if root.pos_ in ("NOUN", "PROPN", "PRON", "NUM") and not any(
                c.dep_ in ("conj", "parataxis", "appos", "ccomp", "cop") and _is_finite(c) for c in root.children) \
                and not _cut_at_ordinal(root) and not _introduces_quoted_clause(root):
            return [Hit(f"the main clause around {root.text!r} has no verb", root.idx, root.idx + len(root.text))]
    return []


def _cut_at_ordinal(root) -> bool:
    """The parser ended a sentence at a German ordinal inside a name ("in the 2. Bundesliga", "the 1.
    FC"): the clause goes on after it, with its verb."""
    sent = root.sent
    last = [t for t in sent if not t.is_space][-1]
    number = last if last.text[:-1].isdigit() else (sent.doc[last.i - 1] if last.text == "." and last.i > 0 else None)
    nxt = sent.doc[sent.end] if sent.end < len(sent.doc) else None
    return (number is not None and number.text.rstrip(".").isdigit() and len(number.text.rstrip(".")) <= 2
            and nxt is not None and nxt.text[:1].isupper()
            and any(_is_finite(t) for t in sent.doc[sent.end:]))


_OPENING_QUOTES = {'"', "“", "„", "«", "‘"}


def _introduces_quoted_clause(root) -> bool:
    """"Her verdict: “The coalition has failed.”": a noun, a colon, and a quotation with its own verb."""
    doc = root.doc
    for t in doc[root.i + 1:]:
        if t.text == ":" and t.i + 1 < len(doc) and doc[t.i + 1].text in _OPENING_QUOTES:
            return any(_is_finite(v) for v in doc[t.i + 2:])
    return False


REPORTING_VERBS = frozenset("""said says say added adds explained explains stressed stresses insisted insists
urged urges demanded demands told tells wrote writes emphasized emphasised emphasizes emphasises warned warns
asked asks replied replies noted notes continued continues declared declares announced announces admitted
admits confirmed confirms recalled recalls criticized criticised criticizes criticises commented comments
argued argues concluded concludes stated states""".split())
_QUOTE_OR_COMMA = (",", "”", '"', "'", "’", "–", "-", "—", "“")


def reporting_inversion(doc) -> bool:
    """The English reporting inversion: "'…,' adds the chancellor", "…, explained the minister"."""
    for t in doc:
        if t.lower_ in REPORTING_VERBS and t.i > 0 and t.i + 1 < len(doc):
            prev, nxt = doc[t.i - 1], doc[t.i + 1]
            if (prev.text in _QUOTE_OR_COMMA or prev.text.endswith(("”", '"'))) and (
                    nxt.pos_ in ("DET", "PROPN", "NOUN", "ADJ") or nxt.text[:1].isupper()):
                return True
    return False


@detector("no-subject", severity="minor", reads="parse", prose_only=True, title="Verb without a subject",
          help="A finite main verb (\"Was arrested in …\") has no subject: the subject was lost in translation.")
def missing_subject(view: SentenceView) -> list[Hit]:
    """A finite main verb (not imperative) without any subject; not in a reporting inversion."""
    doc = view.doc
    out = []
    if reporting_inversion(doc):
        return out
    for tok in doc:
        if tok.dep_ != "ROOT" or tok.pos_ not in ("VERB", "AUX"):
            continue
        deps = {c.dep_ for c in tok.children}
        if deps & _SUBJECT_DEPS:
            continue
        if tok.tag_ in ("VBD", "VBZ") and "aux" not in deps and "auxpass" not in deps:
            out.append(Hit(f"{tok.text!r} has no subject", tok.idx, tok.idx + len(tok.text)))
        else:
            # "Was arrested …": past or third-person auxiliary, so not an imperative.
            aux = [c for c in tok.children if c.dep_ in ("aux", "auxpass") and c.tag_ in ("VBD", "VBZ")]
            if aux:
                out.append(Hit(f"{aux[0].text!r} … {tok.text!r} has no subject", aux[0].idx, tok.idx + len(tok.text)))
    return out


@detector("demonstrative-person", severity="minor", reads="parse", title="'this'/'that' standing for a person",
          help="German 'dieser'/'diese' (this one = he/she) was translated literally: \"However, this has "
               "not yet responded.\" Name the person or use he/she.")
def demonstrative_person(view: SentenceView) -> list[Hit]:
    """``this``/``that`` as the subject of a verb of speaking or deciding (German "dieser" = he/she)."""
    doc = view.doc
    out = []
    for tok in doc:
        if (tok.lower_ in ("this", "that") and tok.tag_ == "DT" and tok.dep_ == "nsubj"
                and tok.head.lower_ in _PERSON_VERBS):
            if any(c.dep_ in ("det", "amod", "compound") for c in tok.children):
                continue
            out.append(Hit(f"{tok.text!r} as the one who {tok.head.text} probably stands for a person "
                           "(German 'dieser'); name them or use he/she", tok.idx, tok.idx + len(tok.text)))
    return out


@detector("pronoun-case", severity="minor", reads="parse", title="Object pronoun used as subject",
          help="An object pronoun is the subject (\"Me don't know\"); use the subject form.")
def object_pronoun_subject(view: SentenceView) -> list[Hit]:
    """"Me don't know": an object-case pronoun as the subject of a finite verb."""
    doc = view.doc
    return [Hit(f"{t.text!r} is the subject here; the subject form is needed", t.idx, t.idx + len(t.text))
            for t in doc if t.text.lower() in _OBJECT_PRONOUNS and not t.text.isupper()  # "US" is a country
            and t.dep_ == "nsubj" and t.i < t.head.i
            and (_is_finite(t.head) or any(_is_finite(c) for c in t.head.children if c.dep_ == "aux"))]


@detector("missing-object", severity="minor", reads="parse", title="A verb without its object",
          help="A verb that needs an object (announce, reveal, provide, contain, …) stands without one: "
               "\"agencies announced to the President in March\". What was announced is missing.")
def missing_object(view: SentenceView) -> list[Hit]:
    """A finite, active verb that needs an object (announce, reveal, provide...) but has none."""
    doc = view.doc
    out = []
    for tok in doc:
        if tok.lower_ not in _OBJECT_VERB_FORMS or tok.tag_ not in ("VBD", "VBZ", "VBP", "VBN", "VB"):
            continue
        if tok.dep_ in ("relcl", "acl", "conj", "amod", "advcl", "xcomp", "pcomp", "csubj") or tok.i == len(doc) - 1:
            continue  # the object is elsewhere (relative clause, coordination) or the parse is unsure
        deps = {c.dep_ for c in tok.children}
        if deps & _OBJECT_DEPS or "auxpass" in deps or "nsubjpass" in deps:
            continue
        if tok.tag_ in ("VBN", "VB") and not any(c.dep_ == "aux" for c in tok.children):
            continue
        if any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children):
            continue  # "as announced"
        if not any(c.dep_ in ("nsubj", "expl") for c in tok.children):
            continue  # questions and fragments: leave them to the other detectors
        out.append(Hit(f"{tok.text!r} has no object: what was {_past(tok.lower_)} is missing",
                       tok.idx, tok.idx + len(tok.text)))
    return out


def _past(form: str) -> str:
    lemma = _OBJECT_VERB_FORMS[form]
    return lemma + "d" if lemma.endswith("e") else lemma + "ed"


@detector("truncated", severity="minor", reads="parse", prose_only=True, title="Sentence breaks off",
          help="The body sentence ends on an article, preposition, conjunction or comma without final "
               "punctuation: the rest of it is missing.")
def truncated(view: SentenceView) -> list[Hit]:
    """A sentence that stops on an article, preposition or conjunction, or on a comma."""
    doc = view.doc
    toks = [t for t in doc if not t.is_space]
    if not toks or _last_char(toks) in _FINAL_PUNCT:
        return []
    last = toks[-1]
    if last.tag_ in _TRAILING_FUNCTION_TAGS or last.text in (",", "-", "–"):
        return [Hit(f"the sentence breaks off after {last.text!r}", last.idx, last.idx + len(last.text))]
    return []



@detector("stranded-preposition", severity="minor", reads="parse", prose_only=True,
          title="A sentence ends on a bare preposition",
          help="The body sentence ends on a preposition with nothing after it but the full stop (\"talks "
               "with.\", \"the head of.\"): page markup (a link, a name in its own element) split the sentence "
               "and the preposition's object was lost. Restore the missing words.")
def stranded_preposition(view: SentenceView) -> list[Hit]:
    """A final "with." or "of.": a preposition with no object right before the final full stop.

    English strands a preposition right after its verb ("nothing to worry about."), at the end of a
    relative or wh-clause ("the house they lived in.", "what the money was for."); those are left
    alone, as are questions.
    """
    toks = [t for t in view.doc if not t.is_space]
    if len(toks) < 4 or toks[-1].text != ".":
        return []
    prep, head = toks[-2], toks[-2].head
    if prep.tag_ != "IN" or prep.pos_ != "ADP" or any(c.dep_ in ("pobj", "pcomp") for c in prep.children) \
            or _ends_relative_clause(prep):
        return []
    if head.pos_ in ("VERB", "AUX") and (head.i == prep.i - 1 or any(
            t.tag_ in ("WP", "WDT", "WRB") and t.i < head.i for t in head.subtree)):
        return []  # "lived in.", "what the money was for.": English strands it after its verb
    return [Hit(f"the sentence ends on {prep.text!r} with nothing after it: words were lost",
                prep.idx, prep.idx + len(prep.text))]


def _last_char(toks) -> str:
    """The sentence's last character that is not whitespace (``doc.text`` would build the whole text)."""
    return next((t.text.rstrip()[-1] for t in reversed(toks) if t.text.strip()), "")


def _is_finite(tok) -> bool:
    return tok.tag_ in _FINITE_TAGS or "Fin" in tok.morph.get("VerbForm")
