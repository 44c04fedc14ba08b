"""Surface features of a sentence (word frequency, capitals, digits, commas, repetition): no parse,
no model. They carry no flag; a fitted profile weighs them (``rules.lex_*``).

Why they generalise beyond the data they were fitted on: machine translation from a low-resource
source leaves rare or unknown words (transliterations, untranslated words: low ``min_zipf``, high
``oov_share``), loses case and punctuation (``caps_share``, ``comma_per_word``) and loops (low
``type_token``, high ``rep_bigram``); none of these depends on the topic or on the source language.
"""

from __future__ import annotations

import re

from mtqa.text.frequency import zipf

WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")


def features(text: str) -> dict[str, float]:
    text = " ".join(text.split())
    words = WORD.findall(text)
    n = max(1, len(words))
    freq = [zipf(w, "en") for w in words] or [0.0]
    low = [w.lower() for w in words]
    bigrams = list(zip(low, low[1:]))
    return {
        "lex_min_zipf": min(freq),
        "lex_mean_zipf": sum(freq) / len(freq),
        "lex_oov_share": sum(zipf(w, "en") == 0 for w in low) / n,
        "lex_caps_share": sum(1 for i, w in enumerate(words) if i and w[:1].isupper()) / n,
        "lex_digit_share": sum(map(str.isdigit, text)) / max(1, len(text)),
        "lex_comma_per_word": text.count(",") / n,
        "lex_type_token": len(set(low)) / n if low else 1.0,
        "lex_rep_bigram": (len(bigrams) - len(set(bigrams))) / len(bigrams) if bigrams else 0.0,
    }
