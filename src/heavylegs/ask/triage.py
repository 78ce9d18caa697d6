"""Triage hint: does the question describe a warning sign? Ask the real engine.

The question's words are mapped to a partial assessment input by the patterns in
``triage_patterns.yaml`` (data, validated at load), and :func:`heavylegs.assessment.engine.assess`
decides the level. The hint therefore never disagrees with ``heavylegs assess``: it is the
engine's level and headline for what the question says.

When a hint is given: the level is ``emergency`` or ``urgent``, or it is ``routine`` because a
routine warning sign fired (for example calf pain on walking that stops with rest). A question
that maps to nothing, or only to self-care, gets no hint.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from heavylegs.ask.text import Phrase, PhraseIndex, phrase, stated_age, stated_gestation, words
from heavylegs.assessment.answers import SECTIONS, Answers
from heavylegs.assessment.engine import assess
from heavylegs.knowledge import KnowledgeBase, Urgency

PATTERNS_FILE = Path(__file__).with_name("triage_patterns.yaml")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The C loader when libyaml is there (ten times faster at start-up), else the Python one."""
ONE_SIDE = "one_side"
"""Pattern value for ``symptoms.legs``: the side the question names, left when it names none."""
NEGATORS = frozenset(
    [
        "no",
        "not",
        "without",
        "never",
        "nor",
        "dont",
        "doesnt",
        "didnt",
        "isnt",
        "arent",
        "wasnt",
        "werent",
        "havent",
        "hasnt",
        "hadnt",
        "wont",
        "neither",
        "none",
    ]
)
NEGATION_WINDOW = 3
_CLAUSE_BREAK = re.compile(r"[.,;:!?\n()]|\bbut\b", re.IGNORECASE)
Correct = Callable[[list[str]], list[str]]
"""Reads a question's words with misspellings put right, one word for one word."""
HINT_LEVELS = (Urgency.EMERGENCY, Urgency.URGENT, Urgency.ROUTINE)
MIN_AGE, MAX_AGE = 12, 110
"""The ages the assessment input accepts; a stated age outside them ("my 5 year old") is unused."""


class PatternError(ValueError):
    """``triage_patterns.yaml`` is malformed; the message names the pattern and field."""


@dataclass(frozen=True, slots=True)
class Pattern:
    id: str
    any: tuple[Phrase, ...]
    all: tuple[tuple[Phrase, ...], ...]
    unless: tuple[Phrase, ...]
    set: dict[str, Any] = field(hash=False)


