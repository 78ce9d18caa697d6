"""A stated age ("I'm 78") reaches the answers for older people; other numbers do not."""

from __future__ import annotations

import pytest

from heavylegs.ask import ask
from heavylegs.ask.text import stated_age
from heavylegs.knowledge import KnowledgeBase


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("im 78 and my legs feel heavy", 78),
        ("I’m 82, is walking safe?", 82),
        ("I am 81", 81),
        ("aged 70 with swollen ankles", 70),
        ("my 85-year-old mum", 85),
        ("my dad is 90 yo", 90),
        ("heavy legs in my 70s", 70),
        ("i'm 78.", 78),
        ("I'm 30 weeks pregnant", None),
        ("im 80 kg", None),
        ("I am 5'8", None),
        ("im 75% sure", None),
        ("I walk 30 minutes a day", None),
        ("I am 12.5 stone", None),
        ("my dad is 80 and has a fever", 80),
        ("she's 84", 84),
        ("she's 32 weeks pregnant", None),
        ("my wife is 60 kg", None),
    ],
)
def test_stated_age(text: str, age: int | None) -> None:
    assert stated_age(text) == age


def test_an_older_persons_question_finds_the_answer_for_older_people(kb: KnowledgeBase) -> None:
    question = "im 78 and my legs feel heavy when i walk to the shops"
    assert "faq-older-adults" in [a.id for a in ask(question, kb).answers[:3]]
    younger = "im 28 and my legs feel heavy when i walk to the shops"
    assert "faq-older-adults" not in [a.id for a in ask(younger, kb).answers]
