"""``heavylegs ask "QUESTION"``: answers from the knowledge base, with sources.

A thin face over :mod:`heavylegs.ask`: parse the argument, call the stage, print. The stage is
imported inside the command so ``heavylegs --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from heavylegs.ask import AskResult
    from heavylegs.knowledge import KnowledgeBase


def register(app: typer.Typer) -> None:
    """Add the ``ask`` command to ``app``."""

    @app.command()
    def ask(
        question: Annotated[str, typer.Argument(help="Your question, in quotes.")],
        json_output: Annotated[
            bool, typer.Option("--json", help="Print the answers as JSON (the ask contract).")
        ] = False,
    ) -> None:
        """Ask a question about heavy legs: answers from our knowledge base, with sources."""
        raise typer.Exit(run_ask(question, json_output=json_output))


def run_ask(question: str, *, json_output: bool) -> int:
    """Exit code: 0 answered (possibly with no match), 2 unusable question (message on stderr)."""
    from heavylegs.ask import QuestionError, ask
    from heavylegs.cli.output import console, error_lines, print_json
    from heavylegs.knowledge import load_knowledge

    try:
        kb = load_knowledge()
        result = ask(question, kb)
    except QuestionError as exc:
        error_lines([f"question: {exc}"])
        return 2
    if json_output:
        print_json(result.to_json())
        return 0
    render_answers(console(), result, kb)
    return 0


def render_answers(console: Console, result: AskResult, kb: KnowledgeBase) -> None:
    """Triage hint banner first (never buried), then each answer with its sources."""
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from heavylegs.cli.render import LEVEL_STYLE

    hint = result.triage_hint
    if hint is not None:
        style, label = LEVEL_STYLE[hint.level]
        console.print(
            Panel(
                Text(hint.message, style="bold"),
                title=Text(f" {label} ", style=style),
                subtitle="if this describes you now",
                border_style="bold",
            )
        )
    if not result.answers:
        console.print(
            "No answer in the knowledge base matches that question. Try other words, "
            "or run [bold]heavylegs assess[/bold] for a full check."
        )
    for n, answer in enumerate(result.answers, start=1):
        console.print(
            Text.assemble((f"\n{n}. {answer.title}", "bold"), (f"  [{answer.id}]", "dim"))
        )
        console.print(answer.text)
        for text, _sources in answer.cautions:
            console.print(Text.assemble(("Caution: ", "bold yellow"), text))
        console.print(Text("Sources:", style="dim"))
        for source_id in answer.sources:
            source = kb.sources.get(source_id)
            if source is None:
                console.print(Text(f"  · {source_id}", style="dim"))
                continue
            # a hanging indent, and the link on its own line, folded rather than cut
            lines = f"{source.title} ({source.publisher})" + (
                f"\n{source.url}" if source.url else ""
            )
            bullet = Table.grid(padding=(0, 1, 0, 0))
            bullet.add_column(no_wrap=True)
            bullet.add_column(overflow="fold")
            bullet.add_row("  ·", Text(lines, style="dim"))
            console.print(bullet)
    console.print(Text(f"\n{kb.disclaimer}", style="italic dim"))
