"""Bad questions get a clear message; no text of any kind crashes the search."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heavylegs.ask import MAX_ANSWERS, MAX_QUESTION_CHARS, QuestionError, ask, check_question
from heavylegs.knowledge import KnowledgeBase, load_knowledge


@pytest.mark.parametrize("question", ["", " ", "\n\t  \n"])
def test_empty_questions_are_refused(question: str, kb: KnowledgeBase) -> None:
    with pytest.raises(QuestionError, match="empty"):
        ask(question, kb)


def test_over_long_questions_are_refused(kb: KnowledgeBase) -> None:
    with pytest.raises(QuestionError, match=r"too long \(2001 characters; at most 2000\)"):
        ask("a" * (MAX_QUESTION_CHARS + 1), kb)


def test_the_limit_itself_is_allowed(kb: KnowledgeBase) -> None:
    words = ("swollen ankles after standing " * 100)[:MAX_QUESTION_CHARS]
    assert len(words) == MAX_QUESTION_CHARS
    assert ask(words, kb).answers


def test_surrounding_whitespace_does_not_count() -> None:
    assert check_question("  walking?  ") == "walking?"
    assert (
        check_question(" " * 50 + "a" * MAX_QUESTION_CHARS + " " * 50) == "a" * MAX_QUESTION_CHARS
    )


@pytest.mark.parametrize(
    "question",
    [
        '"',
        '""',
        "'",
        "*",
        "NEAR(",
        "AND OR NOT",
        "legs AND",
        "^",
        "col:x",
        "- -",
        "(((",
        "\x00",
        "\u200b",
        "🦵🦵",
        "ʼ",
        "NEAR/3",
        'heavy" OR "legs',
        "{title}: walk",
    ],
)
def test_fts_syntax_in_questions_is_just_text(question: str, kb: KnowledgeBase) -> None:
    result = ask(question, kb)
    assert len(result.answers) <= MAX_ANSWERS


def test_stop_words_only_gives_no_answers_not_an_error(kb: KnowledgeBase) -> None:
    assert ask("what is it?", kb).answers == ()


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_any_unicode_question_is_answered_or_refused_cleanly(question: str) -> None:
    """Any text at all (scripts, emoji, control characters, FTS5 syntax) is safe."""
    try:
        result = ask(question, load_knowledge())
    except QuestionError:
        assert not question.strip()
        return
    answers = result.answers
    assert len(answers) <= MAX_ANSWERS
    assert all(a.score > 0 for a in answers)
    assert [a.score for a in answers] == sorted((a.score for a in answers), reverse=True)
    assert len({a.id for a in answers}) == len(answers)
    json.dumps(result.to_json())


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "calf",
                "swollen",
                "charley",
                "horse",
                "flight",
                "DVT",
                "cramp",
                "ünïcödé",
                "10%",
                "run",
                "no",
                "not",
                "chest",
                "pain",
                "cold",
                "white",
                "foot",
                "?",
                ",",
                "can't",
            ]
        ),
        min_size=1,
        max_size=40,
    )
)
def test_domain_word_soup_never_crashes(parts: list[str]) -> None:
    result = ask(" ".join(parts), load_knowledge())
    assert len(result.answers) <= MAX_ANSWERS
    if result.triage_hint is not None:
        assert result.triage_hint.message
