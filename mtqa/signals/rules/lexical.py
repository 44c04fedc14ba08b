"""Untranslated German words and compounds, found by comparing English and German word frequency."""

from __future__ import annotations

import functools
import re

from wordfreq import zipf_frequency

from mtqa.signals.rules.findings import Finding

# German words English has borrowed; frequent enough in German to look untranslated otherwise.
ALLOWED = {
    "kindergarten", "angst", "zeitgeist", "bundestag", "bundesrat", "bundeswehr", "bundesliga",
    "bundesbank", "wanderlust", "schadenfreude", "realpolitik", "ostpolitik", "wunderkind", "kitsch",
    "doppelganger", "doppelgänger", "gestalt", "hinterland", "leitmotif", "poltergeist", "rucksack",
    "delicatessen", "diesel", "autobahn", "blitz", "kaiser", "reich", "führer", "fuhrer", "lager",
    "pretzel", "strudel", "sauerkraut", "bratwurst", "kanzler", "ersatz", "uber", "über", "spiel",
    "stollen", "glockenspiel", "wiener", "weltanschauung", "mittelstand", "energiewende", "land",
    "länder", "laender", "heimat", "kristallnacht", "wehrmacht", "stasi", "volk", "dax", "ifo",
}
# Names of people and places: German spelling is correct English there.
NAME_ENTITIES = {"PERSON", "GPE", "LOC", "NORP", "FAC"}
# The parser often takes a capitalised German noun ("Vorstand") for an organisation or a product.
WEAK_ENTITIES = {"ORG", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"}
_GERMAN_LETTERS = re.compile(r"[äöüß]", re.IGNORECASE)
MARGIN = 1.0  # zipf points more frequent in German than in English
RARE_IN_ENGLISH = 3.0  # zipf: rarer than about 1 per million English words


@functools.lru_cache(maxsize=65536)
def german_lean(word: str) -> float:
    """How much more frequent the word is in German than in English (zipf points)."""
    w = word.lower()
    return zipf_frequency(w, "de") - zipf_frequency(w, "en")


@functools.lru_cache(maxsize=65536)
def english_compound(word: str) -> str | None:
    """"Fakenews" → "fake news": English words run together the German way, else None."""
    w = word.lower()
    if zipf_frequency(w, "en") >= RARE_IN_ENGLISH:
        return None
    for cut in range(3, len(w) - 2):
        left, right = w[:cut], w[cut:]
        if zipf_frequency(left, "en") >= 3.5 and zipf_frequency(right, "en") >= 3.5 and \
                zipf_frequency(left, "en") > zipf_frequency(left, "de") and \
                zipf_frequency(right, "en") > zipf_frequency(right, "de"):
            return f"{left} {right}"
    return None


def candidates(doc) -> list:
    """Tokens that look German before named entities are consulted (cheap; no NER needed)."""
    out = []
    for tok in doc:
        w = tok.text
        if len(w) < 4 or not w.isalpha() or w.lower() in ALLOWED:
            continue
        en = zipf_frequency(w.lower(), "en")
        if en >= RARE_IN_ENGLISH:
            continue
        if german_lean(w) >= MARGIN or (en == 0 and _GERMAN_LETTERS.search(w)) or \
                (w[0].isupper() and english_compound(w)):
            out.append(tok)
    return out


def untranslated(tokens, entity_of) -> list[Finding]:
    """Findings for candidate tokens; ``entity_of(token)`` gives the token's entity label or ''.

    A name (person, place, organisation) keeps its German spelling, unless it is English words run
    together ("Fakenews"), which the parser often mistakes for a name.
    """
    out = []
    for tok in tokens:
        compound = english_compound(tok.text)
        entity = entity_of(tok)
        if entity in NAME_ENTITIES and compound is None:
            continue
        # A proper noun or organisation may still be a German name the parser did not recognise.
        severity = "minor" if tok.pos_ == "PROPN" or entity in WEAK_ENTITIES else "major"
        start, end = tok.idx, tok.idx + len(tok.text)
        if compound:
            compound = compound.capitalize() if tok.i == 0 else compound
            out.append(Finding("untranslated", f"{tok.text!r} is a German-style compound; in English: {compound!r}",
                               "major", start, end, compound))
        else:
            out.append(Finding("untranslated", f"{tok.text!r} looks like an untranslated German word",
                               severity, start, end))
    return out
