"""Spelling: a question word the knowledge base cannot match is read as the closest one it has.

People type "swolen", "compresion", "anckle"; the index matches whole (stemmed) terms, so such a
word finds nothing and the question leans on its other words. A word is left alone when the index
knows its stem (so "swelled" is not touched), the vocabulary or a triage pattern lists it
("cankles"), it is short (five letters or fewer: "spain" read as "sprain", "tough" as "though")
or not a plain word. Otherwise it becomes the closest word of the knowledge base that starts with
the same letter, when one is that close (``CUTOFF``, difflib's ratio). Only words that would
match nothing are changed, so a wrong guess can add a weak term but never removes one; at most
``MAX_CORRECTIONS`` words of a question are looked at, which bounds the cost of hostile text.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from difflib import get_close_matches

from heavylegs.ask.index import Stemmer

CUTOFF = 0.82
MIN_LENGTH = 6
MAX_CORRECTIONS = 8


class Speller:
    """Corrections against one knowledge base's words; safe to share between threads."""

    def __init__(
        self,
        targets: Iterable[str],
        terms: frozenset[str],
        known: frozenset[str],
        stems: Stemmer,
        fixed: Mapping[str, str] | None = None,
    ) -> None:
        """``targets``: words a misspelling may become; ``terms``: the index's stemmed terms
        (a word with known stems is no misspelling); ``known``: words never changed (a word
        ending in ``*`` protects every word with that prefix); ``fixed``: misspellings listed
        in the vocabulary, always read as the word given ("realy" -> "really")."""
        self._fixed = dict(fixed or {})
        self._by_first: dict[str, list[str]] = {}
        for word in sorted(set(targets)):
            if len(word) >= MIN_LENGTH - 1 and word.isalpha():
                self._by_first.setdefault(word[0], []).append(word)
        self._terms = terms
        self._known = frozenset(w for w in known if not w.endswith("*"))
        self._prefixes = tuple(sorted(w[:-1] for w in known if w.endswith("*")))
        self._stems = stems
        self._lock = threading.Lock()
        self._seen: dict[str, str] = {}

    def _needs_correction(self, word: str) -> bool:
        if len(word) < MIN_LENGTH or not word.isalpha() or word in self._known:
            return False
        if word.startswith(self._prefixes):
            return False
        return not all(s in self._terms for s in self._stems.stems(word))

    def _closest(self, word: str) -> str:
        with self._lock:
            found = self._seen.get(word)
        if found is not None:
            return found
        matches = get_close_matches(word, self._by_first.get(word[0], []), n=1, cutoff=CUTOFF)
        found = matches[0] if matches else word
        with self._lock:
            if len(self._seen) < 100_000:
                self._seen[word] = found
        return found

    def correct(self, question_words: list[str]) -> list[str]:
        """``question_words`` with unmatched, misspelt words replaced by their closest match."""
        out: list[str] = []
        budget = MAX_CORRECTIONS
        for word in question_words:
            fixed = self._fixed.get(word)
            if fixed is not None:
                word = fixed
            elif budget and self._needs_correction(word):
                budget -= 1
                word = self._closest(word)
            out.append(word)
        return out
