"""Everyday questions that went wrong: the hint's level and the answer that leads.

Each case was asked of ``heavylegs ask`` the way people type it and got a hint at the wrong level
or a first answer about something else (breathlessness with swollen legs at routine, a stated
week of pregnancy not read as a pregnancy, white toes in the cold called a blocked artery, "for 3
weeks" answered with a training plan).
"""

from __future__ import annotations

import pytest

from heavylegs.ask import ask
from heavylegs.ask.index import index_for
from heavylegs.ask.synonyms import VocabularyError, parse_vocabulary
from heavylegs.ask.text import stated_gestation, without_spans
from heavylegs.ask.triage import sign_of
from heavylegs.knowledge import KnowledgeBase, Urgency

E, U, R = Urgency.EMERGENCY, Urgency.URGENT, Urgency.ROUTINE


@pytest.mark.parametrize(
    ("question", "level", "flag"),
    [
        # Struggling for breath now, with no exertion named, is breathlessness at rest: 999.
        ("my legs are swollen and I can't catch my breath", E, "chest_pain_or_breathlessness"),
        ("my legs are swollen and im struggling to breathe", E, "chest_pain_or_breathlessness"),
        ("ankles swollen and i cant get my breath", E, "chest_pain_or_breathlessness"),
        # A stated week of pregnancy is a pregnancy; marked or sudden swelling in it is same-day.
        ("I'm 36 weeks pregnant and my ankles are realy swollen", U, "pregnancy_warning_signs"),
        ("im 36 weeks and my feet are huge", U, "pregnancy_warning_signs"),
        ("im 30 weeks and have a bad headache and swollen feet", U, "pregnancy_warning_signs"),
        ("im 37 weeks and seeing stars", U, "pregnancy_warning_signs"),
        ("36 weeks and spots in front of my eyes", U, "pregnancy_warning_signs"),
        ("36 weeks and my hands and face are puffy", U, "pregnancy_warning_signs"),
        ("I'm pregnant and my feet suddenly swelled up", U, "pregnancy_warning_signs"),
        # A foot that stays white after the cold is a blocked artery until seen.
        ("my toes went white in the cold and now hurt and stay white", E, "acute_limb_ischemia"),
        ("my foot suddenly went cold and white and hurts", E, "acute_limb_ischemia"),
        ("my toes go white", E, "acute_limb_ischemia"),
        # Found by asking everyday phrasings (each was a lower level or no hint).
        ("my dad is 75 and suddenly cant lift his foot", E, "sudden_leg_weakness"),
        ("my leg gave way and now i cant feel my bum", E, "cauda_equina"),
        ("i cant wee and my legs are weak", E, "cauda_equina"),
        ("thighs so sore i cant walk after leg day and my pee is dark", E, "rhabdomyolysis"),
        (
            "got hit in the shin playing football and now its really tight and painful",
            E,
            "acute_compartment_syndrome",
        ),
        ("I coughed up some blood and my calf hurts", E, "chest_pain_or_breathlessness"),
        (
            "my legs are heavy and im so out of breath i cant talk",
            E,
            "chest_pain_or_breathlessness",
        ),
        ("elderly dad fell and now cant stand", E, "injury_cannot_bear_weight"),
        (
            "my husband is 70 and his leg went numb this morning",
            U,
            "new_one_sided_numbness_higher_risk",
        ),
        ("my granddad has a sore on his shin that is weeping and smells", U, "cellulitis"),
        ("my legs are heavy and weak and i have a bad back", U, "progressive_weakness"),
        ("my left leg is twice the size of my right", U, "one_leg_swelling"),
        ("cnt breathe and my leg is swollen", E, "suspected_pe"),
        ("my leg is swollen and my heart is pounding", E, "suspected_pe"),
        ("my leg is cold and numb and i cant move my toes", E, "acute_limb_ischemia"),
        ("my toes are black", E, "necrotising_infection"),
        ("i have a high temp, my leg is red and im confused", E, "sepsis_signs"),
        ("legs heavy and i feel really unwell and confused in this heat", E, "heatstroke"),
        ("i peed myself and my legs are numb", E, "cauda_equina"),
        ("my legs have swollen up really fast", U, "sudden_swelling"),
        ("my leg is agony after a fall and looks bent", E, "injury_cannot_bear_weight"),
        ("i think ive broken my ankle", E, "injury_cannot_bear_weight"),
        ("nan is 91 and has gone off her legs", U, "progressive_weakness"),
        ("older lady, legs weeping fluid through her tights", R, "venous_skin_changes"),
        # Typos in the warning words, and the bare singular "swollen leg".
        ("chets pain and swollen calf", E, "suspected_pe"),
        ("my cafl is swolen and red", U, "suspected_dvt"),
        ("swolllen leg after flight", U, "suspected_dvt"),
        ("i cant breth properly and my ankles are swollen", E, "chest_pain_or_breathlessness"),
        ("thigh swolen and hot after hip replacment", U, "suspected_dvt"),
        # The last session's two new routine flags, in the words people use for them.
        ("I'm 82 and my right leg has ached for ten days", R, "one_leg_pain_older_age"),
        (
            "My 13 year old has had pain in his left leg at night for a month",
            R,
            "one_leg_night_pain_young",
        ),
        ("im diabetic and my foots red hot", U, "cellulitis"),
    ],
)
def test_the_warning_sign_gets_its_level_and_leads(
    question: str, level: Urgency, flag: str, kb: KnowledgeBase
) -> None:
    result = ask(question, kb)
    hint = result.triage_hint
    assert hint is not None, question
    assert (hint.level, hint.red_flags[0]) == (level, flag), (hint.level, hint.red_flags)
    if level.rank >= U.rank:
        assert sign_of(result.answers[0].id, kb) in hint.red_flags, result.answers[0].id


