"""Errors of German→English machine translation in reported news prose, found without a model.

- ``pronoun-person``: "we"/"you"/"I" outside any quotation in reported prose (German "man", "Sie"
  and "sie" mistranslated); questions and names such as "United We Stand" are left alone.
- ``pronoun-gender``: he/she that disagrees with the only person the context names (first names
  carry gender; the article names its people). Minor: on MLQE-PE train 61 % of the sentences it
  flags were post-edited, against a base rate of 59 %.
- ``fused-words``: words run together by lost spaces or markup ("launchesThe", "bInterior",
  "assuredthat", "word.Word").
- ``lost-preposition``: "said the newspaper that …" / "said X, the news agency": "say" cannot take
  the audience as its object (told …).
- ``intransitive-passive``: a passive of a verb that takes no object ("four officers were collapsed").
- small shape rules: foreign (CJK) punctuation inside Latin text, a function word capitalised
  mid-sentence, an English verb inside a hyphenated name (``fused-words``), a bare infinitive phrase
  as a sentence (``infinitive-fragment``), a finite that-clause without a subject
  (``subjectless-that-clause``).

All are prose-only: they run on body sentences, never on titles, headings or junk. Severities
follow the measured precision (``evidence.tsv``, ``make evidence``).
"""

from __future__ import annotations

import re

from mtqa.signals.rules.catalogue import Hit, SentenceView, detector
from mtqa.text.frequency import zipf

FIRST = frozenset("i me my mine myself we us our ours ourselves".split())
SECOND = frozenset("you your yours yourself yourselves".split())
MASCULINE = frozenset("he him his himself".split())
FEMININE = frozenset("she her hers herself".split())
_PERSONAL = FIRST | SECOND


@detector("pronoun-person", severity="minor", reads="article", prose_only=True,
          title="First or second person in reported prose",
          help="\"we\", \"us\", \"you\" or \"I\" outside any quotation in reported news prose: German "
               "\"man\", \"Sie\" or \"sie\" was mistranslated. Use he/she/they or \"one\".")
def pronoun_person(view: SentenceView) -> list[Hit]:
    """A first- or second-person pronoun outside quotation marks (which may have opened in an earlier
    sentence), in a statement."""
    text, quoted = view.text, view.quoted
    if text.rstrip().endswith("?"):
        return []
    for m in re.finditer(r"\b[A-Za-z]+\b", text):
        word, lower = m.group(), m.group().lower()
        if lower not in _PERSONAL or any(quoted[m.start():m.end()]):
            continue
        if word == "US" or (lower == "i" and word != "I"):
            continue
        before, after = text[:m.start()].split(), text[m.end():].split()
        if word[0].isupper() and m.start() > 0 and not text[:m.start()].rstrip().endswith((".", ":", ";")) and (
                (before and before[-1][:1].isupper()) or (after and after[0][:1].isupper())):
            continue  # inside a name: "United We Stand"
        person = "second" if lower in SECOND else "first"
        return [Hit(f"{word!r}: {person} person outside a quotation in reported prose; "
                    "probably he/she/they or 'one'", m.start(), m.end())]
    return []


@detector("pronoun-gender", severity="minor", reads="article", prose_only=True,
          title="Pronoun disagrees with the person named",
          help="he/she does not agree with the only person named in this or the previous sentence (or the "
               "article's main person): German \"sie\"/\"er\" was mistranslated, or the wrong person is meant.")
def pronoun_gender(view: SentenceView) -> list[Hit]:
    """he/she that disagrees with every person in view (named in this or the previous sentence, or
    the article's main person), when they all share one gender."""
    doc, quoted, context = view.doc, view.quoted, view.people
    genders = set(context.values())
    if len(genders) != 1:
        return []
    for tok in doc:
        lower = tok.lower_
        if lower not in MASCULINE | FEMININE or any(quoted[tok.idx:tok.idx + len(tok.text)]):
            continue
        gender = "m" if lower in MASCULINE else "f"
        if gender not in genders:
            who = ", ".join(context)
            return [Hit(f"{tok.text!r} does not agree with {who}, the only person named here",
                        tok.idx, tok.idx + len(tok.text))]
    return []


_STRIP = ".,;:!?()[]\"'“”„«»’‘"


@detector("fused-words", severity="major", reads="text", prose_only=True, title="Words run together",
          help="A lost space or page markup glued words together (\"launchesThe\", \"bInterior\" from a drop "
               "cap, \"assuredthat\", a verb inside a hyphenated name). The suggestion splits them.")
def fused_words(view: SentenceView) -> list[Hit]:
    """Words run together by a lost space or markup, or a verb inside a hyphenated name."""
    return [*_run_together(view.text), *_verb_in_name(view.text)]


_NON_SPACE = re.compile(r"\S+")
_LOWER_UPPER = re.compile(r"[a-z][A-Z]")
_CAMEL = re.compile(r"([a-z]{2,})([A-Z][a-z]+)")
_STRAY_LETTER = re.compile(r"([a-z])([A-Z][a-z]{2,})")


