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
  mid-sentence, an English verb inside a hyphenated name, a bare infinitive phrase as a sentence, a
  finite that-clause without a subject.

Each takes the sentence text (and the spaCy doc where it needs one) and returns ``Finding``s with
sentence-relative spans. Severities follow the measured precision (README, Detectors).
"""

from __future__ import annotations

import re
from typing import Sequence

from wordfreq import zipf_frequency

from mtqa.signals.rules.article import Article
from mtqa.signals.rules.findings import Finding
from mtqa.text.names import first_name_gender

FIRST = frozenset("i me my mine myself we us our ours ourselves".split())
SECOND = frozenset("you your yours yourself yourselves".split())
MASCULINE = frozenset("he him his himself".split())
FEMININE = frozenset("she her hers herself".split())


def pronoun_person(text: str, quoted: Sequence[bool]) -> list[Finding]:
    """A first- or second-person pronoun outside quotation marks, in a statement."""
    if text.rstrip().endswith("?"):
        return []
    for m in re.finditer(r"\b[A-Za-z]+\b", text):
        word, lower = m.group(), m.group().lower()
        if lower not in FIRST | SECOND or any(quoted[m.start():m.end()]):
            continue
        if word == "US" or (lower == "i" and word != "I"):
            continue
        before, after = text[:m.start()].split(), text[m.end():].split()
        if word[0].isupper() and m.start() > 0 and not text[:m.start()].rstrip().endswith((".", ":", ";")) and (
                (before and before[-1][:1].isupper()) or (after and after[0][:1].isupper())):
            continue  # inside a name: "United We Stand"
        person = "second" if lower in SECOND else "first"
        return [Finding("pronoun-person", f"{word!r}: {person} person outside a quotation in reported prose; "
                        "probably he/she/they or 'one'", "major", m.start(), m.end())]
    return []


def named(text: str, article: Article) -> dict[str, str]:
    """The people this sentence names, with their gender."""
    out = {}
    for word in re.findall(r"\b[A-ZÄÖÜ][\w-]+", text):
        gender = article.people.get(word)
        if gender in ("m", "f"):
            out[word] = gender
    return out


def main_people(article: Article) -> dict[str, str]:
    """The article's most-mentioned person(s)."""
    counts: dict[str, int] = {}
    genders: dict[str, str] = {}
    for text in article.texts:
        for name, gender in named(text, article).items():
            counts[name] = counts.get(name, 0) + 1
            genders[name] = gender
    if not counts:
        return {}
    top = max(counts.values())
    return {name: genders[name] for name, n in counts.items() if n == top}


def pronoun_gender(doc, quoted: Sequence[bool], context: dict[str, str]) -> list[Finding]:
    """he/she that disagrees with every person named in ``context`` (this and the previous sentence and
    the article's main person), when they all share one gender."""
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
            return [Finding("pronoun-gender", f"{tok.text!r} does not agree with {who}, the only person named here",
                            "minor", tok.idx, tok.idx + len(tok.text))]
    return []


_STRIP = ".,;:!?()[]\"'“”„«»’‘"


def fused_words(text: str) -> list[Finding]:
    """Words run together by a lost space or markup."""
    out = []
    for m in re.finditer(r"\S+", text):
        tok = m.group().strip(_STRIP)
        if not tok:
            continue
        at = m.start() + m.group().find(tok)
        span = (at, at + len(tok))
        camel = re.fullmatch(r"([a-z]{2,})([A-Z][a-z]+)", tok)
        if camel and zipf_frequency(camel.group(1), "en") >= 3.0 and zipf_frequency(camel.group(2).lower(), "en") >= 3.0 \
                and zipf_frequency(tok.lower(), "en") < 2.0:
            out.append(Finding("fused-words", f"{tok!r}: two words run together", "minor", *span,
                               f"{camel.group(1)} {camel.group(2)}"))
            continue
        stray = re.fullmatch(r"([a-z])([A-Z][a-z]{2,})", tok)
        if stray and zipf_frequency(stray.group(2).lower(), "en") >= 3.0:
            out.append(Finding("fused-words", f"{tok!r}: a stray letter glued to {stray.group(2)!r}", "minor", *span,
                               stray.group(2)))
            continue
        if tok.isalpha() and tok.islower() and len(tok) >= 7 and zipf_frequency(tok, "en") == 0 \
                and zipf_frequency(tok, "de") == 0 and zipf_frequency(tok, "fr") == 0:
            for cut in range(3, len(tok) - 2):
                left, right = tok[:cut], tok[cut:]
                if zipf_frequency(left, "en") >= 3.5 and zipf_frequency(right, "en") >= 5.0:
                    out.append(Finding("fused-words", f"{tok!r}: '{left} {right}' run together", "minor", *span,
                                       f"{left} {right}"))
                    break
    glued = re.search(r"\b[a-z]{3,}[.!?][A-Z][a-z]{2,}", text)
    if glued and not re.search(r"\.(?:com|org|net|de|ru|pl|fr|it|es|eu)\b", glued.group(), re.I):
        out.append(Finding("fused-words", f"{glued.group()!r}: no space after the full stop", "minor", *glued.span()))
    quote = re.search(r"[a-z][”\"][a-z]{2,}", text)
    if quote:
        out.append(Finding("fused-words", f"{quote.group()!r}: no space after the quotation mark", "minor",
                           *quote.span()))
    return out


MEDIA = frozenset("""newspaper paper daily weekly magazine agency broadcaster channel station radio television tv
website portal outlet tabloid reporters journalists correspondent broadcasters press""".split())
_SAY = frozenset({"said", "says", "say", "saying"})
_SAID_NAME_MEDIA = re.compile(r"(?:said|says|added|explained|stressed)\s+(?:the\s+)?(?:[\w-]+\s+){1,6}?[A-Z][\w-]+,"
                              rf"\s+the\s+(?:[\w-]+\s+){{0,3}}?({'|'.join(sorted(MEDIA))})\b", re.IGNORECASE)


