"""The interactive questionnaire in the terminal: one question at a time, skip logic, progress.

The questions and skip logic live in :mod:`heavylegs.assessment.questionnaire` (the web wizard uses
the same); this module only asks and parses. Warning signs are checked as soon as their section is
done, so an emergency is shown straight away rather than after sixty more questions.
"""

from __future__ import annotations

import math
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from heavylegs.assessment.questionnaire import (
    CHECK_AFTER,
    QUESTIONS,
    SECTIONS,
    Kind,
    Question,
    set_answer,
    should_ask,
    to_schema,
)

REQUIRED = {"symptoms.legs"}


class _Skip(Exception):
    """The person pressed Enter: leave the answer unknown."""


def parse_reply(question: Question, reply: str) -> Any:
    """Turn what was typed into a value, or raise ``ValueError`` with a message to show."""
    text = reply.strip().lower()
    if not text:
        raise _Skip
    if question.kind is Kind.YES_NO:
        if text in ("y", "yes", "j", "ja", "oui", "si", "1", "true"):
            return True
        if text in ("n", "no", "nein", "non", "0", "false"):
            return False
        raise ValueError("please answer y or n (or press Enter to skip)")
    if question.kind is Kind.CHOICE:
        return _choice(question, text)
    if question.kind is Kind.MULTI:
        if text in ("none", "-", "0"):
            return []
        picked: list[str] = []
        for part in text.replace(",", " ").split():
            value = _choice(question, part)
            if value not in picked:
                picked.append(value)
        return picked
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        raise ValueError("please type a number (or press Enter to skip)") from None
    if not math.isfinite(number):  # "nan" and "inf" parse as floats; the web refuses them too
        raise ValueError("please type a number (or press Enter to skip)")
    if question.kind is Kind.INTEGER:
        if number != int(number):
            raise ValueError("please type a whole number")
        number = int(number)
    low, high = question.minimum, question.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        raise ValueError(f"please type a number between {low:g} and {high:g}")
    return number


def _choice(question: Question, text: str) -> str:
    values = [v for v, _ in question.choices]
    if text.isdigit() and 1 <= int(text) <= len(values):
        return values[int(text) - 1]
    if text in values:
        return text
    raise ValueError(f"please type a number from 1 to {len(values)}")


def _prompt(question: Question) -> str:
    hint = {
        Kind.YES_NO: "y/n",
        Kind.CHOICE: "number",
        Kind.MULTI: "numbers separated by spaces, 'none'",
        Kind.INTEGER: "number",
        Kind.NUMBER: "number",
    }[question.kind]
    skip = "" if question.path in REQUIRED else ", Enter to skip"
    return f"[dim]({hint}{skip})[/dim] "


def interview(console: Console, prefill: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Ask the questions; return schema answers, or ``None`` if the person stopped (Ctrl-C).

    ``prefill`` holds answers already known (running figures from watch files, sex and age from
    the saved profile): those questions are not asked, and the running questions are asked
    only if something is missing.
    """

    answers: dict[str, Any] = {}
    known: dict[str, Any] = {}
    for section, part in (prefill or {}).items():
        for name, value in part.items():
            known[f"{section}.{name}"] = value
    if any(path.startswith("running.") for path in known):
        known["meta.runs"] = True
    console.print(
        Panel(
            "Answer what you can; press Enter to skip a question you are unsure about "
            "(skipped means 'unknown', never 'no'). Ctrl-C stops.\n"
            "heavylegs informs; it does not diagnose.",
            title="heavylegs assessment",
        )
    )
    total_sections = len(SECTIONS)
    current = ""
    try:
        for index, question in enumerate(QUESTIONS):
            if question.section != current:
                if current in CHECK_AFTER and not _continue_after_check(console, answers):
                    break
                current = question.section
                number = SECTIONS.index(current) + 1
                console.rule(f"[bold]{number}/{total_sections} · {current}")
            if question.path in known:
                set_answer(answers, question.path, known[question.path])
                if question.path != "meta.runs":
                    value = known[question.path]
                    number = isinstance(value, int | float) and not isinstance(value, bool)
                    shown = f"{value:g}" if number else str(value)
                    origin = "watch files" if question.path.startswith("running.") else "profile"
                    console.print(
                        Text(f"  {question.text} {shown} (from your {origin})", style="dim")
                    )
                continue
            if not should_ask(question, answers):
                continue
            done = round(100 * index / len(QUESTIONS))
            console.print(Text(f"[{done:3d}%] ", style="dim"), Text(question.text, style="bold"))
            for i, (_, label) in enumerate(question.choices, 1):
                console.print(f"   {i}. {label}")
            while True:
                reply = console.input(_prompt(question))
                try:
                    value = parse_reply(question, reply)
                except _Skip:
                    if question.path in REQUIRED:
                        console.print("[yellow]This one is needed.[/yellow]")
                        continue
                    value = None
                except ValueError as exc:
                    console.print(f"[yellow]{exc}[/yellow]")
                    continue
                break
            set_answer(answers, question.path, value)
    except (KeyboardInterrupt, EOFError):
        console.print("\n[yellow]Stopped — nothing was assessed.[/yellow]")
        return None
    return to_schema(answers)


def _continue_after_check(console: Console, answers: dict[str, Any]) -> bool:
    """Show an emergency at once; let the person skip the remaining questions."""
    from heavylegs.assessment.engine import assess
    from heavylegs.assessment.validation import AnswersError, parse_answers
    from heavylegs.cli.render import LEVEL_STYLE
    from heavylegs.knowledge import Urgency

    try:
        result = assess(parse_answers(to_schema(answers)))
    except AnswersError:
        return True
    if result.triage.level is not Urgency.EMERGENCY:
        return True
    style, label = LEVEL_STYLE[result.triage.level]
    console.print(
        Panel(Text(result.triage.headline, style="bold"), title=Text(f" {label} ", style=style))
    )
    reply = console.input("Continue with the remaining questions anyway? [dim](y/N)[/dim] ")
    return reply.strip().lower() in ("y", "yes")
