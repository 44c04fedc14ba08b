"""Character-level damage a feed passes along: mojibake, invisible controls, foreign scripts.

These read the raw text only, so they also run on titles, captions and credits."""

from __future__ import annotations

import re
import unicodedata

from mtqa.signals.rules.catalogue import Hit, SentenceView, detector
from mtqa.text.encoding import fix_windows_mojibake, redecode_dos

_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_BOX_DRAWING = re.compile(r"[\u2500-\u259f]")
# Zero-width and bidirectional controls: invisible in an editor, they break search and layout.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]|[\x00-\x08\x0b-\x1f\x7f]")
_LATIN_SCRIPTS = ("LATIN", "GREEK")  # Greek letters are symbols in English copy (α, μm)
_WORD = re.compile(r"\w+", re.UNICODE)


@detector("mojibake", severity="minor", reads="text", title="Garbled characters from a wrong encoding",
          help="UTF-8 text was decoded with the wrong code page (\"donâ€™t\", \"Ã¼\", \"├╝\"). The suggestion "
               "is the repaired text; `mtqa strip --fix-encoding` repairs a whole file.")
def mojibake(view: SentenceView) -> list[Hit]:
    """Each run of characters that is UTF-8 decoded with the wrong code page, with its repair."""
    return mojibake_runs(view.text)


def mojibake_runs(text: str) -> list[Hit]:
    out: list[Hit] = []
    for m in _NON_ASCII_RUN.finditer(text):
        run = m.group()
        # Repair with a little context: ftfy judges a sequence by its neighbours.
        lo, hi = max(0, m.start() - 1), min(len(text), m.end() + 1)
        window = text[lo:hi]
        fixed = fix_windows_mojibake(window)
        repaired = fixed[m.start() - lo: len(fixed) - (hi - m.end())] if fixed != window else None
        if repaired is None and _BOX_DRAWING.search(run):
            repaired = redecode_dos(run)
        if repaired is not None and repaired != run:
            out.append(Hit(f"garbled characters {run!r} (wrong encoding); read {repaired!r}",
                           m.start(), m.end(), repaired))
    return out


@detector("control-character", severity="minor", reads="text", title="Invisible control character",
          help="A zero-width, bidirectional or C0 control character is in the text; it can hide or reorder "
               "words. Delete it.")
def invisible_controls(view: SentenceView) -> list[Hit]:
    out = []
    for m in _INVISIBLE.finditer(view.text):
        name = unicodedata.name(m.group(), f"U+{ord(m.group()):04X}")
        out.append(Hit(f"invisible character {name} in the text; remove it", m.start(), m.end(), ""))
    return out


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ")[0] if name else ""


@detector("foreign-script", severity="major", reads="text", title="Words in a non-Latin script",
          help="Part of the sentence is in another script (CJK, Cyrillic, …): code-mixed machine "
               "translation left it untranslated.")
def foreign_script(view: SentenceView) -> list[Hit]:
    """Words written in a non-Latin script (code-mixed MT output: "the 受影响 pets")."""
    text = view.text
    out = []
    for m in _WORD.finditer(text):
        if m.group().isascii():
            continue  # ASCII letters are Latin: no need to name each character
        letters = [c for c in m.group() if c.isalpha()]
        if letters and not any(_script(c) in _LATIN_SCRIPTS for c in letters):
            out.append(Hit(f"{m.group()!r} is not in the Latin alphabet: an untranslated word", m.start(), m.end()))
    return _merge_adjacent(out, text)


def _merge_adjacent(found: list[Hit], text: str) -> list[Hit]:
    """One hit per run of foreign words separated only by spaces."""
    merged: list[Hit] = []
    for f in found:
        if merged and not text[merged[-1].end:f.start].strip():
            prev = merged[-1]
            span = text[prev.start:f.end]
            merged[-1] = Hit(f"{span!r} is not in the Latin alphabet: an untranslated phrase", prev.start, f.end)
        else:
            merged.append(f)
    return merged