def _run_together(text: str) -> list[Hit]:
    out = []
    for m in _NON_SPACE.finditer(text):
        if len(m.group()) < 7 and not _LOWER_UPPER.search(m.group()):
            continue  # every test below wants a lower-case letter before a capital, or seven letters
        tok = m.group().strip(_STRIP)
        if not tok:
            continue
        at = m.start() + m.group().find(tok)
        span = (at, at + len(tok))
        camel = _CAMEL.fullmatch(tok)
        if camel and zipf(camel.group(1), "en") >= 3.0 and zipf(camel.group(2).lower(), "en") >= 3.0 \
                and zipf(tok.lower(), "en") < 2.0:
            out.append(Hit(f"{tok!r}: two words run together", *span, f"{camel.group(1)} {camel.group(2)}"))
            continue
        stray = _STRAY_LETTER.fullmatch(tok)
        if stray and zipf(stray.group(2).lower(), "en") >= 3.0:
            out.append(Hit(f"{tok!r}: a stray letter glued to {stray.group(2)!r}", *span, stray.group(2)))
            continue
        if tok.isalpha() and tok.islower() and len(tok) >= 7 and zipf(tok, "en") == 0 \
                and zipf(tok, "de") == 0 and zipf(tok, "fr") == 0:
            for cut in range(3, len(tok) - 2):
                left, right = tok[:cut], tok[cut:]
                if zipf(left, "en") >= 3.5 and zipf(right, "en") >= 5.0:
                    out.append(Hit(f"{tok!r}: '{left} {right}' run together", *span, f"{left} {right}"))
                    break
    glued = re.search(r"\b[a-z]{3,}[.!?][A-Z][a-z]{2,}", text)
    if glued and not re.search(r"\.(?:com|org|net|de|ru|pl|fr|it|es|eu)\b", glued.group(), re.I):
        out.append(Hit(f"{glued.group()!r}: no space after the full stop", *glued.span()))
    quote = re.search(r"[a-z][”\"][a-z]{2,}", text)
    if quote:
        out.append(Hit(f"{quote.group()!r}: no space after the quotation mark", *quote.span()))
    return out


MEDIA = frozenset("""newspaper paper daily weekly magazine agency broadcaster channel station radio television tv
website portal outlet tabloid reporters journalists correspondent broadcasters press""".split())
_SAY = frozenset({"said", "says", "say", "saying"})
_SAID_NAME_MEDIA = re.compile(r"(?:said|says|added|explained|stressed)\s+(?:the\s+)?(?:[\w-]+\s+){1,6}?[A-Z][\w-]+,"
                              rf"\s+the\s+(?:[\w-]+\s+){{0,3}}?({'|'.join(sorted(MEDIA))})\b", re.IGNORECASE)


@detector("lost-preposition", severity="minor", reads="parse", prose_only=True, title="The audience as object of 'say'",
          help="\"said the newspaper that …\" or \"said Anna Berg, the news agency\": 'say' cannot take the "
               "audience as its object; 'told the newspaper' was meant.")
def lost_preposition(view: SentenceView) -> list[Hit]:
    """'said the newspaper that …', 'said Weber, the news agency': the audience as the object of 'say'."""
    doc = view.doc
    for tok in doc:
        if tok.lower_ not in _SAY:
            continue
        j = tok.i + 1
        while j < len(doc) and doc[j].pos_ in ("DET", "ADJ", "PROPN", "PUNCT") and doc[j].text not in (",", "."):
            if doc[j].lower_ in MEDIA:
                break
            j += 1
        if j < len(doc) and doc[j].lower_ in MEDIA and j - tok.i <= 4:
            rest = doc[j + 1:j + 6].text
            if re.search(r"\bthat\b|[“\"]", rest) or re.match(r"\s*[A-Z]", rest):
                return [Hit(f"{tok.text!r} … {doc[j].text!r}: 'say' cannot take the outlet as its object (told …?)",
                            tok.idx, doc[j].idx + len(doc[j].text))]
        m = _SAID_NAME_MEDIA.match(doc.text, tok.idx)
        if m:
            return [Hit(f"the {m.group(1)} after the speaker: 'told the {m.group(1)}' was probably meant",
                        tok.idx, m.end())]
    return []


_CJK_PUNCT = re.compile(r"[·、。，！？：；「」『』《》【】〈〉]")
_CLOSED = frozenset({"ADV", "ADP", "DET", "PRON", "AUX", "CCONJ", "SCONJ", "PART"})


@detector("foreign-punctuation", severity="minor", reads="text", prose_only=True, title="Foreign punctuation",
          help="CJK punctuation (· 、 。 ，) inside Latin text: left over from the source language.")
