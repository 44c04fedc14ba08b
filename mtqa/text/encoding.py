"""Mojibake repair, shared by ``mtqa strip --fix-encoding`` and the rules' ``mojibake`` detector.

Two kinds of damage reach wire copy: UTF-8 read as Windows-1252/Latin-1 ("donâ€™t"), which ftfy
undoes, and UTF-8 shown through a DOS code page ("Osnabr├╝cker"), which ftfy does not.
"""

from __future__ import annotations

import re

import ftfy

# Only the encoding repairs: quotes, ligatures, widths and line breaks are left as they are.
ENCODING_ONLY = ftfy.TextFixerConfig(
    unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False,
    fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False,
    fix_surrogates=False, remove_control_chars=False, normalization=None, explain=False,
)
# Box-drawing and other DOS code-page characters: UTF-8 bytes shown as cp437/cp850.
DOS_MOJIBAKE = re.compile(r"\S*[\u2500-\u257f\u2580-\u259f\u0192]\S*")


def fix_windows_mojibake(text: str) -> str:
    return ftfy.fix_text(text, ENCODING_ONLY)


def redecode_dos(word: str) -> str | None:
    """``word`` re-read as the UTF-8 that a DOS code page displayed, or None if it is not that."""
    for codepage in ("cp850", "cp437"):
        try:
            candidate = word.encode(codepage).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if candidate != word and not DOS_MOJIBAKE.search(candidate):
            return candidate
    return None


def fix_encoding(text: str) -> str:
    """Repair both kinds of mojibake in a whole text."""
    return DOS_MOJIBAKE.sub(lambda m: redecode_dos(m.group()) or m.group(), fix_windows_mojibake(text))