@pytest.mark.parametrize(
    "question",
    [
        "I can't catch my breath on the stairs and my ankles are swollen",
        "my ankles are swollen and i get out of breath walking",
    ],
)
def test_breathless_on_exertion_with_swollen_ankles_is_a_gp_check(
    question: str, kb: KnowledgeBase
) -> None:
    """NHS: short of breath with swollen ankles, worse on normal activity: see a GP."""
    hint = ask(question, kb).triage_hint
    assert hint is not None and hint.level is R, hint


@pytest.mark.parametrize(
    "question",
    [
        "I'm pregnant and my ankles are swollen",
        "I'm 36 weeks and my ankles are a bit swollen",
        "I'm 6 weeks post op, can I walk more?",
        "I can't stand how heavy my legs are",
        "I fell asleep and now i cant stand on my leg properly",
    ],
)
def test_ordinary_swelling_in_pregnancy_gets_no_hint(question: str, kb: KnowledgeBase) -> None:
    assert ask(question, kb).triage_hint is None


def test_a_stated_week_of_pregnancy_finds_the_pregnancy_answer(kb: KnowledgeBase) -> None:
    ids = [a.id for a in ask("I'm 36 weeks and my ankles are a bit swollen", kb).answers[:3]]
    assert "faq-pregnancy" in ids, ids


@pytest.mark.parametrize(
    "question",
    [
        "toes go white in the cold winter",
        "why do my toes go blue in the cold",
        "my feet go white when I'm stressed",
    ],
)
def test_toes_that_change_colour_in_the_cold_are_raynauds(question: str, kb: KnowledgeBase) -> None:
    result = ask(question, kb)
    hint = result.triage_hint
    assert hint is None or "acute_limb_ischemia" not in hint.red_flags, hint
    assert result.answers[0].id == "faq-raynauds", [a.id for a in result.answers]


@pytest.mark.parametrize(
    "question",
    [
        "legs heavy for 3 weeks",
        "my legs have felt heavy for weeks",
        "ive had heavy legs for months now",
    ],
)
def test_how_long_is_not_what_about(question: str, kb: KnowledgeBase) -> None:
    """'weeks' found the plan of harder and easier weeks; a persistent heaviness question leads
    with how long heaviness takes to improve and when to see a doctor."""
    result = ask(question, kb)
    assert result.answers[0].id == "faq-how-long-improve", [a.id for a in result.answers]
    assert result.triage_hint is None


@pytest.mark.parametrize(
    ("text", "weeks"),
    [
        ("I'm 36 weeks pregnant", 36),
        ("im 36 weeks and my feet are huge", 36),
        ("34+2 wks pregnant", 34),
        ("36 weeks and my ankles are swollen", 36),
        ("my wife is 38 weeks", 38),
        ("at 34 weeks my face is puffy", 34),
        ("i am 20 weeks gone", 20),
        ("I'm 6 weeks post op", None),
        ("I'm 12 weeks into marathon training", None),
        ("I'm 3 weeks out from my race", None),
        ("legs heavy for 3 weeks", None),
        ("I'm 2 weeks pregnant", None),
        ("I'm 78", None),
    ],
)
def test_stated_gestation(text: str, weeks: int | None) -> None:
    assert stated_gestation(text) == weeks


