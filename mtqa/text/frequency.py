"""Word frequency on wordfreq's Zipf scale, memoised.

The detectors ask for the same few thousand words over and over (a sentence's words in several
detectors, every language for a candidate), and wordfreq normalises and tokenises the word again on
every call: the memo returns its exact answer for the repeated ones.
"""

from __future__ import annotations

import functools

from wordfreq import zipf_frequency

CACHED_WORDS = 1 << 17  # (word, language) pairs kept: a few MB, far more than a day of wire copy uses


@functools.lru_cache(maxsize=CACHED_WORDS)
def zipf(word: str, lang: str = "en") -> float:
    """``wordfreq.zipf_frequency(word, lang)``."""
    return zipf_frequency(word, lang)
