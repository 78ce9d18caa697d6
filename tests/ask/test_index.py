"""The FTS5 index: built per knowledge version, deterministic, FAQ answers preferred."""

from __future__ import annotations

from heavylegs.ask.index import Kind, SearchIndex, index_for
from heavylegs.ask.query import find_answers
from heavylegs.ask.synonyms import vocabulary
from heavylegs.knowledge import KnowledgeBase
from heavylegs.knowledge.models import Faq, Measure, MeasureKind


def test_every_kind_is_indexed(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    assert len(index) == len(kb.faq) + len(kb.measures) + len(kb.causes) + len(kb.red_flags)


def test_one_index_per_knowledge_version(kb: KnowledgeBase) -> None:
    assert index_for(kb) is index_for(kb)
    other = kb.model_copy(update={"version": kb.version + "-changed"})
    assert index_for(other) is not index_for(kb)


def test_results_are_deterministic(kb: KnowledgeBase) -> None:
    index, vocab = index_for(kb), vocabulary()
    first = find_answers("swollen ankles after a long flight", index, vocab)
    fresh = SearchIndex(kb)
    try:
        for _ in range(3):
            assert find_answers("swollen ankles after a long flight", fresh, vocab) == first
    finally:
        fresh.close()


def _tie_kb(kb: KnowledgeBase) -> KnowledgeBase:
    text = "Zorbling the quibbet eases heavy legs in most people who try it every day."
    faq = Faq(id="faq-zorb", title="Zorbling", text=text, question="", sources=["seed-000"])
    measure = Measure(
        id="zorb",
        title="Zorbling",
        text=text,
        sources=["seed-000"],
        kind=MeasureKind.HABIT,
        dose="",
        timing="",
        why="",
        evidence="none",
    )
    return kb.model_copy(
        update={
            "version": "tie",
            "faq": {faq.id: faq},
            "measures": {measure.id: measure},
            "causes": {},
            "red_flags": {},
        }
    )


def test_faq_answers_win_over_an_equally_matching_measure(kb: KnowledgeBase) -> None:
    answers = find_answers("zorbling quibbet", SearchIndex(_tie_kb(kb)), vocabulary())
    assert [(a.id, a.kind) for a in answers] == [("faq-zorb", Kind.FAQ), ("zorb", Kind.MEASURE)]
    assert answers[0].score > answers[1].score > 0


def test_limit_is_respected(kb: KnowledgeBase) -> None:
    index, vocab = index_for(kb), vocabulary()
    assert len(find_answers("legs", index, vocab, limit=2)) == 2
    assert find_answers("legs", index, vocab, limit=0) == []
