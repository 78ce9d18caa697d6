"""The interactive questionnaire in the terminal: one question at a time, skip logic, progress.

The questions and skip logic live in :mod:`heavylegs.assessment.questionnaire` and replies are
read by :mod:`heavylegs.assessment.replies` (the web wizard uses both); this module only asks and
words what was wrong with a reply. Warning signs are checked as soon as their section is done, so
an emergency is shown straight away rather than after sixty more questions.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from heavylegs.assessment.questionnaire import (
    CHECK_AFTER,
    GATES,
    QUESTIONS,
    SECTIONS,
    Kind,
    Question,
    gates_opened_by,
    set_answer,
    should_ask,
    to_schema,
)
from heavylegs.assessment.replies import Problem, ReplyError, bounds_text
from heavylegs.assessment.replies import parse_reply as read_reply

REQUIRED = {q.path for q in QUESTIONS if q.required}


def parse_reply(question: Question, reply: str) -> Any:
    """What was typed as a value (``None``: skipped), or ``ValueError`` with a message to show."""
    try:
        return read_reply(question, reply)
    except ReplyError as exc:
        raise ValueError(_message(question, exc.problem)) from None


def _message(question: Question, problem: Problem) -> str:
    if problem is Problem.YES_OR_NO:
        return "please answer y or n (or press Enter to skip)"
    if problem is Problem.CHOICE:
        return f"please type a number from 1 to {len(question.choices)}"
    if problem is Problem.NONE_AND_SOME:
        return "please type 'none' or the numbers of your choices, not both"
    if problem is Problem.WHOLE_NUMBER:
        return "please type a whole number"
    if problem is Problem.RANGE:
        return f"please type a number {bounds_text(question)}"
    return "please type a number (or press Enter to skip)"


def _prompt(question: Question) -> str:
    hint = {
        Kind.YES_NO: "y/n",
        Kind.CHOICE: "number",
        Kind.MULTI: "numbers separated by spaces, 'none'",
        Kind.INTEGER: "number",
        Kind.NUMBER: "number",
    }[question.kind]
    skip = "" if question.required else ", Enter to skip"
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
    for gate in gates_opened_by(known):
        known[gate] = True
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
                if question.path not in GATES:
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
                except ValueError as exc:
                    console.print(f"[yellow]{exc}[/yellow]")
                    continue
                if value is None and question.required:
                    console.print("[yellow]This one is needed.[/yellow]")
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
