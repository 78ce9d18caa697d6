"""The search index: every FAQ answer, cause, measure and red flag in SQLite FTS5.

Why FTS5: it ships with Python's ``sqlite3``, ranks with BM25, stems English words (porter) and
folds accents, so questions find answers offline in well under a millisecond per query. The index
lives in memory and is built on first use for one knowledge version (a few milliseconds for a
few hundred entries); a changed knowledge base gets a fresh index because the cache key is
``kb.version``.

Columns and weights: people's questions are closest to an FAQ's question and its paraphrases
(``also_asked``), then to an entry's title; the body text is the weakest signal because it is
long and mentions many things in passing.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from enum import StrEnum

from heavylegs.ask.text import words
from heavylegs.knowledge.models import Entry, Faq, KnowledgeBase, Measure, RedFlag


class Kind(StrEnum):
    """What sort of knowledge entry an answer is; FAQ answers are written as answers."""

    FAQ = "faq"
    MEASURE = "measure"
    CAUSE = "cause"
    RED_FLAG = "red_flag"

    @property
    def preference(self) -> int:
        """Tie-break order: lower comes first."""
        return _PREFERENCE[self]


_PREFERENCE = {Kind.FAQ: 0, Kind.MEASURE: 1, Kind.CAUSE: 2, Kind.RED_FLAG: 3}

TOKENIZE = "porter unicode61 remove_diacritics 2"
COLUMN_WEIGHTS = {"title": 4.0, "questions": 6.0, "body": 1.0}
"""BM25 weight per column (see the module docstring)."""
KIND_WEIGHT = {Kind.FAQ: 1.2, Kind.MEASURE: 1.0, Kind.CAUSE: 1.0, Kind.RED_FLAG: 1.0}
"""Score multiplier: an FAQ answer that matches as well as a measure description answers the
question more completely, so it is preferred a little, not only on exact ties."""


@dataclass(frozen=True, slots=True)
class Hit:
    entry: Entry
    kind: Kind
    score: float


def _document(entry: Entry) -> tuple[str, str, str]:
    """(title, questions, body) as indexed for one entry."""
    if isinstance(entry, Faq):
        return entry.title, "\n".join([entry.question, *entry.also_asked]), entry.text
    body = [entry.text]
    if isinstance(entry, Measure):
        body += [entry.dose, entry.timing, entry.why]
    elif isinstance(entry, RedFlag):
        body += [entry.headline, entry.message]
    return entry.title, "", "\n".join(body)


class SearchIndex:
    """An in-memory FTS5 index over one knowledge base. Safe to share between threads."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.version = kb.version
        self._entries: list[tuple[Entry, Kind]] = []
        for kind, table in (
            (Kind.FAQ, kb.faq),
            (Kind.MEASURE, kb.measures),
            (Kind.CAUSE, kb.causes),
            (Kind.RED_FLAG, kb.red_flags),
        ):
            self._entries.extend((entry, kind) for entry in table.values())
        self._rowids = {entry.id: i for i, (entry, _) in reversed(list(enumerate(self._entries)))}
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            f"CREATE VIRTUAL TABLE docs USING fts5(title, questions, body, tokenize={TOKENIZE!r})"
        )
        self._db.executemany(
            "INSERT INTO docs(rowid, title, questions, body) VALUES (?, ?, ?, ?)",
            [(i, *_document(e)) for i, (e, _) in enumerate(self._entries)],
        )
        self._db.commit()
        self._db.execute("CREATE VIRTUAL TABLE terms USING fts5vocab(docs, 'row')")
        self.terms: frozenset[str] = frozenset(
            str(row[0]) for row in self._db.execute("SELECT term FROM terms")
        )
        """Every index term (stemmed, as FTS5 stores it): what a question word can match."""
        self.words: frozenset[str] = frozenset(
            w for entry, _ in self._entries for text in _document(entry) for w in words(text)
        )
        """Every word of the entries as written (normalised, not stemmed): spelling targets."""
        w = COLUMN_WEIGHTS
        self._sql = (
            f"SELECT rowid, bm25(docs, {w['title']}, {w['questions']}, {w['body']}) "
            "FROM docs WHERE docs MATCH ? ORDER BY 2 LIMIT ?"
        )

    def in_heading(self, entry_id: str, match: str) -> bool:
        """Whether ``match`` (an FTS5 expression) finds the entry ``entry_id`` in its title or
        its questions, not only in passing in its body text."""
        rowid = self._rowids.get(entry_id)
        if rowid is None or not match:
            return False
        sql = "SELECT 1 FROM docs WHERE docs MATCH ? AND rowid = ?"
        with self._lock:
            found = self._db.execute(sql, (f"{{title questions}} : ({match})", rowid)).fetchone()
        return found is not None

    def __len__(self) -> int:
        return len(self._entries)

    def search(self, parts: list[tuple[str, float]], limit: int) -> list[Hit]:
        """Entries matching weighted FTS5 ``MATCH`` expressions, best first.

        Each part is (expression, weight); an entry's score is the weighted sum of its BM25
        scores (negated: FTS5 reports lower-is-better) times the kind weight, so scores are
        positive and higher is better. Equal scores prefer FAQ answers, then measures, causes,
        red flags, then ids, so the order is deterministic.
        """
        totals: dict[int, float] = {}
        pool = max(limit * 10, 50)
        with self._lock:
            for match, weight in parts:
                if not match:
                    continue
                for rowid, rank in self._db.execute(self._sql, (match, pool)):
                    totals[rowid] = totals.get(rowid, 0.0) - float(rank) * weight
        hits = []
        for rowid, total in totals.items():
            entry, kind = self._entries[rowid]
            # Nine significant digits: float noise must not decide between equal matches.
            score = float(f"{total * KIND_WEIGHT[kind]:.9g}")
            hits.append(Hit(entry=entry, kind=kind, score=score))
        hits.sort(key=lambda h: (-h.score, h.kind.preference, h.entry.id))
        return hits[:limit]

    def close(self) -> None:
        with self._lock:
            self._db.close()


