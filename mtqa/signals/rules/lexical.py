"""Untranslated German words and compounds, found by comparing English and German word frequency."""

from __future__ import annotations

import functools
import re

from mtqa.signals.rules.catalogue import Hit, SentenceView, detector
from mtqa.signals.rules.characters import mojibake_runs
from mtqa.text.frequency import zipf

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
_GERMAN_LETTERS = re.compile(r"[äöüß]", re.IGNORECASE)
MARGIN = 1.0  # zipf points more frequent in the other language than in English
SHORT_MARGIN = 3.0  # three-letter words ("und", "bis") must be far more frequent abroad
RARE_IN_ENGLISH = 3.0  # zipf: rarer than about 1 per million English words
# Capitalised words are names in English ("Lufthansa" 2.9, "Verdi" 2.8): suspect only when English
# hardly knows them ("Bundesregierung" 0, "Wirtschaft" 1.7).
NAME_IN_ENGLISH = 2.5
LOANWORD_IN_ENGLISH = 2.0  # a French/Spanish/... word English uses this often is a loanword
# A capitalised word is a name unless something says otherwise: German words around it, a German
# abstract-noun ending, or a word German uses every day and English not at all ("Zudem", "Sitzung").
# Names of people, places, papers and festivals have none of these (English text mentions them).
GERMAN_FUNCTION_WORDS = frozenset("""und oder nicht mit nach aus bei zur zum vom auf für fur über uber sich ist
sind wird werden wurde hat haben auch noch schon aber doch wie wenn dass daß das dem des der ein eine einen einem
einer im zu sofort bis vor nur sehr kein keine""".split())
NAME_PARTICLES = frozenset({"von", "van", "de", "zu", "vom"})  # "von der Leyen": "der" inside a name
NOUN_ENDINGS = ("ung", "ungen", "heit", "heiten", "keit", "keiten", "schaft", "schaften", "nis", "nisse",
                "ismus", "tät", "täten")
COMMON_IN_GERMAN = 4.0  # zipf: an everyday German word...
UNKNOWN_IN_ENGLISH = 1.0  # ...that English text hardly ever contains: no name is both
LONG_COMPOUND = 10  # letters: a German compound...
KNOWN_IN_GERMAN = 2.5  # ...that German text uses and English never does


