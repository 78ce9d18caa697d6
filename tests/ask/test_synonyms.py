"""The domain vocabulary: validated data, and it makes everyday words find clinical answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from heavylegs.ask import ask
from heavylegs.ask.index import stemmer
from heavylegs.ask.query import search_terms
from heavylegs.ask.synonyms import VocabularyError, load_vocabulary, parse_vocabulary, vocabulary
from heavylegs.ask.text import PhraseIndex, find, phrase, words
from heavylegs.knowledge import KnowledgeBase


def test_words_normalise_case_quotes_and_accents_the_same_way() -> None:
    assert words("Can’t WALK, can't walk!") == ["cant", "walk", "cant", "walk"]
    assert words("10% rule") == ["10", "rule"]
    assert phrase("elevat*") == ("elevat*",)
    assert find(phrase("elevat*"), words("when I elevate my legs")) == [2]
    assert find(phrase("legs up"), words("legs up the wall")) == [0]


def test_phrase_index_agrees_with_find() -> None:
    needles = [phrase(p) for p in ["calf", "lower leg", "swell*", "legs up the wall", "up"]]
    hay = words("Lower leg swelling: legs up the wall, then up again")
    found = PhraseIndex(needles).occurrences(hay)
    assert found == {n: find(n, hay) for n in needles if find(n, hay)}


def test_packaged_vocabulary_loads() -> None:
    vocab = load_vocabulary()
    assert len(vocab.groups) > 50
    assert {"the", "what", "my"} <= vocab.stop_words
    assert {"heavy", "legs"} <= vocab.topic_words


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("charley horse at night", ("cramp",)),
        ("puffy ankles", ("swollen",)),
        ("my lower legs ache", ("calf",)),
        ("is jogging ok", ("running",)),
        ("risk of DVT", ("blood", "clot")),
        ("what is the ten percent rule", ("10", "rule")),
    ],
)
def test_everyday_words_expand_to_the_knowledge_base_words(
    question: str, expected: tuple[str, ...]
) -> None:
    terms = search_terms(question, vocabulary(), stemmer())
    assert expected in terms.secondary + terms.primary


def test_topic_words_are_searched_only_when_nothing_else_is_left() -> None:
    assert search_terms("heavy legs?", vocabulary(), stemmer()).primary == (("heavy",), ("legs",))
    terms = search_terms("walking for heavy legs", vocabulary(), stemmer())
    assert ("heavy",) not in terms.primary and ("heavy",) in terms.secondary


def test_terms_are_distinct_by_stem() -> None:
    terms = search_terms("running runs run", vocabulary(), stemmer())
    assert terms.primary == (("running",),)
    stems = [stemmer().stems(" ".join(t)) for t in terms.primary + terms.secondary]
    assert len(stems) == len(set(stems))


@pytest.mark.parametrize(
    ("everyday", "clinical"),
    [
        ("What helps a charley horse in bed?", "What helps leg cramps at night?"),
        ("Do flight socks help on a plane?", "Do compression stockings help on long flights?"),
        (
            "Why are my ankles puffy by the evening?",
            "Why do my ankles swell by the end of the day?",
        ),
        ("Is jogging bad for heavy legs?", "Is running bad for heavy legs?"),
    ],
)
def test_synonym_questions_reach_the_same_best_answer(
    everyday: str, clinical: str, kb: KnowledgeBase
) -> None:
    best = ask(clinical, kb).answers[0].id
    assert best in [a.id for a in ask(everyday, kb).answers[:3]]


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ([], "mapping"),
        ({"groups": []}, "non-empty"),
        ({"groups": [["solo"]]}, "at least two"),
        ({"groups": [["a", "A"]]}, "listed twice"),
        ({"groups": [["a", "?!"]]}, "no words"),
        ({"groups": [["a", "b*"]]}, "no wildcards"),
        ({"groups": [["a", True]]}, "must be text"),
        ({"groups": [["a", "b"]], "stop_words": ["two words"]}, "one word"),
        ({"groups": [["a", "b"]], "stop_words": "the"}, "list of words"),
        ({"groups": [["a", "b"]], "extra": 1}, "unknown keys"),
    ],
)
def test_bad_vocabularies_fail_with_the_place(raw: object, problem: str) -> None:
    with pytest.raises(VocabularyError, match=problem):
        parse_vocabulary(raw)


def test_yaml_booleans_are_not_words(tmp_path: Path) -> None:
    """A bare ``on`` in YAML is ``true``: it silently became the stop word "true" while "on"
    stayed a search term in every question."""
    path = tmp_path / "synonyms.yaml"
    path.write_text("groups: [[a, b]]\nstop_words: [the, on]\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"stop_words\[1\]: must be text, got True"):
        load_vocabulary(path)
    packaged = vocabulary()
    assert "on" in packaged.stop_words
    assert not {"true", "false"} & packaged.stop_words
    assert ("on",) not in search_terms("heavy on every run", packaged, stemmer()).primary


def test_bad_yaml_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.yaml"
    path.write_text("groups: [[a, b]\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match="not valid YAML"):
        load_vocabulary(path)