_BUILD_LOCK = threading.Lock()


class Stemmer:
    """The index's own tokenizer (porter, unicode61), asked word by word and remembered.

    Query terms are compared by stem so that "run", "running" and "runs" count once, as the
    index sees them; otherwise a synonym group would add the same stem several times and
    outweigh the rest of the question.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(f"CREATE VIRTUAL TABLE tok USING fts5(x, tokenize={TOKENIZE!r})")
        self._db.execute("CREATE VIRTUAL TABLE tokv USING fts5vocab(tok, 'instance')")
        self._known: dict[str, tuple[str, ...]] = {}

    def stems(self, word: str) -> tuple[str, ...]:
        """The index terms of ``word`` (usually one; none for text the tokenizer drops)."""
        found = self._known.get(word)
        if found is not None:
            return found
        with self._lock:
            self._db.execute("DELETE FROM tok")
            self._db.execute("INSERT INTO tok(rowid, x) VALUES (1, ?)", (word,))
            rows = self._db.execute("SELECT term FROM tokv ORDER BY offset").fetchall()
        found = tuple(str(r[0]) for r in rows)
        if len(self._known) < 100_000:
            self._known[word] = found
        return found


_STEMMER: Stemmer | None = None


def stemmer() -> Stemmer:
    global _STEMMER
    if _STEMMER is None:
        with _BUILD_LOCK:
            if _STEMMER is None:
                _STEMMER = Stemmer()
    return _STEMMER


_INDEXES: dict[str, SearchIndex] = {}


def index_for(kb: KnowledgeBase) -> SearchIndex:
    """The index of ``kb``, built on first use and kept for its knowledge version."""
    found = _INDEXES.get(kb.version)
    if found is not None:
        return found
    with _BUILD_LOCK:
        found = _INDEXES.get(kb.version)
        if found is None:
            found = SearchIndex(kb)
            _INDEXES[kb.version] = found
        return found
