"""The article score: what a `--min-score` gate reads."""

from __future__ import annotations

from mtqa.scoring.combine import article_score
from mtqa.types import Flag, Sentence, SentenceScore


def scored(score, severity=None, kind="body"):
    s = Sentence("doc", 0, "A sentence.", 0, 11, 1, 1, kind)
    flags = (Flag("x", "m", severity, 0, 1),) if severity else ()
    return SentenceScore(s, score, severity, flags, {})


def test_a_sentence_that_must_be_repaired_counts_zero_whatever_its_score():
    clean = [scored(70.0), scored(70.0)]
    assert article_score(clean) == 70.0
    assert article_score([scored(70.0), scored(65.0, "major")]) == 35.0
    assert article_score([scored(70.0), scored(65.0, "minor")]) == 67.5  # a minor flag: its own score


def test_more_sentences_to_repair_never_raise_the_article_score():
    article = [scored(60.0 + i) for i in range(10)]
    last = article_score(article)
    for i in range(10):
        article[i] = scored(article[i].score, "major")
        now = article_score(article)
        assert now < last
        last = now


def test_junk_is_not_scored_and_an_article_without_prose_has_no_score():
    assert article_score([scored(None, kind="credit")]) is None
    assert article_score([scored(None, kind="credit"), scored(50.0)]) == 50.0
