"""Retrieval quality: the right knowledge comes back in the top three.

A question counts as answered when one of its top three answers covers one of the seed items a
good answer covers (``covers_any``). The dev set is the project's; ``domain_questions.jsonl`` is
a second, independent set of everyday phrasings so the search is not tuned to 25 questions.
"""

from __future__ import annotations

from typing import Any

import pytest

from heavylegs.ask import ask
from heavylegs.ask.triage import sign_of
from heavylegs.knowledge import KnowledgeBase, Urgency


def recall(questions: list[dict[str, Any]], kb: KnowledgeBase, k: int) -> tuple[float, list[str]]:
    misses = []
    for item in questions:
        result = ask(item["question"], kb)
        want = set(item["covers_any"])
        if not any(want & set(a.covers) for a in result.answers[:k]):
            misses.append(f"{item['question']!r} -> {[a.id for a in result.answers[:k]]}")
    return 1 - len(misses) / len(questions), misses


def test_dev_recall_at_3(dev_questions: list[dict[str, Any]], kb: KnowledgeBase) -> None:
    value, misses = recall(dev_questions, kb, 3)
    assert value >= 0.9, "\n".join(misses)


def test_dev_recall_at_1_is_reasonable(
    dev_questions: list[dict[str, Any]], kb: KnowledgeBase
) -> None:
    value, misses = recall(dev_questions, kb, 1)
    assert value >= 0.75, "\n".join(misses)


def test_domain_recall_at_3(domain_questions: list[dict[str, Any]], kb: KnowledgeBase) -> None:
    value, misses = recall(domain_questions, kb, 3)
    assert value >= 0.9, "\n".join(misses)


def test_domain_red_flag_questions_lead_with_their_warning_sign(
    domain_questions: list[dict[str, Any]], kb: KnowledgeBase
) -> None:
    """A described warning sign gets at least its level, and (urgent or worse) the first answer
    is about that sign: never self-care first."""
    flagged = [item for item in domain_questions if "triage_hint_min" in item]
    assert len(flagged) >= 15
    for item in flagged:
        result = ask(item["question"], kb)
        hint = result.triage_hint
        assert hint is not None, item["question"]
        assert hint.level.rank >= Urgency(item["triage_hint_min"]).rank, (item, hint.level)
        if hint.level.rank >= Urgency.URGENT.rank:
            lead = result.answers[0].id
            assert sign_of(lead, kb) in hint.red_flags, (item["question"], lead, hint.red_flags)


def test_domain_everyday_questions_stay_below_their_ceiling(
    domain_questions: list[dict[str, Any]], kb: KnowledgeBase
) -> None:
    """A benign question gets no alarming hint: ``triage_hint_max`` is the highest level it may
    get ("none": no hint at all)."""
    capped = [item for item in domain_questions if "triage_hint_max" in item]
    assert len(capped) >= 30
    for item in capped:
        hint = ask(item["question"], kb).triage_hint
        ceiling = item["triage_hint_max"]
        if ceiling == "none":
            assert hint is None, (item["question"], hint)
        else:
            assert hint is None or hint.level.rank <= Urgency(ceiling).rank, (item, hint)


def test_dev_triage_hint_minimums(dev_questions: list[dict[str, Any]], kb: KnowledgeBase) -> None:
    for item in dev_questions:
        minimum = item.get("triage_hint_min")
        if minimum is None:
            continue
        hint = ask(item["question"], kb).triage_hint
        assert hint is not None, item["question"]
        assert hint.level.rank >= Urgency(minimum).rank, (item["question"], hint.level)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Is walking good for heavy legs?", "faq-walking-helps"),
        ("What is the 10% rule?", "faq-ten-percent"),
        ("How do I get rid of a charley horse?", "faq-night-cramps"),
        ("Are flight socks worth it?", "faq-compression"),
        ("Why are my legs heavy in the morning?", "faq-morning-heaviness"),
        ("Could a hot swollen big toe be gout?", "faq-gout"),
        ("How do I measure ankle circumference?", "faq-measure-ankle"),
        ("Is it normal for ankles to swell in pregnancy?", "faq-pregnancy"),
    ],
)
def test_everyday_questions_find_their_faq_in_the_top_three(
    question: str, expected: str, kb: KnowledgeBase
) -> None:
    ids = [a.id for a in ask(question, kb).answers[:3]]
    assert expected in ids, ids
