"""The attribute ruler by table lookup sets what spaCy's own ruler sets, token for token."""

from __future__ import annotations

import pytest
from conftest import DATA

from mtqa.text.sentences.attributes import fast_ruler
from mtqa.text.sentences.nlp import english

# Every kind of pattern the English ruler has: tag maps, word exceptions, a regex ("nothin'"), two
# tokens ("y'all", "there is"), dependency tests (auxiliaries, determiners used as pronouns), spaces.
CRAFTED = [
    "Y'all know there's nothin' wrong with that, and there are reasons.",
    "That is what he did: he has done it, did he not? Which one does?",
    "I 'm gon na get it , got it ?  Two  spaces\nand a line.",
    "Those who had left were gone; this was all that remained.",
    "", " ", "\t\n", "’s", "U.S. GDP rose 3.5% in Q1 2024 (see www.example.com).",
    "Wir haben es geschafft, sagte der Bundeskanzler.",
]


def _texts() -> list[str]:
    lines = [line for p in [DATA / "seed-article.txt", *sorted((DATA / "samples").glob("*.txt"))]
             for line in p.read_text("utf-8").splitlines() if line.strip()]
    return CRAFTED + lines


def _annotations(doc) -> list[tuple]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.dep_, t.head.i, t.lemma_) for t in doc]


def test_table_sets_what_spacys_ruler_sets():
    nlp = english()
    ruler = fast_ruler(nlp, ("lemmatizer", "ner"))
    assert ruler is not None, "the installed English pipeline's ruler should be expressible"
    texts = _texts()
    expected = [_annotations(d) for d in nlp.pipe(texts, disable=["lemmatizer", "ner"])]
    got = [_annotations(ruler(d)) for d in nlp.pipe(texts, disable=["lemmatizer", "ner", "attribute_ruler"])]
    assert got == expected
    assert any(pos == "AUX" for doc in got for (_, _, pos, *_) in doc)  # the rules did apply


def test_a_pattern_it_cannot_express_keeps_spacys_ruler():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("attribute_ruler").add([[{"LOWER": "a", "OP": "+"}]], {"POS": "DET"})
    assert fast_ruler(nlp) is None


@pytest.mark.parametrize("disabled, usable", [(("lemmatizer", "ner"), True), (("ner",), False)])
def test_only_when_the_ruler_would_run_last(disabled, usable):
    """A component after the ruler that still runs would see its output: the table cannot stand in."""
    assert (fast_ruler(english(), disabled) is not None) is usable


def test_a_pattern_whose_index_is_outside_it_keeps_spacys_ruler():
    """spaCy refuses such a pattern when it matches (E1001); the table must not set another token."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("attribute_ruler").add([[{"LOWER": "a"}]], {"TAG": "X"}, index=1)
    assert fast_ruler(nlp) is None