def test_only_durations_of_weeks_or_more_are_taken_out_of_the_search() -> None:
    plain, lasted, pregnant = without_spans("legs heavy for 3 weeks")
    assert (plain.split(), lasted, pregnant) == (["legs", "heavy"], True, False)
    assert without_spans("sore for a few days after a race")[1:] == (False, False)
    plain, lasted, pregnant = without_spans("I'm 36 weeks and swollen since last month")
    assert (lasted, pregnant) == (True, True)
    assert "weeks" not in plain and "month" not in plain


def test_short_misspellings_are_read_as_the_word_meant(kb: KnowledgeBase) -> None:
    hint = ask("I'm 36 weeks pregnant and my ankles are realy swollen", kb).triage_hint
    assert hint is not None and "pregnancy_marked_swelling" in hint.matched


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"groups": [["a", "b"]], "misspellings": ["realy"]}, "must map"),
        ({"groups": [["a", "b"]], "misspellings": {"realy": "really much"}}, "one word each"),
        ({"groups": [["a", "b"]], "misspellings": {"realy": True}}, "one word each"),
    ],
)
def test_bad_misspellings_fail_with_the_place(raw: object, problem: str) -> None:
    with pytest.raises(VocabularyError, match=problem):
        parse_vocabulary(raw)


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # "always" matched "does not always show" in a clot warning: a same-day hint and answer.
        ("why are my legs always heavy", "faq-causes"),
        # "squash" was read as "squats".
        ("heard a pop in my heel while playing squash", "faq-achilles"),
        # "year old" searched "old": the answer for older people.
        ("my 15 year old daughter's legs are swollen", "faq-salt-diet"),
        ("legs twitch and jump at night", "faq-restless-legs"),
    ],
)
def test_everyday_questions_lead_with_their_answer_and_no_hint(
    question: str, first: str, kb: KnowledgeBase
) -> None:
    result = ask(question, kb)
    assert result.triage_hint is None, result.triage_hint
    assert result.answers[0].id == first, [a.id for a in result.answers]


def test_a_warning_sign_named_only_in_passing_in_an_entry_is_no_hint(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    assert index.in_heading("faq-causes", '"always"')
    assert not index.in_heading("breathless_with_clot_risk", '"always"')
    assert not index.in_heading("no-such-entry", '"always"')


def test_breathless_with_swollen_legs_is_answered_about_breathlessness(kb: KnowledgeBase) -> None:
    """After the warning itself comes the answer about breathlessness with swollen legs (the
    heart or a clot), not the one about salt."""
    ids = [a.id for a in ask("my legs are swollen and I can't catch my breath", kb).answers]
    assert ids[:2] == ["chest_pain_or_breathlessness", "faq-breathless-leg"], ids


@pytest.mark.parametrize(
    "question",
    [
        # Every warning word denied: the entry about them must not speak for the question.
        "no chest pain, no breathlessness, just heavy legs",
        "i'm not struggling for breath but my legs are swollen",
        "i can catch my breath fine but my legs are swollen",
        # One tender spot on the shin bone of a runner is a bone stress injury, not a calf clot.
        "sharp pain in my shin when i run, and it hurts to touch one spot",
        "I'm confused about which compression class to buy",
        "how can i get my swollen up ankles down fast",
        "I have a black toenail from running",
    ],
)
def test_denied_or_explained_signs_get_no_hint(question: str, kb: KnowledgeBase) -> None:
    hint = ask(question, kb).triage_hint
    assert hint is None, (hint.level, hint.red_flags, hint.matched) if hint else None


@pytest.mark.parametrize(
    "question", ["my ankles are swollen", "my feet swell by the evening", "ankles puffy at night"]
)
def test_everyday_swollen_ankles_get_causes_and_when_to_get_help(
    question: str, kb: KnowledgeBase
) -> None:
    """Was only salt, periods and jump training: the general answer (causes, self-care, when to
    see a doctor or get help the same day) is in the first two."""
    result = ask(question, kb)
    assert "faq-swollen-ankles" in [a.id for a in result.answers[:2]], result.answers
    assert result.triage_hint is None
