"""The domain vocabulary (``synonyms.yaml``): synonym groups and stop words, validated at load.

People ask about a "charley horse", the knowledge base says "cramp"; they write "puffy ankles",
the answer says "swelling". The search index stems words but knows no synonyms, so the question
is widened here with every member of each group it touches. The vocabulary is data so that it
can grow without code changes; a malformed file fails loudly with the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from heavylegs.ask.text import Phrase, PhraseIndex, phrase

SYNONYMS_FILE = Path(__file__).with_name("synonyms.yaml")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The C loader when libyaml is there (ten times faster at start-up), else the Python one."""


class VocabularyError(ValueError):
    """``synonyms.yaml`` (or another vocabulary file) is malformed; the message says where."""


@dataclass(frozen=True, slots=True)
class Vocabulary:
    groups: tuple[tuple[Phrase, ...], ...]
    stop_words: frozenset[str]
    topic_words: frozenset[str] = frozenset()
    misspellings: tuple[tuple[str, str], ...] = ()
    """Short misspellings read as the word meant ("realy" -> "really"): the speller leaves words
    of five letters or fewer alone, since guessing at them goes wrong more often than not."""
    _index: PhraseIndex = field(init=False, repr=False, compare=False)
    known_words: frozenset[str] = field(init=False, repr=False, compare=False)
    """Every word the vocabulary mentions: never taken for a misspelling."""
    _groups_of: dict[Phrase, tuple[int, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        groups_of: dict[Phrase, list[int]] = {}
        for g, group in enumerate(self.groups):
            for member in group:
                groups_of.setdefault(member, []).append(g)
        object.__setattr__(self, "_groups_of", {p: tuple(gs) for p, gs in groups_of.items()})
        object.__setattr__(self, "_index", PhraseIndex(groups_of))
        listed = {w for group in self.groups for member in group for w in member}
        object.__setattr__(
            self, "known_words", frozenset(listed | self.stop_words | self.topic_words)
        )

    def expand(self, question_words: list[str]) -> list[Phrase]:
        """Every phrase of every group that has a member in ``question_words``, in group order,
        without the phrases already written in the question as they are."""
        present = self._index.occurrences(question_words)
        touched = sorted({g for p in present for g in self._groups_of[p]})
        out: list[Phrase] = []
        seen: set[Phrase] = set(present)
        for g in touched:
            for member in self.groups[g]:
                if member not in seen:
                    seen.add(member)
                    out.append(member)
        return out


def parse_vocabulary(raw: Any, where: str = "synonyms.yaml") -> Vocabulary:
    """Validate the parsed YAML; raise :class:`VocabularyError` naming the problem."""
    if not isinstance(raw, dict):
        raise VocabularyError(f"{where}: must be a mapping with 'groups' and 'stop_words'")
    unknown = set(raw) - {"groups", "stop_words", "topic_words", "misspellings"}
    if unknown:
        raise VocabularyError(f"{where}: unknown keys {sorted(unknown)}")
    groups_raw = raw.get("groups")
    if not isinstance(groups_raw, list) or not groups_raw:
        raise VocabularyError(f"{where}: groups: must be a non-empty list of lists")
    groups: list[tuple[Phrase, ...]] = []
    for i, group in enumerate(groups_raw):
        if not isinstance(group, list) or len(group) < 2:
            raise VocabularyError(f"{where}: groups[{i}]: must list at least two phrases")
        members: list[Phrase] = []
        for j, member in enumerate(group):
            if not isinstance(member, str | int) or isinstance(member, bool):
                raise VocabularyError(f"{where}: groups[{i}][{j}]: must be text, got {member!r}")
            words = phrase(str(member))
            if not words:
                raise VocabularyError(f"{where}: groups[{i}][{j}]: {member!r} has no words")
            if "*" in "".join(words):
                raise VocabularyError(f"{where}: groups[{i}][{j}]: no wildcards in synonyms")
            if words in members:
                raise VocabularyError(f"{where}: groups[{i}]: {member!r} is listed twice")
            members.append(words)
        groups.append(tuple(members))
    return Vocabulary(
        groups=tuple(groups),
        stop_words=_word_set(raw, "stop_words", where),
        topic_words=_word_set(raw, "topic_words", where),
        misspellings=_misspellings(raw, where),
    )


def _misspellings(raw: dict[str, Any], where: str) -> tuple[tuple[str, str], ...]:
    items = raw.get("misspellings", {})
    if not isinstance(items, dict):
        raise VocabularyError(f"{where}: misspellings: must map a misspelt word to the word meant")
    out: list[tuple[str, str]] = []
    for wrong, right in items.items():
        pair = (phrase(str(wrong)), phrase(str(right)))
        if any(len(p) != 1 or p[0].endswith("*") for p in pair) or isinstance(right, bool):
            raise VocabularyError(
                f"{where}: misspellings: {wrong!r}: {right!r} must be one word each"
            )
        out.append((pair[0][0], pair[1][0]))
    return tuple(out)


def _word_set(raw: dict[str, Any], key: str, where: str) -> frozenset[str]:
    items = raw.get(key, [])
    if not isinstance(items, list):
        raise VocabularyError(f"{where}: {key}: must be a list of words")
    out: set[str] = set()
    for k, word in enumerate(items):
        if not isinstance(word, str | int) or isinstance(word, bool):
            # YAML reads a bare on/off/yes/no as true/false: "on" became the stop word "true"
            raise VocabularyError(
                f"{where}: {key}[{k}]: must be text, got {word!r} (quote yes/no/on/off)"
            )
        normal = phrase(str(word))
        if len(normal) != 1 or normal[0].endswith("*"):
            raise VocabularyError(f"{where}: {key}[{k}]: {word!r} must be one word")
        out.add(normal[0])
    return frozenset(out)


def load_vocabulary(path: Path = SYNONYMS_FILE) -> Vocabulary:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise VocabularyError(f"{path.name}: not valid YAML: {exc}") from exc
    return parse_vocabulary(raw, path.name)


@cache
def vocabulary() -> Vocabulary:
    """The packaged vocabulary, loaded once per process."""
    return load_vocabulary()
