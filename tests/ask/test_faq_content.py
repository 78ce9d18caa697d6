"""The FAQ answers themselves: plain, bounded, honest, and findable."""

from __future__ import annotations

import re

import pytest

from heavylegs.knowledge import KnowledgeBase
from heavylegs.knowledge.models import SourceKind


def count_words(text: str) -> int:
    return len(re.findall(r"[^\W_]+", text))


def test_there_are_enough_answers(kb: KnowledgeBase) -> None:
    assert len(kb.faq) >= 60


def test_answers_are_60_to_200_words(kb: KnowledgeBase) -> None:
    bad = {
        f.id: count_words(f.text) for f in kb.faq.values() if not 60 <= count_words(f.text) <= 200
    }
    assert not bad


def test_ids_and_questions(kb: KnowledgeBase) -> None:
    others = set(kb.causes) | set(kb.measures) | set(kb.red_flags) | set(kb.avoid)
    seen: dict[str, str] = {}
    for faq in kb.faq.values():
        assert faq.id.startswith("faq-"), faq.id
        assert faq.id not in others, f"{faq.id} collides with another entry"
        assert faq.question.rstrip().endswith("?"), faq.id
        assert len(faq.also_asked) >= 3, f"{faq.id}: give people's own phrasings in also_asked"
        for q in (faq.question, *faq.also_asked):
            key = " ".join(re.findall(r"[^\W_]+", q.casefold()))
            assert key not in seen, f"{q!r} is asked in both {seen.get(key)} and {faq.id}"
            seen[key] = faq.id


def test_related_entries_point_elsewhere(kb: KnowledgeBase) -> None:
    for faq in kb.faq.values():
        assert faq.id not in faq.related
        assert len(set(faq.related)) == len(faq.related)


def test_answers_beyond_the_seeds_cite_non_seed_sources(kb: KnowledgeBase) -> None:
    for faq in kb.faq.values():
        if not faq.covers:
            kinds = {kb.sources[s].kind for s in faq.sources}
            assert kinds - {SourceKind.SEED}, f"{faq.id} covers no seed item but cites only seeds"


@pytest.mark.parametrize(
    ("faq_id", "must_say"),
    [
        ("faq-clot-walk", r"emergency number"),
        ("faq-breathless-leg", r"^Call the emergency number now"),
        ("faq-cold-foot", r"emergency number now"),
        ("faq-back-numb", r"emergency department straight away"),
        ("faq-stroke-weakness", r"emergency number immediately"),
        ("faq-pregnancy", r"pre-eclampsia"),
        ("faq-magnesium", r"Cochrane"),
        ("faq-ten-percent", r"weak"),
    ],
)
def test_safety_critical_answers_say_it_plainly(
    kb: KnowledgeBase, faq_id: str, must_say: str
) -> None:
    assert re.search(must_say, kb.faq[faq_id].text)
