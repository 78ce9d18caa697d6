"""``ask``: a question in, knowledge entries out (verbatim, with sources), and a triage hint.

Answers are never generated: each one is a knowledge entry exactly as written and reviewed, found
by full-text search. The question is normalised, stop words are dropped, the domain vocabulary
adds synonyms ("charley horse" also searches "cramp"), and the terms are OR-ed so that a
question phrased in unusual words still reaches the entries that share some of them; BM25 ranks
the entries that share the most, and the rarest, terms first.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Any

from heavylegs.ask.index import Kind, SearchIndex, Stemmer, index_for, stemmer
from heavylegs.ask.spelling import Speller
from heavylegs.ask.synonyms import Vocabulary, vocabulary
from heavylegs.ask.text import Phrase, stated_age, without_spans, words
from heavylegs.ask.triage import (
    TriageHint,
    affirmed_text,
    excused_flags,
    hint_from_answers,
    pattern_words,
    sign_of,
    triage_hint,
    triage_patterns,
)
from heavylegs.knowledge import KnowledgeBase, Urgency, load_knowledge
from heavylegs.knowledge.models import Entry

MAX_QUESTION_CHARS = 2000
MAX_ANSWERS = 5
MAX_TERMS = 64
"""A long question is cut to this many distinct search terms (in order) to bound query time."""


class QuestionError(ValueError):
    """The question cannot be asked (empty, too long); the message says why, for people."""


@dataclass(frozen=True, slots=True)
class Answer:
    id: str
    kind: Kind
    title: str
    text: str
    covers: tuple[str, ...]
    sources: tuple[str, ...]
    score: float
    cautions: tuple[tuple[str, tuple[str, ...]], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "title": self.title,
            "text": self.text,
            "covers": list(self.covers),
            "sources": list(self.sources),
            "score": round(self.score, 4),
            "cautions": [{"text": t, "sources": list(s)} for t, s in self.cautions],
        }


@dataclass(frozen=True, slots=True)
class AskResult:
    question: str
    answers: tuple[Answer, ...]
    triage_hint: TriageHint | None

    def to_json(self) -> dict[str, Any]:
        """The contract: ``{"answers": [...], "triage_hint": null | {"level", "message"}}``."""
        return {
            "answers": [a.to_json() for a in self.answers],
            "triage_hint": None if self.triage_hint is None else self.triage_hint.to_json(),
        }


def check_question(question: str) -> str:
    """The question, stripped; :class:`QuestionError` when it is empty or too long."""
    text = question.strip()
    if not text:
        raise QuestionError("the question is empty: type a question, e.g. 'Is walking good?'")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is too long ({len(text)} characters; at most {MAX_QUESTION_CHARS})"
        )
    return text


def _fts_phrase(p: Phrase) -> str:
    """One FTS5 string token; our words contain no double quotes, but be safe."""
    return '"' + " ".join(p).replace('"', '""') + '"'


@dataclass(frozen=True, slots=True)
class SearchTerms:
    """What to search for: the question's own words, and the weaker extras.

    ``primary`` are the question's specific content words. ``secondary`` are synonyms of what it
    mentions plus the topic words ("heavy", "legs"); they count for ``SECONDARY_WEIGHT`` of a
    primary match, so a synonym helps find an answer without drowning the question's own words.
    Terms are distinct by stem, as the index sees them.
    """

    primary: tuple[Phrase, ...]
    secondary: tuple[Phrase, ...]


SECONDARY_WEIGHT = 0.35
OLDER_AGE = 65
"""A stated age from which a question also searches the answers for older people."""
LASTING_TERMS = ("persistent", "lasts")
"""What a stated duration ("for 3 weeks") searches for instead of its own words."""


def search_terms(
    question: str, vocab: Vocabulary, stems: Stemmer, speller: Speller | None = None
) -> SearchTerms:
    """What ``question`` searches for. How long something has lasted ("for 3 weeks") and a
    stated week of pregnancy ("I'm 36 weeks") are read for what they mean, persistence and
    pregnancy, not searched as words: "weeks" alone finds the plan of harder and easier weeks."""
    plain, lasted, pregnant = without_spans(question)
    ws = words(plain)
    if speller is not None:
        ws = speller.correct(ws)
    if pregnant and "pregnant" not in ws:  # "I'm 36 weeks" asks what "I'm pregnant" asks
        ws.append("pregnant")
    content = [w for w in ws if w not in vocab.stop_words]
    specific = [w for w in content if w not in vocab.topic_words]
    seen: set[tuple[str, ...]] = set()

    def distinct(candidates: list[Phrase]) -> list[Phrase]:
        out = []
        for p in candidates:
            key = tuple(s for w in p for s in stems.stems(w))
            if key and key not in seen:
                seen.add(key)
                out.append(p)
        return out

    # How long it has lasted is the question when it names nothing more specific.
    lasting: list[Phrase] = [(w,) for w in LASTING_TERMS] if lasted else []
    primary = distinct([(w,) for w in (specific or content)] + ([] if specific else lasting))
    age = stated_age(question)
    older: list[Phrase] = []
    if age is not None and age >= OLDER_AGE:  # "I'm 78" also asks what "I am older" asks
        older = [("older",), *vocab.expand(["older"])]
    extra = (
        older
        + (lasting if specific else [])
        + vocab.expand(ws)
        + ([(w,) for w in content if w in vocab.topic_words] if specific else [])
    )
    secondary = distinct(extra)
    room = max(0, MAX_TERMS - len(primary))
    return SearchTerms(tuple(primary[:MAX_TERMS]), tuple(secondary[:room]))


_SPELLERS: dict[tuple[str, int], Speller] = {}
_SPELLERS_LOCK = threading.Lock()


def speller_for(index: SearchIndex, vocab: Vocabulary) -> Speller:
    """The speller of one index and vocabulary, built on first use (a few milliseconds)."""
    key = (index.version, id(vocab))
    with _SPELLERS_LOCK:
        found = _SPELLERS.get(key)
        if found is None:
            known = vocab.known_words | pattern_words(triage_patterns())
            found = Speller(
                index.words | vocab.known_words,
                index.terms,
                known,
                stemmer(),
                dict(vocab.misspellings),
            )
            _SPELLERS[key] = found
        return found


def match_expression(terms: tuple[Phrase, ...]) -> str:
    """An FTS5 MATCH expression: every term as a quoted string, OR-ed."""
    return " OR ".join(_fts_phrase(t) for t in terms)


def _answer(entry: Entry, kind: Kind, score: float) -> Answer:
    return Answer(
        id=entry.id,
        kind=kind,
        title=entry.title,
        text=entry.text,
        covers=tuple(entry.covers),
        sources=tuple(entry.sources),
        score=score,
        cautions=tuple((c.text, tuple(c.sources)) for c in entry.cautions),
    )


def find_answers(
    question: str, index: SearchIndex, vocab: Vocabulary, limit: int = MAX_ANSWERS
) -> list[Answer]:
    terms = search_terms(question, vocab, stemmer(), speller_for(index, vocab))
    parts = [
        (match_expression(terms.primary), 1.0),
        (match_expression(terms.secondary), SECONDARY_WEIGHT),
    ]
    # A cause and its red flag can share an id (``cellulitis``): the better match speaks for it
    # (the pool is not widened to refill: BM25 sums depend on it, and the ranking would shift).
    seen: set[str] = set()
    answers: list[Answer] = []
    for h in index.search(parts, limit):
        if h.entry.id in seen:
            continue
        seen.add(h.entry.id)
        answers.append(_answer(h.entry, h.kind, h.score))
    return answers


LEADING_HINT_LEVELS = (Urgency.EMERGENCY, Urgency.URGENT)


def lead_with_warning_sign(
    answers: list[Answer], hint: TriageHint | None, kb: KnowledgeBase, limit: int
) -> list[Answer]:
    """The answers, led by an entry about the warning sign when the hint is urgent or worse.

    The search ranks words, not danger: "after my knee op my calf is tight and painful" shares
    most words with running and stretching entries, while the engine finds a possible clot. A
    question the engine calls urgent or an emergency should not be answered with self-care first,
    nor only. An answer about one of the hint's own warning signs at the hint's level moves to
    the front, the most serious sign first (an answer about another sign, however serious, is
    about something else); when there is none, the entry written as an answer for the first
    (most serious) sign leads, else that red flag itself. The lead takes the best answer's
    score (1.0 when nothing matched), so scores still read best first.
    """
    if hint is None or hint.level not in LEADING_HINT_LEVELS or not hint.red_flags or limit < 1:
        return answers
    score = answers[0].score if answers else 1.0
    order = {flag: n for n, flag in enumerate(hint.red_flags)}
    level = kb.red_flags[hint.red_flags[0]].level
    about = [
        (order[sign], n, a)
        for n, a in enumerate(answers)
        if (sign := sign_of(a.id, kb)) in order and kb.red_flags[sign].level is level
    ]
    if about:
        lead = replace(min(about, key=lambda x: (x[0], x[1]))[2], score=score)
    else:
        flag_id = hint.red_flags[0]
        faqs = sorted(f.id for f in kb.faq.values() if f.warning_sign == flag_id)
        entry = kb.faq[faqs[0]] if faqs else kb.red_flags[flag_id]
        lead = _answer(entry, Kind.FAQ if faqs else Kind.RED_FLAG, score)
    return [lead, *(a for a in answers if a.id != lead.id)][:limit]


def _about(question: str, entry_id: str, kb: KnowledgeBase) -> bool:
    """Whether what the question affirms, in its own specific words, is what the entry is about
    (its title or questions) and still finds it first: "no chest pain, no breathlessness, just
    heavy legs" is not about the entry on breathlessness with a swollen leg, however well the
    words match."""
    index, vocab = index_for(kb), vocabulary()
    speller = speller_for(index, vocab)
    affirmed = affirmed_text(question, speller.correct)
    terms = search_terms(affirmed, vocab, stemmer(), speller)
    specific = tuple(t for t in terms.primary if not set(t) <= vocab.topic_words)
    if not specific or not index.in_heading(entry_id, match_expression(specific)):
        return False
    best = find_answers(affirmed, index, vocab, 1)  # still the best once denied words are gone
    return bool(best) and best[0].id == entry_id


def ask(question: str, kb: KnowledgeBase | None = None, limit: int = MAX_ANSWERS) -> AskResult:
    """Answer ``question`` from the knowledge base: at most ``limit`` (≤ 5) entries, best first,
    and the triage hint when the question describes a warning sign.

    Raises :class:`QuestionError` for an empty or over-long question.
    """
    text = check_question(question)
    kb = kb if kb is not None else load_knowledge()
    limit = max(0, min(limit, MAX_ANSWERS))
    answers = find_answers(text, index_for(kb), vocabulary(), limit)
    correct = speller_for(index_for(kb), vocabulary()).correct
    hint = triage_hint(text, kb, correct=correct)
    if hint is None:  # a paraphrase the phrase table misses: what is the best answer about?
        best = answers or find_answers(text, index_for(kb), vocabulary(), 2)
        hint = hint_from_answers([(a.id, a.score) for a in best], kb)
        # A warning sign speaks for the question only when the question's own words are what
        # the entry is about (its title or questions): "does not always show" in a clot
        # entry's text made "why are my legs always heavy" a same-day clot warning.
        if hint is not None and not _about(text, best[0].id, kb):
            hint = None
        # Whether the question explains that sign away is asked only of a sign it would show
        # (most questions have none): it reads the question through the patterns again.
        if hint is not None and hint.red_flags[0] in excused_flags(text, kb, correct=correct):
            hint = None
    answers = lead_with_warning_sign(answers, hint, kb, limit)
    return AskResult(question=text, answers=tuple(answers), triage_hint=hint)
