"""Words and phrases that MT repeats ("the the", "in the in the")."""

from __future__ import annotations

import re

from mtqa.signals.rules.catalogue import Hit, SentenceView, detector

_TOKEN = re.compile(r"\w+(?:['’]\w+)*")
# Doubled words English allows ("he had had", "that that is").
_LEGIT_DOUBLES = {"had", "that", "is", "do", "bye", "very", "so", "no", "ha", "knock"}
MAX_PHRASE = 4


@detector("repeated-words", severity="minor", reads="text", title="Words repeated",
          help="A word or phrase appears twice in a row (\"the the\", \"in the in the\"). Keep one copy.")
def repeated_words(view: SentenceView) -> list[Hit]:
    """Adjacent copies of a 1–4 word sequence, separated only by spaces."""
    text = view.text
    tokens = list(_TOKEN.finditer(text))
    words = [t.group().lower() for t in tokens]
    out: list[Hit] = []
    i = 0
    while i < len(tokens):
        hit = None
        for n in range(1, MAX_PHRASE + 1):  # shortest period first: "a a a a" is one word, 4 times
            if i + 2 * n > len(tokens) or words[i] != words[i + n] or words[i:i + n] != words[i + n:i + 2 * n]:
                continue
            gaps = (text[tokens[j].end():tokens[j + 1].start()] for j in range(i, i + 2 * n - 1))
            if any(g.strip() for g in gaps):
                continue  # "Bye, bye" or "1, 1": punctuation between the copies is deliberate
            if n == 1 and (words[i] in _LEGIT_DOUBLES or words[i].isdigit()):
                continue
            hit = n
            break
        if hit is None:
            i += 1
            continue
        copies = 2
        while words[i + copies * hit:i + (copies + 1) * hit] == words[i:i + hit]:
            copies += 1
        start, end = tokens[i].start(), tokens[i + copies * hit - 1].end()
        phrase = text[start:tokens[i + hit - 1].end()]
        out.append(Hit(f"{phrase!r} is repeated {copies} times in a row", start, end, phrase))
        i += copies * hit
    return out
