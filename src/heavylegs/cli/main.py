"""The ``heavylegs`` command: a thin face over the stages. No domain logic lives here.

Only Typer is imported at start-up; every command imports what it needs inside its function so
``heavylegs --help`` stays fast.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Annotated

# Typer loads pydantic for its parameters, and pydantic then scans every installed package's
# entry points for plugins (~20 ms). heavylegs uses no pydantic plugin; say so before the import.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer

app = typer.Typer(
    name="heavylegs",
    help=(
        "Heavy legs? heavylegs checks for warning signs first, then explains likely causes and "
        "builds a safe plan. It informs; it does not diagnose."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

FACES = (
    "heavylegs.cli.ask",
    "heavylegs.cli.diary",
    "heavylegs.cli.training",
    "heavylegs.cli.web",
    "heavylegs.cli.report",
)
"""Modules that add their own commands through ``register(app)`` (each a stage's face)."""


@app.command()
def assess(
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers",
            "-a",
            help="Answers JSON file (see the input schema); '-' reads standard input. "
            "Without it, heavylegs asks the questions.",
            show_default=False,
        ),
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the result as JSON (the output contract).")
    ] = False,
    save: Annotated[
        Path | None,
        typer.Option("--save", help="Save the answers you give interactively to this file."),
    ] = None,
    store: Annotated[
        bool,
        typer.Option(
            "--store/--no-store",
            help="Keep the answers and result in your local database, for the diary, "
            "guided sessions and reports.",
        ),
    ] = True,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="HEAVYLEGS_DB",
            help="Database URL (default: a SQLite file in your user data folder).",
            show_default=False,
        ),
    ] = None,
    from_activities: Annotated[
        bool,
        typer.Option(
            "--from-activities",
            help="Fill the running questions (weekly km, last hard session, cadence) from "
            "imported watch files; only what the data cannot know is asked.",
        ),
    ] = False,
) -> None:
    """Assess heavy legs: warning signs first, then likely causes and a safe plan."""
    from heavylegs.cli.assess import run_assess

    raise typer.Exit(
        run_assess(
            answers,
            json_output=json_output,
            save=save,
            store=store,
            db=db,
            from_activities=from_activities,
        )
    )


@app.command()
def explain(
    entry_id: Annotated[str, typer.Argument(help="A cause, measure, red flag or FAQ id.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print the entry as JSON.")] = False,
) -> None:
    """Explain a cause, measure or warning sign from the knowledge base, with its sources."""
    from heavylegs.cli.knowledge import run_explain

    raise typer.Exit(run_explain(entry_id, json_output=json_output))


@app.command()
def sources(
    json_output: Annotated[bool, typer.Option("--json", help="Print the sources as JSON.")] = False,
) -> None:
    """List every source the knowledge base cites (guidelines, reviews, the seed articles)."""
    from heavylegs.cli.knowledge import run_sources

    raise typer.Exit(run_sources(json_output=json_output))


def _register_faces() -> None:
    for name in FACES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(app)


_register_faces()


def run() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    run()
