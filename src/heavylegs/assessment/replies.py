"""One reply parser for both faces: what a person typed in the terminal or sent from a form.

Both faces get the same values for the same reply, so an interview and the wizard give the engine
the same answers. Each face only words the :class:`Problem` for its medium ("type y or n" in the
terminal, "choose yes, no or don't know" on a page).

Rules:

* Blank means unknown (``None``), never "no"; so does a list with nothing chosen.
* Yes/no: ``y``/``yes``/``n``/``no`` (and ``1``/``0``, ``true``/``false``, and the German, French,
  Spanish and Italian words), any case.
* A choice: its number in the list shown (from 1) or its value.
* A list: numbers or values separated by spaces or commas (a form sends a value per checkbox),
  repeats dropped; ``none``, ``-``, ``0`` or the form's :data:`NONE_OF_THESE` alone means "none of
  these" (an empty list), together with a choice it is refused.
* A number: a decimal comma is read as a point; ``nan`` and ``inf`` are refused (they parse as
  floats but are no answer); a whole-number field refuses a fraction; bounds from the input model.
  Numbers keep :data:`DECIMALS` decimals and a whole number is stored as an integer. Why: no answer
  in the schema (litres, hours, km, kg, BMI, beats) means anything beyond hundredths, and every
  bound is below 10,000, so a stored value has at most six significant digits and shows back
  exactly where it is displayed with ``%g`` (the wizard's number boxes, the interview's pre-filled
  lines) instead of being silently rounded by the display and changed when the form is sent again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from heavylegs.assessment.questionnaire import Kind, Question

YES = frozenset({"y", "yes", "j", "ja", "oui", "si", "1", "true"})
NO = frozenset({"n", "no", "nein", "non", "0", "false"})
NONE_OF_THESE = "__none__"
"""The form's checkbox that says "none of these" (an empty list) as opposed to "not answered"."""
NONE_WORDS = frozenset({"none", "-", "0", NONE_OF_THESE})
DECIMALS = 2


class Problem(StrEnum):
    """Why a reply cannot be used (each face words it)."""

    YES_OR_NO = "yes_or_no"
    CHOICE = "choice"
    NONE_AND_SOME = "none_and_some"
    NUMBER = "number"
    WHOLE_NUMBER = "whole_number"
    RANGE = "range"


class ReplyError(ValueError):
    """A reply that cannot be used for ``question``."""

    def __init__(self, question: Question, problem: Problem) -> None:
        super().__init__(f"{question.path}: {problem.value}")
        self.question = question
        self.problem = problem


def parse_reply(question: Question, reply: str | Sequence[str]) -> Any:
    """The value ``reply`` gives ``question`` (``None``: unknown); raises :class:`ReplyError`.

    ``reply`` is the typed text, or for a list question the form's values.
    """
    if question.kind is Kind.MULTI:
        texts = [reply] if isinstance(reply, str) else reply
        items = [part for text in texts for part in text.lower().replace(",", " ").split()]
        return _choices(question, items)
    text = (reply if isinstance(reply, str) else " ".join(reply)).strip().lower()
    if not text:
        return None
    if question.kind is Kind.YES_NO:
        if text in YES:
            return True
        if text in NO:
            return False
        raise ReplyError(question, Problem.YES_OR_NO)
    if question.kind is Kind.CHOICE:
        return _choice(question, text)
    return _number(question, text)


def _choice(question: Question, text: str) -> str:
    values = [value for value, _ in question.choices]
    if text.isdigit() and 1 <= int(text) <= len(values):
        return values[int(text) - 1]
    if text in values:
        return text
    raise ReplyError(question, Problem.CHOICE)


def _choices(question: Question, items: list[str]) -> list[str] | None:
    if not items:
        return None
    nothing = [item for item in items if item in NONE_WORDS]
    if nothing:
        if len(nothing) != len(items):
            raise ReplyError(question, Problem.NONE_AND_SOME)
        return []
    return list(dict.fromkeys(_choice(question, item) for item in items))


def _number(question: Question, text: str) -> int | float:
    try:
        number = float(text.replace(",", ".").replace(" ", ""))
    except ValueError:
        raise ReplyError(question, Problem.NUMBER) from None
    if not math.isfinite(number):
        raise ReplyError(question, Problem.NUMBER)
    if question.kind is Kind.INTEGER and not number.is_integer():
        raise ReplyError(question, Problem.WHOLE_NUMBER)
    low, high = question.minimum, question.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        raise ReplyError(question, Problem.RANGE)
    number = round(number, DECIMALS)
    return int(number) if number.is_integer() else number


def bounds_text(question: Question) -> str:
    """``between 0 and 10`` (every number question has bounds from the input model)."""
    return f"between {question.minimum:g} and {question.maximum:g}"