# German first (wire copy); the others catch code-mixing in MT from other source languages.
LANGUAGES = {"de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "nl": "Dutch", "pl": "Polish"}


@functools.lru_cache(maxsize=65536)
def foreign_lean(word: str) -> tuple[float, str]:
    """How much more frequent the word is in its likeliest other language than in English."""
    w = word.lower()
    en = zipf(w, "en")
    best = max(LANGUAGES, key=lambda lang: (zipf(w, lang), lang == "de"))
    return zipf(w, best) - en, LANGUAGES[best]


@functools.lru_cache(maxsize=65536)
def english_compound(word: str) -> str | None:
    """"Fakenews" → "fake news": English words run together the German way, else None."""
    w = word.lower()
    en = zipf(w, "en")
    # The run-together form must be German usage ("Fakenews" is commoner in German than in English)
    # or unknown to English; "congresswoman" and "broadsides" are English words.
    if en >= RARE_IN_ENGLISH or (en > 0 and zipf(w, "de") < en):
        return None
    for cut in range(4, len(w) - 3):  # parts of four letters or more: "Macron" is not "mac ron"
        left, right = w[:cut], w[cut:]
        if zipf(left, "en") >= 3.5 and zipf(right, "en") >= 3.5 and \
                zipf(left, "en") > zipf(left, "de") and \
                zipf(right, "en") > zipf(right, "de"):
            return f"{left} {right}"
    return None


def candidates(doc) -> list:
    """Tokens that look German before named entities are consulted (cheap; no NER needed)."""
    out = []
    for tok in doc:
        w = tok.text
        if len(w) < 3 or not w.isalpha() or w.lower() in ALLOWED:
            continue
        en = zipf(w.lower(), "en")
        if en >= RARE_IN_ENGLISH or _quoted(tok):
            continue
        lean, language = foreign_lean(w)
        margin = MARGIN if len(w) > 3 else SHORT_MARGIN
        if language != "German":
            margin += 0.5
            if en >= LOANWORD_IN_ENGLISH:
                continue  # "massif", "genre", "siesta": English has taken them
        if w[0].isupper():
            # Capitals are names in English; only a German noun English hardly knows is suspect.
            if en >= NAME_IN_ENGLISH and not english_compound(w):
                continue
            lean, language = zipf(w.lower(), "de") - en, "German"
        if lean >= margin or (en == 0 and _GERMAN_LETTERS.search(w)) or \
                (w[0].isupper() and english_compound(w)):
            out.append(tok)
    return out


def german_evidence(tok, candidate_ids: set[int]) -> str | None:
    """Why a capitalised candidate is an untranslated word and not a name, or None (then it is taken
    for a name): English words run together, German words next to it, a German abstract-noun ending,
    a word that is everyday German and unknown to English, or a long or umlauted German word English
    never writes."""
    w = tok.text.lower()
    if english_compound(tok.text) and zipf(w, "de") > zipf(w, "en"):
        return "compound"  # run together the German way ("Fakenews"), not a brand ("Chinanews")
    doc = tok.doc
    for j in range(max(0, tok.i - 2), min(len(doc), tok.i + 3)):
        if j == tok.i:
            continue
        other = doc[j]
        if j in candidate_ids and not other.text[:1].isupper():
            return "context"
        if other.lower_ in GERMAN_FUNCTION_WORDS and not (j > 0 and doc[j - 1].lower_ in NAME_PARTICLES):
            return "context"
    if len(w) >= 7 and w.endswith(NOUN_ENDINGS):
        return "ending"
    if zipf(w, "de") >= COMMON_IN_GERMAN and zipf(w, "en") < UNKNOWN_IN_ENGLISH:
        return "common"
    if len(w) >= LONG_COMPOUND and zipf(w, "en") == 0 and zipf(w, "de") >= KNOWN_IN_GERMAN:
        return "compound noun"  # a long German word English text never contains ("Vertrauensfrage")
    if _GERMAN_LETTERS.search(w) and zipf(w, "en") == 0 and zipf(w, "de") > 0:
        return "German spelling"  # umlauts in a German word English never writes ("Mautgebühr")
    return None


def _quoted(tok) -> bool:
    """A foreign word cited in quotation marks ("'caro' means 'dear'") is deliberate."""
    doc = tok.doc
    return tok.i > 0 and tok.i + 1 < len(doc) and doc[tok.i - 1].is_quote and doc[tok.i + 1].is_quote


@detector("untranslated", severity="minor", reads="article", title="A word left untranslated",
          help="A lower-case word far more frequent in German (or another European language) than in English, "
               "or a capitalised one that German words around it, a German noun ending or its German-only use "
               "show to be no name; or English words run together as a German compound (\"Fakenews\"). "
               "Names the parser or the article marks keep their spelling. Translate it.")
def untranslated(view: SentenceView) -> list[Hit]:
    """German-looking words that are no name: not a person or place by NER (``view.entities``: the
    signal runs it on the few sentences with a candidate, on a copy of the parse; without it no
    word counts as an entity), not a name the article gives away,
    and not a fragment next to garbled characters ("Osnabr" in "Osnabr├╝cker")."""
    tokens = candidates(view.doc)
    if not tokens:
        return []
    doc = view.entities if view.entities is not None else view.doc
    article = view.article
    if article is None:
        hits = _untranslated([doc[t.i] for t in tokens], lambda t: t.ent_type_)
    else:
        hits = _untranslated([doc[t.i] for t in tokens], lambda t: t.ent_type_,
                             lambda t: article.is_name(t.text, view.text, t.idx),
                             lambda t: article.names_person(t.text))
    moji = mojibake_runs(view.text) if hits else []
    return [h for h in hits if not any(h.start <= m.end and m.start <= h.end for m in moji)]


def _untranslated(tokens, entity_of, is_name=lambda tok: False, is_person=lambda tok: False) -> list[Hit]:
    """Hits for candidate tokens; ``entity_of(token)`` gives the token's entity label or '',
    ``is_name(token)`` whether the article's evidence makes it a name (a title before it, a run of
    capitals...), ``is_person(token)`` whether it is a person the article names.

    A person's or place's name keeps its spelling. A lower-case foreign word is the strong case; a
    capitalised one is taken for a name unless ``german_evidence`` says otherwise, and even then one
    the parser or the article marks as a name keeps its spelling, except where German words stand
    around it, English words are run together ("Fakenews", often mistaken for an organisation) or it is
    an everyday German word no English text uses ("Prozent", "Zudem": no name is both).
    """
    out = []
    ids = {tok.i for tok in tokens}
    for tok in tokens:
        compound = english_compound(tok.text)
        entity = entity_of(tok)
        if entity in NAME_ENTITIES or is_person(tok):
            continue
        if tok.text[:1].isupper():
            evidence = german_evidence(tok, ids)
            if evidence is None:
                continue
            if evidence not in ("compound", "context", "common") and (entity or is_name(tok)):
                continue
        start, end = tok.idx, tok.idx + len(tok.text)
        if compound:
            compound = compound.capitalize() if tok.i == 0 else compound
            out.append(Hit(f"{tok.text!r} is a German-style compound; in English: {compound!r}", start, end, compound))
        else:
            language = foreign_lean(tok.text)[1] if not _GERMAN_LETTERS.search(tok.text) else "German"
            out.append(Hit(f"{tok.text!r} looks like an untranslated {language} word", start, end))
    return out