def foreign_punctuation(view: SentenceView) -> list[Hit]:
    text = view.text
    m = _CJK_PUNCT.search(text)
    if m and re.search(r"[A-Za-z]", text[max(0, m.start() - 3):m.end() + 3]):
        return [Hit(f"foreign punctuation {m.group()!r} in English text", *m.span())]
    return []


@detector("casing", severity="minor", reads="parse", prose_only=True, title="Function word capitalised mid-sentence",
          help="A function word is capitalised inside the sentence (\"it is Hardly possible\"): a sign of "
               "broken segmentation or of words dropped around it. The suggestion is the lower case.")
def midsentence_capital(view: SentenceView) -> list[Hit]:
    """A function word capitalised inside a sentence ("it is Hardly possible")."""
    doc = view.doc
    for t in doc[1:]:
        prev = doc[t.i - 1]
        if not t.text[:1].isupper() or t.text.isupper() or len(t.text) < 3 or prev.text[:1].isupper():
            continue
        if prev.text in (":", "“", '"', "«", "„", "‘", "(", "–", "—", "-", ";") or prev.is_quote or prev.is_sent_end:
            continue
        nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
        if t.pos_ in _CLOSED and not t.ent_type_ and zipf(t.lower_, "en") >= 4.0 \
                and t.lower_ not in ("the", "a", "an") and not (nxt is not None and nxt.text[:1].isupper()):
            return [Hit(f"{t.text!r} capitalised inside the sentence", t.idx, t.idx + len(t.text), t.lower_)]
    return []


def _verb_in_name(text: str) -> list[Hit]:
    """'Kramp-confirmed-Karrenbauer': an English verb form inside a hyphenated name."""
    m = re.search(r"\b[A-Z][a-z]+-([a-z]{4,}(?:ed|s))-[A-Z][a-z]+\b", text)
    if m and zipf(m.group(1), "en") >= 3.5:
        return [Hit(f"{m.group()!r}: a word inside a hyphenated name", *m.span())]
    return []


@detector("infinitive-fragment", severity="major", reads="parse", prose_only=True,
          title="An infinitive phrase stands as a sentence",
          help="The sentence is a bare infinitive phrase (\"To include new rules and more staff.\"): its "
               "subject and finite verb were lost, or it was cut from the sentence before. Rejoin or rewrite it.")
def infinitive_fragment(view: SentenceView) -> list[Hit]:
    """'To include new rules and more staff.': an infinitive phrase standing as a sentence."""
    doc = view.doc
    toks = [t for t in doc if not t.is_punct]
    if len(toks) >= 4 and toks[0].lower_ == "to" and toks[1].tag_ == "VB" and doc.text.rstrip().endswith(".") \
            and not any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in doc):
        return [Hit("an infinitive phrase standing as a sentence", 0, len(doc.text.rstrip()))]
    return []


@detector("subjectless-that-clause", severity="minor", reads="parse", prose_only=True,
          title="A that-clause without a subject",
          help="A finite that-clause has no subject (\"She announced that for the next term will not run "
               "again\"): the subject was lost in translation. Restore it from the source.")
def subjectless_that_clause(view: SentenceView) -> list[Hit]:
    """'She announced that for the next term will not run again': a finite that-clause with no subject."""
    doc = view.doc
    for t in doc:
        if t.dep_ != "ccomp" or not any(c.dep_ == "mark" and c.lower_ == "that" for c in t.children):
            continue
        deps = {c.dep_ for c in t.children}
        if deps & {"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"}:
            continue
        if t.tag_ in ("VBD", "VBZ", "VBP", "MD") or any(
                c.dep_ in ("aux", "auxpass") and c.tag_ in ("MD", "VBD", "VBZ", "VBP") for c in t.children):
            return [Hit(f"the that-clause of {t.text!r} has no subject", t.idx, t.idx + len(t.text))]
    return []


# Verbs English uses without an object (unaccusative): they have no passive ("were collapsed").
INTRANSITIVE_PARTICIPLES = frozenset("""collapsed died arrived happened occurred fallen slept existed emerged
disappeared vanished appeared risen fainted elapsed expired belonged consisted""".split())


@detector("intransitive-passive", severity="minor", reads="parse", prose_only=True,
          title="Passive of a verb that takes no object",
          help="\"four officers were collapsed\": the verb has no passive in English; German \"sind "
               "zusammengebrochen\" was read as a passive. Use the active (have collapsed).")
def intransitive_passive(view: SentenceView) -> list[Hit]:
    """'Four officers were collapsed': a passive of a verb that takes no object (German 'sind
    zusammengebrochen' with the auxiliary read as passive)."""
    doc = view.doc
    for t in doc:
        if t.tag_ == "VBN" and t.lower_ in INTRANSITIVE_PARTICIPLES and any(c.dep_ == "auxpass" for c in t.children):
            aux = next(c for c in t.children if c.dep_ == "auxpass")
            return [Hit(f"{aux.text} {t.text}: {t.text!r} has no passive in English (has {t.text}?)",
                        min(aux.idx, t.idx), t.idx + len(t.text))]
    return []