@dataclass(frozen=True, slots=True)
class TriageHint:
    """The engine's verdict on what the question describes."""

    level: Urgency
    message: str
    red_flags: tuple[str, ...]
    matched: tuple[str, ...]
    """Pattern ids that produced the input (for tests and debugging, not shown to people)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level.value,
            "message": self.message,
            "red_flags": list(self.red_flags),
        }


class _Question:
    """Which phrases a question contains, and which of them are not negated in their clause."""

    def __init__(self, text: str, index: PhraseIndex, correct: Correct | None = None) -> None:
        self.words: list[str] = []
        self.clause: list[int] = []
        parts = _CLAUSE_BREAK.split(text)
        for n, part in enumerate(parts):
            ws = words(part)
            self.words.extend(ws)
            self.clause.extend([n] * len(ws))
        if stated_gestation(text) is not None and "pregnant" not in self.words:
            # "I'm 36 weeks" says "pregnant" in other words: a clause of its own, never negated.
            self.words.append("pregnant")
            self.clause.append(len(parts))
        if correct is not None:  # word for word: the clause of each word stays the same
            self.words = correct(self.words)
        found = index.occurrences(self.words)
        self.present = frozenset(found)
        self.affirmed = frozenset(
            p for p, starts in found.items() if any(not self._negated(i) for i in starts)
        )

    def negated_at(self, start: int) -> bool:
        """Whether a negator comes up to ``NEGATION_WINDOW`` words before, in the same clause."""
        return self._negated(start)

    def _negated(self, start: int) -> bool:
        for i in range(max(0, start - NEGATION_WINDOW), start):
            if self.clause[i] == self.clause[start] and self.words[i] in NEGATORS:
                return True
        return False


AFFIRMED_FINE = frozenset(["fine", "ok", "okay", "alright"])
"""Words that deny what comes just before them ("I can catch my breath fine")."""


def affirmed_text(question: str, correct: Correct | None = None) -> str:
    """The question's words that no "no", "not" or "without" before them, nor a "fine" just after
    them, denies in their clause ("no chest pain, just heavy legs" -> "just heavy legs"; "I can
    catch my breath fine" -> "I"), misspellings put right."""
    q = _Question(question, PhraseIndex(()), correct)
    kept = []
    for i, w in enumerate(q.words):
        after = range(i + 1, min(len(q.words), i + 1 + NEGATION_WINDOW))
        fine = any(q.clause[k] == q.clause[i] and q.words[k] in AFFIRMED_FINE for k in after)
        if w not in NEGATORS and w not in AFFIRMED_FINE and not fine and not q.negated_at(i):
            kept.append(w)
    return " ".join(kept)


def _matches(pattern: Pattern, q: _Question) -> bool:
    if not q.present.isdisjoint(pattern.unless):
        return False
    if pattern.any and q.affirmed.isdisjoint(pattern.any):
        return False
    return all(not q.affirmed.isdisjoint(group) for group in pattern.all)


def _side(q: _Question) -> str:
    return "right" if "right" in q.words and "left" not in q.words else "left"


@cache
def _phrase_index(patterns: tuple[Pattern, ...]) -> PhraseIndex:
    return PhraseIndex(
        p for pat in patterns for p in (*pat.any, *pat.unless, *(x for g in pat.all for x in g))
    )


def build_answers(
    question: str, patterns: tuple[Pattern, ...], correct: Correct | None = None
) -> tuple[Answers, list[str]] | None:
    """The partial assessment input a question describes, and the ids of the patterns used;
    ``None`` when no pattern applies. A stated age ("my dad is 80") is the person's age.
    ``correct`` reads misspelt words (see ``ask.spelling``)."""
    q = _Question(question, _phrase_index(patterns), correct)
    matched = [p for p in patterns if _matches(p, q)]
    if not matched:
        return None
    data: dict[str, dict[str, Any]] = {"symptoms": {"legs": "both"}}
    for pattern in matched:
        for path, value in pattern.set.items():
            section, name = path.split(".", 1)
            target = data.setdefault(section, {})
            if isinstance(value, list):
                merged = list(target.get(name, []))
                merged.extend(v for v in value if v not in merged)
                target[name] = merged
            elif path == "symptoms.legs" and value == ONE_SIDE:
                target[name] = _side(q)
            else:
                target[name] = value
    age = stated_age(question)
    if age is not None and MIN_AGE <= age <= MAX_AGE:  # rules that depend on it (a fever at 75+)
        data.setdefault("about", {}).setdefault("age", age)
    return Answers.model_validate({"schema_version": 1, **data}), [p.id for p in matched]


def triage_hint(
    question: str,
    kb: KnowledgeBase,
    patterns: tuple[Pattern, ...] | None = None,
    correct: Correct | None = None,
) -> TriageHint | None:
    """The engine's triage for what ``question`` describes, when it is worth showing."""
    chosen = patterns if patterns is not None else triage_patterns()
    built = build_answers(question, chosen, correct)
    if built is None:
        return None
    answers, matched = built
    triage = assess(answers, kb).triage
    if triage.level not in HINT_LEVELS or not triage.reasons:
        return None
    return TriageHint(
        level=triage.level,
        message=triage.headline,
        red_flags=tuple(r.id for r in triage.reasons),
        matched=tuple(matched),
    )


CLEAR_LEAD = 1.5
"""The best answer speaks alone for a hint when it scores this many times the next one."""


def sign_of(entry_id: str, kb: KnowledgeBase) -> str | None:
    """The red flag an entry is about: itself, or an FAQ's ``warning_sign``; else ``None``."""
    if entry_id in kb.red_flags:
        return entry_id
    faq = kb.faq.get(entry_id)
    return None if faq is None else faq.warning_sign


def excused_flags(
    question: str,
    kb: KnowledgeBase,
    patterns: tuple[Pattern, ...] | None = None,
    correct: Correct | None = None,
) -> frozenset[str]:
    """The warning signs the question describes in full but explains away.

    A pattern with two or more ``all`` groups is a description of a sign ("cold" + "white" +
    "painful" + "toes"); its ``unless`` list names the contexts that make it something else
    ("when it's cold", "raynauds"). When every group matches and only such a context stops the
    pattern, the red flags its answers alone would raise are excused: the answer-derived hint
    must not bring them back (white fingers and toes in the cold are not a blocked artery). A
    single keyword stopped by its ``unless`` ("had a DVT before") excuses nothing: the words
    around it may still describe the sign in ways the table misses.
    """
    chosen = patterns if patterns is not None else triage_patterns()
    q = _Question(question, _phrase_index(chosen), correct)
    flags: set[str] = set()
    for pattern in chosen:
        if len(pattern.all) < 2 or q.present.isdisjoint(pattern.unless):
            continue
        if _matches(Pattern(pattern.id, pattern.any, pattern.all, (), pattern.set), q):
            flags.update(_pattern_flags(pattern, kb))
    return frozenset(flags)


def _pattern_flags(pattern: Pattern, kb: KnowledgeBase) -> tuple[str, ...]:
    """The red flags a pattern's answers raise on their own (one side when it sets one)."""
    built = build_answers("", (Pattern(pattern.id, (), (), (), pattern.set),))
    if built is None:  # no phrase at all: the pattern applies to the empty question
        return ()
    return tuple(r.id for r in assess(built[0], kb).triage.reasons)


def hint_from_answers(
    ranked: Sequence[tuple[str, float]],
    kb: KnowledgeBase,
    excused: frozenset[str] = frozenset(),
) -> TriageHint | None:
    """The warning sign the best answers are about, as a hint, when the phrase table found none.

    People describe the same warning sign in endless ways ("one of my legs looks bigger than the
    other"); the search already finds the entry about it. When the best answer is a red flag, or
    a question-and-answer entry marked with the ``warning_sign`` it describes, and it either
    clearly leads (``CLEAR_LEAD``) or the runner-up is about the same sign, the hint is that
    flag's own level and headline — what the engine says when that warning sign fires. A word
    that merely occurs in a warning sign's text ("blisters") does not make a hint, nor does a
    sign the question explains away (``excused``, see :func:`excused_flags`).
    """
    if not ranked:
        return None
    best, score = ranked[0]
    flag_id = sign_of(best, kb)
    if flag_id is None or flag_id in excused:
        return None
    if len(ranked) > 1:
        runner_up, second = ranked[1]
        if score < CLEAR_LEAD * second and sign_of(runner_up, kb) != flag_id:
            return None
    flag = kb.red_flags[flag_id]
    if flag.level not in HINT_LEVELS:
        return None
    return TriageHint(
        level=flag.level,
        message=flag.headline,
        red_flags=(flag.id,),
        matched=(f"answer:{best}",),
    )


# --- loading and validating the pattern file ----------------------------------------------------


def _phrases(raw: Any, where: str) -> tuple[Phrase, ...]:
    if not isinstance(raw, list) or not raw:
        raise PatternError(f"{where}: must be a non-empty list of phrases")
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, str | int) or isinstance(item, bool):
            raise PatternError(f"{where}[{i}]: must be text, got {item!r}")
        p = phrase(str(item))
        if not p:
            raise PatternError(f"{where}[{i}]: {item!r} has no words")
        out.append(p)
    return tuple(out)


