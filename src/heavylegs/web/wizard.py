"""The assessment wizard's logic: one section per step, the CLI's skip logic, form parsing.

Everything here is plain Python (no FastAPI), so it is tested without a server.

Why it works this way:

* The questions, sections and skip logic come from :mod:`heavylegs.assessment.questionnaire`,
  the module the CLI interview uses. :func:`walk` replays the interview in question order, asking
  ``should_ask`` with only the answers given *before* each question, exactly as the terminal does;
  so the web asks the same questions for the same answers.
* The draft keeps every answer ever given, even for a question a later change hid (say "Do you
  run?" flipped to no and back to yes): only what :func:`walk` says is asked goes into the
  assessment, and flipping back restores the earlier answers instead of losing them.
* A step shows the questions of its section that are asked given the draft. When an answer on the
  step reveals a follow-up in the same section (swelling → "does it dent?"), the step is shown
  again with the new questions marked, so it also works without JavaScript; with htmx the
  follow-ups appear as soon as the answer changes.
* Leaving a question blank ("Don't know") means unknown, never "no", as in the CLI; a form's
  values are read by :mod:`heavylegs.assessment.replies`, the parser the CLI uses for what is
  typed, so both faces store the same value for the same answer. Only the wording of a refusal
  is the web's own.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from heavylegs.assessment.questionnaire import (
    CHECK_AFTER,
    QUESTIONS,
    SECTIONS,
    Kind,
    Question,
    gates_opened_by,
    set_answer,
    should_ask,
    to_schema,
)
from heavylegs.assessment.replies import NONE_OF_THESE as NONE_OF_THESE
from heavylegs.assessment.replies import Problem, ReplyError, bounds_text, parse_reply

STEP_COUNT = len(SECTIONS)
FINISH_EARLY_FROM = max(SECTIONS.index(name) for name in CHECK_AFTER) + 2
"""Steps from which "see my result now" is offered: only once every warning sign was asked (the
last section checked for an emergency is done)."""

FIRST_CHECK = min(SECTIONS.index(name) for name in CHECK_AFTER) + 1
"""From this step on the answers so far are assessed after each step: an emergency or a same-day
result stops the wizard (see :func:`heavylegs.web.pages_assess.post_step`)."""

Draft = dict[str, Any]


class FormLike(Protocol):
    """What a submitted form offers (Starlette's ``FormData`` has both)."""

    def get(self, key: str, /) -> Any: ...

    def getlist(self, key: str, /) -> list[Any]: ...


def section_of(step: int) -> str:
    return SECTIONS[step - 1]


def step_of(path: str) -> int | None:
    """The step that asks ``path`` (``symptoms.heaviness`` → 2), or ``None``."""
    for question in QUESTIONS:
        if question.path == path:
            return SECTIONS.index(question.section) + 1
    return None


def field_id(path: str) -> str:
    """An HTML id for a question's input (``symptoms.heaviness`` → ``q-symptoms-heaviness``)."""
    return "q-" + path.replace(".", "-").replace("_", "-")


def is_required(question: Question) -> bool:
    """Required by the input schema itself (today only ``symptoms.legs``), not by the web."""
    return question.required


def get_answer(draft: Mapping[str, Any], path: str) -> Any:
    section, _, name = path.partition(".")
    part = draft.get(section)
    return part.get(name) if isinstance(part, Mapping) else None


def walk(draft: Mapping[str, Any]) -> tuple[list[Question], Draft]:
    """Replay the CLI interview over ``draft``: the questions asked, and the answers they got."""
    so_far: Draft = {}
    asked: list[Question] = []
    for question in QUESTIONS:
        if not should_ask(question, so_far):
            continue
        asked.append(question)
        value = get_answer(draft, question.path)
        if value is not None:
            set_answer(so_far, question.path, copy.deepcopy(value))
    return asked, so_far


def visible(step: int, draft: Mapping[str, Any]) -> list[Question]:
    """The questions step ``step`` asks, given the draft."""
    section = section_of(step)
    return [q for q in walk(draft)[0] if q.section == section]


def schema_answers(draft: Mapping[str, Any]) -> dict[str, Any]:
    """The assessment input the draft amounts to (unvalidated: ``parse_answers`` checks it)."""
    return to_schema(walk(draft)[1])


def checks_after(step: int) -> bool:
    """Whether an emergency is looked for once this step is done (as the CLI does)."""
    return section_of(step) in CHECK_AFTER


# ----------------------------------------------------------------------------- form parsing


class _Unset:
    """The form did not carry this question at all (not even a "don't know")."""


UNSET = _Unset()


@dataclass(frozen=True)
class Parsed:
    value: Any
    error: str | None = None


def parse_field(question: Question, form: FormLike) -> Parsed | None:
    """The value the form gives ``question`` (``None``: unknown); ``None`` if not in the form."""
    name = question.path
    if question.kind is Kind.MULTI:
        if form.get(f"{name}.present") is None and not form.getlist(name):
            return None
        reply: str | list[str] = [str(v) for v in form.getlist(name)]
    else:
        raw = form.get(name)
        if raw is None:
            return None
        reply = str(raw)
    try:
        return Parsed(parse_reply(question, reply))
    except ReplyError as exc:
        return Parsed(UNSET, _message(question, exc.problem))


def _message(question: Question, problem: Problem) -> str:
    if problem is Problem.YES_OR_NO:
        return "choose yes, no or don't know"
    if problem is Problem.CHOICE:
        multi = question.kind is Kind.MULTI
        return "choose from the options shown" if multi else "choose one of the options shown"
    if problem is Problem.NONE_AND_SOME:
        return "choose 'None of these' or some of the options, not both"
    if problem is Problem.RANGE:
        return f"must be {bounds_text(question)}"
    whole = question.kind is Kind.INTEGER
    return f"must be {'a whole number' if whole else 'a number'} {bounds_text(question)}"


@dataclass
class StepResult:
    """What submitting one step did to the draft."""

    draft: Draft
    errors: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    revealed: list[str] = field(default_factory=list)


def apply_step(step: int, draft: Mapping[str, Any], form: FormLike) -> StepResult:
    """Apply the step's form to a copy of the draft.

    ``errors`` (path → message) for values that cannot be used: those keep their old value and
    the typed text is in ``raw`` to show again. ``revealed`` lists questions of this step that the
    new answers bring up and that the form did not show (the step must be shown again).
    """
    result = StepResult(copy.deepcopy(dict(draft)))
    shown = set(str(p) for p in form.getlist("shown"))
    section = section_of(step)
    for question in QUESTIONS:
        if question.section != section:
            continue
        parsed = parse_field(question, form)
        if parsed is None:
            continue
        if parsed.error is not None:
            result.errors[question.path] = parsed.error
            result.raw[question.path] = (
                form.getlist(question.path)
                if question.kind is Kind.MULTI
                else form.get(question.path)
            )
            continue
        set_answer(result.draft, question.path, parsed.value)
    for question in visible(step, result.draft):
        if shown and question.path not in shown:
            result.revealed.append(question.path)
        elif (
            is_required(question)
            and get_answer(result.draft, question.path) is None
            and question.path not in result.errors
        ):
            result.errors[question.path] = "this one is needed to assess your legs"
    return result


def preview(step: int, draft: Mapping[str, Any], form: FormLike) -> tuple[Draft, dict[str, Any]]:
    """The draft as the form would leave it, plus the raw values, without reporting errors.

    Used to redraw a step as answers change (htmx), keeping what was typed as it was.
    """
    result = apply_step(step, draft, form)
    raw = dict(result.raw)
    for question in QUESTIONS:
        if question.section == section_of(step) and question.kind in (Kind.INTEGER, Kind.NUMBER):
            value = form.get(question.path)
            if value is not None:
                raw[question.path] = value
    return result.draft, raw


def problems_by_step(problems: Iterable[str]) -> dict[int, dict[str, str]]:
    """``parse_answers`` problems ("path: message") grouped by the step that asks the field."""
    grouped: dict[int, dict[str, str]] = {}
    for line in problems:
        path, _, message = line.partition(": ")
        step = step_of(path) or step_of(path.split("[")[0]) or 1
        grouped.setdefault(step, {})[path] = message
    return grouped


def answered_count(draft: Mapping[str, Any]) -> int:
    """How many asked questions have an answer (shown on the progress line)."""
    asked, answers = walk(draft)
    return sum(1 for q in asked if get_answer(answers, q.path) is not None)


def prefill(profile: Mapping[str, Mapping[str, Any]]) -> Draft:
    """A new draft from the stored profile (about, history, lifestyle, running).

    A profile with running answers means the person runs, so the gate question is answered too.
    """
    draft: Draft = {}
    for section, fields in profile.items():
        for name, value in fields.items():
            if value is not None:
                set_answer(draft, f"{section}.{name}", copy.deepcopy(value))
    known = [f"{section}.{name}" for section, fields in profile.items() for name in fields]
    for gate in gates_opened_by(known):
        set_answer(draft, gate, True)
    return draft
