"""An urgent hint is never followed by self-care answers only: its warning sign leads.

The search ranks shared words; the engine ranks danger. When the engine calls what a question
describes urgent or an emergency, the first answer is about that warning sign.
"""

from __future__ import annotations

from heavylegs.ask import Kind, TriageHint, ask
from heavylegs.ask.index import index_for
from heavylegs.ask.query import find_answers, lead_with_warning_sign
from heavylegs.ask.synonyms import vocabulary
from heavylegs.ask.triage import sign_of
from heavylegs.knowledge import KnowledgeBase, Urgency


def _hint(flag: str, kb: KnowledgeBase) -> TriageHint:
    red_flag = kb.red_flags[flag]
    return TriageHint(red_flag.level, red_flag.headline, (flag,), ("test",))


def test_a_clot_after_an_operation_is_answered_about_the_clot(kb: KnowledgeBase) -> None:
    question = "after my knee op my calf is tight and painful is that normal"
    found = [a.id for a in find_answers(question, index_for(kb), vocabulary())]
    # the words alone find running and stretching entries, none about a clot
    assert not any(sign_of(i, kb) == "suspected_dvt" for i in found), found
    result = ask(question, kb)
    assert result.triage_hint is not None and result.triage_hint.level is Urgency.URGENT
    assert result.answers[0].id == "faq-clot-walk"
    assert [a.id for a in result.answers[1:]] == found[:4]


def test_an_answer_about_the_sign_moves_to_the_front(kb: KnowledgeBase) -> None:
    question = "chest pain and a swollen leg"
    found = find_answers(question, index_for(kb), vocabulary())
    result = ask(question, kb)
    assert result.triage_hint is not None
    lead = result.answers[0]
    assert sign_of(lead.id, kb) in result.triage_hint.red_flags
    assert lead.id in [a.id for a in found[1:]]  # it was found, but not first
    assert sorted(a.id for a in result.answers) == sorted(a.id for a in found)
    assert lead.score == found[0].score


def test_a_sign_without_its_own_faq_is_led_by_the_red_flag(kb: KnowledgeBase) -> None:
    flag = next(
        f.id
        for f in kb.red_flags.values()
        if f.level is Urgency.EMERGENCY and not any(q.warning_sign == f.id for q in kb.faq.values())
    )
    found = find_answers("how long should I keep my legs up the wall", index_for(kb), vocabulary())
    led = lead_with_warning_sign(found, _hint(flag, kb), kb, 3)
    assert [(a.id, a.kind) for a in led] == [(flag, Kind.RED_FLAG)] + [
        (a.id, a.kind) for a in found[:2]
    ]
    assert led[0].text == kb.red_flags[flag].text
    assert lead_with_warning_sign([], _hint(flag, kb), kb, 5)[0].score == 1.0
    assert lead_with_warning_sign(found, _hint(flag, kb), kb, 0) == found


def test_routine_hints_and_no_hint_keep_the_search_order(kb: KnowledgeBase) -> None:
    found = find_answers("my varicose veins ache", index_for(kb), vocabulary())
    assert lead_with_warning_sign(found, None, kb, 5) == found
    routine = next(f.id for f in kb.red_flags.values() if f.level is Urgency.ROUTINE)
    assert lead_with_warning_sign(found, _hint(routine, kb), kb, 5) == found


def test_the_most_serious_sign_leads_not_a_lesser_one_found_first(kb: KnowledgeBase) -> None:
    """A swollen calf with chest pain is a clot in the lungs (emergency) before a swollen leg
    (urgent): the answer about the emergency leads even when the other one ranked higher."""
    question = "not only is my calf swollen, i also have chest pain"
    found = [a.id for a in find_answers(question, index_for(kb), vocabulary())]
    assert found.index("faq-one-leg-swollen") < found.index("faq-breathless-leg")
    result = ask(question, kb)
    assert result.triage_hint is not None
    assert result.triage_hint.level is Urgency.EMERGENCY
    assert result.triage_hint.red_flags[0] == "suspected_pe"
    assert [a.id for a in result.answers[:2]] == ["faq-breathless-leg", "faq-one-leg-swollen"]
