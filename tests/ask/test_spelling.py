"""Misspelt words: read as the closest word of the knowledge base, and only when they match
nothing as typed."""

from __future__ import annotations

import pytest

from heavylegs.ask import ask
from heavylegs.ask.index import index_for, stemmer
from heavylegs.ask.query import search_terms, speller_for
from heavylegs.ask.spelling import MAX_CORRECTIONS
from heavylegs.ask.synonyms import vocabulary
from heavylegs.ask.text import words
from heavylegs.knowledge import KnowledgeBase, Urgency


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("do compresion socks work", "faq-compression"),
        ("varicous veins and tired legs", "faq-varicose"),
        ("dehydrtion and heavy legs", "faq-dehydration"),
        ("anckle pumps how many", "faq-ankle-pumps"),
        ("leg cramps magnisium", "faq-magnesium"),
    ],
)
def test_misspelt_questions_find_their_answer(
    question: str, expected: str, kb: KnowledgeBase
) -> None:
    plain = search_terms(question, vocabulary(), stemmer())
    read = search_terms(question, vocabulary(), stemmer(), speller_for(index_for(kb), vocabulary()))
    assert plain != read
    assert expected in [a.id for a in ask(question, kb).answers[:3]]


@pytest.mark.parametrize(
    ("question", "level"),
    [
        ("my calf is swolen and painfull after a long flight", Urgency.URGENT),
        ("sudenly cant breath and my leg is swolen", Urgency.EMERGENCY),
        ("numbnes in my groin and cant pee", Urgency.EMERGENCY),
    ],
)
def test_misspelt_warning_signs_still_get_their_hint(
    question: str, level: Urgency, kb: KnowledgeBase
) -> None:
    hint = ask(question, kb).triage_hint
    assert hint is not None and hint.level is level, hint


def test_known_short_and_pattern_words_are_left_alone(kb: KnowledgeBase) -> None:
    speller = speller_for(index_for(kb), vocabulary())
    kept = "swelled cankles spain tough concert csection rigors numb bum havent gardening zumba"
    assert speller.correct(words(kept)) == words(kept)
    assert speller.correct(words("swolen docter ancles")) == ["swollen", "doctor", "ankles"]


def test_at_most_a_few_words_are_looked_at(kb: KnowledgeBase) -> None:
    speller = speller_for(index_for(kb), vocabulary())
    typos = ["swolen"] * (MAX_CORRECTIONS + 5)
    assert speller.correct(typos) == ["swollen"] * MAX_CORRECTIONS + ["swolen"] * 5