def lost_preposition(doc) -> list[Finding]:
    """'said the newspaper that …', 'said Weber, the news agency': the audience as the object of 'say'."""
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
                return [Finding("lost-preposition", f"{tok.text!r} … {doc[j].text!r}: 'say' cannot take the outlet as "
                                "its object (told …?)", "major", tok.idx, doc[j].idx + len(doc[j].text))]
        m = _SAID_NAME_MEDIA.match(doc.text, tok.idx)
        if m:
            return [Finding("lost-preposition", f"the {m.group(1)} after the speaker: 'told the {m.group(1)}' was "
                            "probably meant", "major", tok.idx, m.end())]
    return []


_CJK_PUNCT = re.compile(r"[·、。，！？：；「」『』《》【】〈〉]")
_CLOSED = frozenset({"ADV", "ADP", "DET", "PRON", "AUX", "CCONJ", "SCONJ", "PART"})


def foreign_punctuation(text: str) -> list[Finding]:
    m = _CJK_PUNCT.search(text)
    if m and re.search(r"[A-Za-z]", text[max(0, m.start() - 3):m.end() + 3]):
        return [Finding("foreign-punctuation", f"foreign punctuation {m.group()!r} in English text", "minor", *m.span())]
    return []


def midsentence_capital(doc) -> list[Finding]:
    """A function word capitalised inside a sentence ("it is Hardly possible")."""
    for t in doc[1:]:
        prev = doc[t.i - 1]
        if not t.text[:1].isupper() or t.text.isupper() or len(t.text) < 3 or prev.text[:1].isupper():
            continue
        if prev.text in (":", "“", '"', "«", "„", "‘", "(", "–", "—", "-", ";") or prev.is_quote or prev.is_sent_end:
            continue
        nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
        if t.pos_ in _CLOSED and not t.ent_type_ and zipf_frequency(t.lower_, "en") >= 4.0 \
                and t.lower_ not in ("the", "a", "an") and not (nxt is not None and nxt.text[:1].isupper()):
            return [Finding("casing", f"{t.text!r} capitalised inside the sentence", "minor", t.idx,
                            t.idx + len(t.text), t.lower_)]
    return []


def verb_in_name(text: str) -> list[Finding]:
    """'Kramp-confirmed-Karrenbauer': an English verb form inside a hyphenated name."""
    m = re.search(r"\b[A-Z][a-z]+-([a-z]{4,}(?:ed|s))-[A-Z][a-z]+\b", text)
    if m and zipf_frequency(m.group(1), "en") >= 3.5:
        return [Finding("fused-words", f"{m.group()!r}: a word inside a hyphenated name", "minor", *m.span())]
    return []


def infinitive_fragment(doc) -> list[Finding]:
    """'To include new rules and more staff.': an infinitive phrase standing as a sentence."""
    toks = [t for t in doc if not t.is_punct]
    if len(toks) >= 4 and toks[0].lower_ == "to" and toks[1].tag_ == "VB" and doc.text.rstrip().endswith(".") \
            and not any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in doc):
        return [Finding("no-verb", "an infinitive phrase standing as a sentence", "major", 0, len(doc.text.rstrip()))]
    return []


def subjectless_that_clause(doc) -> list[Finding]:
    """'She announced that for the next term will not run again': a finite that-clause with no subject."""
    for t in doc:
        if t.dep_ != "ccomp" or not any(c.dep_ == "mark" and c.lower_ == "that" for c in t.children):
            continue
        deps = {c.dep_ for c in t.children}
        if deps & {"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"}:
            continue
        if t.tag_ in ("VBD", "VBZ", "VBP", "MD") or any(
                c.dep_ in ("aux", "auxpass") and c.tag_ in ("MD", "VBD", "VBZ", "VBP") for c in t.children):
            return [Finding("no-subject", f"the that-clause of {t.text!r} has no subject", "major", t.idx,
                            t.idx + len(t.text))]
    return []


# Verbs English uses without an object (unaccusative): they have no passive ("were collapsed").
INTRANSITIVE_PARTICIPLES = frozenset("""collapsed died arrived happened occurred fallen slept existed emerged
disappeared vanished appeared risen fainted elapsed expired belonged consisted""".split())


def intransitive_passive(doc) -> list[Finding]:
    """'Four officers were collapsed': a passive of a verb that takes no object (German 'sind
    zusammengebrochen' with the auxiliary read as passive)."""
    for t in doc:
        if t.tag_ == "VBN" and t.lower_ in INTRANSITIVE_PARTICIPLES and any(c.dep_ == "auxpass" for c in t.children):
            aux = next(c for c in t.children if c.dep_ == "auxpass")
            return [Finding("intransitive-passive", f"{aux.text} {t.text}: {t.text!r} has no passive in English "
                            f"(has {t.text}?)", "minor", min(aux.idx, t.idx), t.idx + len(t.text))]
    return []


def prose_findings(index: int, doc, article: Article, context: dict[str, str]) -> list[Finding]:
    """Every detector of this module on sentence ``index`` of the article."""
    text, quoted = article.texts[index], article.quotes[index]
    return [*pronoun_person(text, quoted), *pronoun_gender(doc, quoted, context), *fused_words(text),
            *lost_preposition(doc), *foreign_punctuation(text), *midsentence_capital(doc), *verb_in_name(text),
            *infinitive_fragment(doc), *subjectless_that_clause(doc), *intransitive_passive(doc)]


__all__ = ["prose_findings", "main_people", "first_name_gender"]
