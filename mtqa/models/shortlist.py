"""A vocabulary shortlist for the translation passes: the target vocabulary cut to what news needs.

Most of greedy decoding's work at ~30 rows per batch is the projection onto the 58,101-piece target
vocabulary. Marian and Bergamot decode on CPU with a lexical shortlist; here the list is built from
what is at hand: the model's own vocabulary and a word-frequency list of the target language
(wordfreq). A piece is kept when it spells one of the ``words`` most frequent words (lower case and
capitalised, as German nouns are written), when it is at most ``SHORT`` characters long (so any
other word, a name, can still be spelled piece by piece), when it has no letter (numbers,
punctuation), or when it is a special token.

The list is the same for every sentence: CTranslate2's ``use_vmap`` takes the union over a batch of
what the source tokens map to, so a per-source list would make an output depend on its batch. Only
the translation passes use it; the forced-scoring passes and every reported log-probability are
computed over the full softmax. It changes outputs, so it is off unless asked for and named in the
model's revision (and so in the signature and the cache key).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

SHORT = 2  # characters, word-start mark not counted
_LANGUAGE = re.compile(r"-([a-z]{2,3})$")


def target_language(model_id: str) -> str | None:
    """``de`` for ``Helsinki-NLP/opus-mt-en-de`` (and the tiny ``mtqa-tiny/marian-en-de``)."""
    match = _LANGUAGE.search(model_id)
    return match.group(1) if match else None


def revision_tag(words: int) -> str:
    return f"+shortlist{words}"


def shortlist(vocabulary: Mapping[str, int], spell: Callable[[list[str]], Iterable[Iterable[str]]],
              language: str, words: int, specials: Iterable[str] = ()) -> list[str]:
    """The kept pieces, in vocabulary order. ``spell`` turns words into target pieces."""
    from wordfreq import top_n_list

    frequent = top_n_list(language, words)
    kept = set(specials)
    for pieces in spell(frequent + [w[:1].upper() + w[1:] for w in frequent]):
        kept.update(pieces)
    for piece in vocabulary:
        bare = piece.lstrip("▁")
        if len(bare) <= SHORT or not any(ch.isalpha() for ch in bare):
            kept.add(piece)
    return sorted((p for p in kept if p in vocabulary), key=vocabulary.__getitem__)


def tokenizer_shortlist(tokenizer, model_id: str, words: int) -> list[str]:
    """``shortlist`` for a MarianMT tokenizer: its vocabulary, its target-side spelling, its special
    tokens, and the target language read from the model id (English when it names none)."""
    def spell(ws: list[str]) -> Iterable[Iterable[str]]:
        ids = tokenizer(text_target=ws, add_special_tokens=False)["input_ids"]
        return (tokenizer.convert_ids_to_tokens(row) for row in ids)

    return shortlist(tokenizer.get_vocab(), spell, target_language(model_id) or "en", words,
                     tokenizer.all_special_tokens)
