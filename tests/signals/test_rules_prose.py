"""Prose detectors for German→English MT (mtqa.signals.rules.prose, .article) on invented sentences."""

from __future__ import annotations

import pytest

from mtqa.signals.rules import RulesSignal
from mtqa.signals.rules.article import Article, people, quote_masks
from mtqa.signals.rules.catalogue import CATALOGUE, SentenceView
from mtqa.types import Sentence


@pytest.fixture(scope="module")
def rules():
    return RulesSignal()


def check(rules, *texts: str) -> list[list[tuple[str, str]]]:
    sentences, pos = [], 0
    for i, text in enumerate(texts):
        sentences.append(Sentence("d", i, text, pos, pos + len(text), 1, pos + 1, "body", None))
        pos += len(text) + 1
    return [[(f.code, f.severity) for f in r.flags] for r in rules.score(sentences)]


def codes(rules, *texts: str) -> list[set[str]]:
    return [{c for c, _ in flags} for flags in check(rules, *texts)]


def test_first_and_second_person_outside_quotes(rules):
    got = check(rules, "The mayor said the town had joined us in the protest last week.",
                "If you want a permit, you now have to wait for six months, the office said.",
                "“We will not give up,” the mayor said.",
                "Why should you wait so long?",
                "The group United We Stand held a rally in the square.")
    person = ("pronoun-person", CATALOGUE["pronoun-person"].severity)
    assert person in got[0] and person in got[1]
    assert all(c != "pronoun-person" for flags in got[2:] for c, _ in flags)


def test_quotation_open_across_sentences():
    masks = quote_masks(["„We are ready.", "We will win,“ she said.", "We left."])
    assert all(masks[0][1:]) and masks[1][0] and not masks[2][0]


def test_pronoun_gender_against_the_only_named_person(rules):
    got = codes(rules, "Interior Minister Nancy Weber visited the flooded villages on Monday.",
                "He promised quick help for the families who lost their homes.",
                "Weber said she would return in spring.")
    assert "pronoun-gender" in got[1] and "pronoun-gender" not in got[2]


def test_people_and_names_in_running_text():
    article = Article(["Chancellor Olaf Brandt met Maria Keller in Bonn.", "Brandt’s plan was criticised by the Heimbund.",
                       "The Heimbund rejected it.", "The Heimbund called it a mistake."])
    assert people(article.texts)["Brandt"] == "m" and people(article.texts)["Keller"] == "f"
    text = "Critics say Brandt’s plan helps Kellermann."
    assert article.is_name("Brandt", text, text.index("Brandt"))
    text = "Party leader Hofreiter disagreed."
    assert article.is_name("Hofreiter", text, text.index("Hofreiter"))
    assert article.is_name("Heimbund", "They met the Heimbund.", 13)  # three capitalised mentions, no lower-case
    assert not article.is_name("Schnellstrasse", "They drove on the Schnellstrasse.", 18)


def test_untranslated_skips_names_the_article_gives_away(rules):
    got = codes(rules, "Chancellor Olaf Brandt met the farmers on Monday.",
                "Brandt said the Mautgebühr for trucks would rise soon.",
                "Critics like party leader Oberhuber disagree with Brandt.")
    assert "untranslated" in got[1]  # the German compound is still caught
    assert "untranslated" not in got[2]


def fused_words(text: str):
    return CATALOGUE.findings(SentenceView(text), ["fused-words"])


def test_fused_words():
    found = {f.code: f for f in fused_words("The minister launchesThe new plan and was assuredthat it works.")}
    assert found["fused-words"].severity == CATALOGUE["fused-words"].severity
    assert [f.suggestion for f in fused_words("The minister launchesThe new plan.")] == ["launches The"]
    assert fused_words("bInterior ministers met in Rome.")[0].suggestion == "Interior"
    assert fused_words("The site Example.com reported it, and McDonald opened a shop.") == []


def test_lost_preposition_after_verbs_of_saying(rules):
    got = codes(rules, "The minister said the newspaper that the plan was ready.",
                "The minister said Anna Berg, the news agency, that nothing had changed.",
                "The minister said the plan was ready.",
                "The minister told the newspaper that the plan was ready.")
    assert "lost-preposition" in got[0] and "lost-preposition" in got[1]
    assert "lost-preposition" not in got[2] | got[3]


def test_reporting_inversion_has_a_subject(rules):
    got = codes(rules, "“The plan is ready,” adds the chancellor.", "“We will see,” explained the minister.")
    assert all("no-subject" not in g for g in got)


def test_demonstrative_person_carries_its_catalogue_severity(rules):
    flag = ("demonstrative-person", CATALOGUE["demonstrative-person"].severity)
    assert flag in check(rules, "The ministry was asked. However, this has not yet responded.")[0] \
        or flag in check(rules, "However, this has not yet responded.")[0]


def test_small_shape_rules(rules):
    got = codes(rules, "The talks with Donald ·Lewis went on until midnight.",
                "The agreement is Hardly possible before the summer.",
                "To include the new rules and more staff for the schools.",
                "The talks went on until midnight.")
    assert "foreign-punctuation" in got[0] and "casing" in got[1] and "infinitive-fragment" in got[2]
    assert not got[3] & {"foreign-punctuation", "casing", "infinitive-fragment"}


def test_that_clause_without_subject(rules):
    got = codes(rules, "She announced that for the next term will not run again.",
                "She announced that she will not run again for the next term.")
    assert "subjectless-that-clause" in got[0] and "subjectless-that-clause" not in got[1]


def test_passive_of_a_verb_without_object(rules):
    got = codes(rules, "Four officers were collapsed during the long march.", "Four officers collapsed during the long march.",
                "The bridge was closed during the storm.")
    assert "intransitive-passive" in got[0]
    assert "intransitive-passive" not in got[1] | got[2]
