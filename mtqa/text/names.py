"""First names and their usual gender, offline: for byline lines, names in running text and pronouns.

The table ``firstnames.tsv`` is derived from US Social Security Administration baby-name counts
(public domain; see ``tools/build_firstnames.py`` for how), and ``SUPPLEMENT`` adds common European
first names that the US data lacks or holds too rarely. ``NOT_NAMES`` are capitalised English words
that are also (rare) given names and must not be read as a person's first name.
"""

from __future__ import annotations

import functools
import unicodedata
from importlib import resources

SUPPLEMENT = {
    "m": """Jürgen Jörg Björn Günther Günter Volker Sigmar Hubertus Frank-Walter Hans-Georg Karl-Heinz Klaus-Dieter
    Ulf Uwe Detlef Gerd Gerhard Helmut Helmuth Horst Joachim Reinhold Wolfram Winfried Olaf Cem Omid Recep
    Mehmet Ahmet Mustafa Emre Sebastian Markus Lars Jens Sepp Bernd Armin Dietmar Fritz Anton Matthias
    Friedrich Norbert Rolf Herbert Lorenz Manfred Hendrik Heiko Kai-Uwe Alexander Andreas Thomas
    Vladimir Dmitry Dmitri Sergei Sergey Mikhail Nikolai Alexei Alexey Emmanuel François
    Jean Jean-Luc Jean-Marie Matteo Giuseppe Giorgio Luigi Sergio Mario Silvio Enrico Pedro Pablo
    Mariusz Jacek Jarosław Andrzej Karol Mateusz Rafał Zbigniew""".split(),
    "f": """Annegret Annalena Svenja Saskia Ricarda Franziska Sahra Katarina Manuela Ursula Angela Giorgia
    Johanna Dagmar Ségolène Bärbel Renate Heike Anke Silke Elke Ulrike Gesine Claudia Julia Katja
    Steffi Yvonne Nadine Petra Sabine Susanne Ilse Inge Hildegard Anne Anna Kristina""".split(),
}

NOT_NAMES = frozenset(w.casefold() for w in """Will May June April August Grace Hope Joy Faith Mark Bill Rose
Summer Art Chase Rich Page Hunter Iris Ivy Jewel King Major Miles Ray Read Reed Royal Sky Star Sterling Story
Chancellor President Minister General Prime Deputy Governor Senator Secretary Leader Party Union Federal
Interior Foreign Press German Russian Green Greens Social Democratic Lower Upper North South East West
Before After During Breaking Latest Site Complete Source Know Exit Leave Play Click Status
Coalition Committee Political Future Author The This That These Those""".split())


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


@functools.lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    text = resources.files("mtqa.text").joinpath("firstnames.tsv").read_text(encoding="utf-8")
    for row in text.splitlines():
        if row and not row.startswith("#"):
            name, _, gender = row.partition("\t")
            table[name] = gender
    for gender, names in SUPPLEMENT.items():
        for name in names:
            table[_fold(name)] = gender
    return table


def first_name_gender(token: str) -> str | None:
    """``m``, ``f``, ``?`` (a first name of either sex) or None (not a known first name)."""
    word = token.strip(".,;:!?\"'“”’()")
    if not word or not word[0].isupper() or _fold(word) in NOT_NAMES:
        return None
    return _table().get(_fold(word))