def _check_set(values: Any, where: str) -> dict[str, Any]:
    if not isinstance(values, dict) or not values:
        raise PatternError(f"{where}: must map at least one section.field to a value")
    data: dict[str, dict[str, Any]] = {"symptoms": {"legs": "both"}}
    for path, value in values.items():
        section, _, name = str(path).partition(".")
        model = SECTIONS.get(section)
        if model is None or name not in model.model_fields:
            raise PatternError(f"{where}: {path!r} is not an assessment input field")
        if path == "symptoms.legs" and value == ONE_SIDE:
            value = "left"
        data.setdefault(section, {})[name] = value
    try:
        Answers.model_validate({"schema_version": 1, **data})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise PatternError(f"{where}: {problems}") from None
    return dict(values)


def parse_patterns(raw: Any, where: str = "triage_patterns.yaml") -> tuple[Pattern, ...]:
    """Validate the parsed YAML; raise :class:`PatternError` on the first problem."""
    if (
        not isinstance(raw, dict)
        or set(raw) != {"patterns"}
        or not isinstance(raw["patterns"], list)
    ):
        raise PatternError(f"{where}: must be a mapping with one key, 'patterns' (a list)")
    out: list[Pattern] = []
    seen: set[str] = set()
    for i, item in enumerate(raw["patterns"]):
        label = f"{where}: patterns[{i}]"
        if not isinstance(item, dict):
            raise PatternError(f"{label}: must be a mapping")
        unknown = set(item) - {"id", "any", "all", "unless", "set"}
        if unknown:
            raise PatternError(f"{label}: unknown keys {sorted(unknown)}")
        pid = item.get("id")
        if not isinstance(pid, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", pid):
            raise PatternError(f"{label}: id must be a snake_case name")
        if pid in seen:
            raise PatternError(f"{label}: duplicate id {pid!r}")
        seen.add(pid)
        label = f"{where}: {pid}"
        if "any" not in item and "all" not in item:
            raise PatternError(f"{label}: needs 'any' or 'all'")
        all_raw = item.get("all", [])
        if not isinstance(all_raw, list):
            raise PatternError(f"{label}.all: must be a list of phrase lists")
        out.append(
            Pattern(
                id=pid,
                any=_phrases(item["any"], f"{label}.any") if "any" in item else (),
                all=tuple(_phrases(g, f"{label}.all[{k}]") for k, g in enumerate(all_raw)),
                unless=_phrases(item["unless"], f"{label}.unless") if "unless" in item else (),
                set=_check_set(item.get("set"), f"{label}.set"),
            )
        )
    return tuple(out)


def load_patterns(path: Path = PATTERNS_FILE) -> tuple[Pattern, ...]:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise PatternError(f"{path.name}: not valid YAML: {exc}") from exc
    return parse_patterns(raw, path.name)


@cache
def triage_patterns() -> tuple[Pattern, ...]:
    """The packaged patterns, loaded once per process."""
    return load_patterns()


def pattern_words(patterns: tuple[Pattern, ...]) -> frozenset[str]:
    """Every word the patterns look for (a ``*`` word as its prefix with the star), and the
    negators: a spelling corrector must never turn one of them into something else."""
    found = {
        w
        for pat in patterns
        for p in (*pat.any, *pat.unless, *(x for g in pat.all for x in g))
        for w in p
    }
    return frozenset(found | NEGATORS)
