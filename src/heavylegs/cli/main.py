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
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

FACES = (
    "heavylegs.cli.ask",
    "heavylegs.cli.diary",
    "heavylegs.cli.training",
    "heavylegs.cli.web",
    "heavylegs.cli.info",
    "heavylegs.cli.profile",
    "heavylegs.cli.records",
    "heavylegs.cli.report",
)
"""Modules that add their own commands through ``register(app)`` (each a stage's face)."""


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"heavylegs {version('heavylegs')}")
        raise typer.Exit()


@app.callback()
def main(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="URL|FILE",
            help="Database for every command: a SQLite file path or a URL such as "
            "postgresql://user@host/heavylegs [default: $HEAVYLEGS_DB, else a SQLite file in "
            "your user data folder; see heavylegs info].",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and stop."
        ),
    ] = False,
) -> None:
    """Heavy legs? heavylegs checks for warning signs first, then explains likely causes and
    builds a safe plan. It informs; it does not diagnose."""
    from heavylegs.cli.output import choose_db

    choose_db(db)


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
            help="Database: a SQLite file path or a URL "
            "(default: a SQLite file in your user data folder; see heavylegs info).",
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
    entry_id: Annotated[
        str | None,
        typer.Argument(help="A cause, measure, red flag or FAQ id.", show_default=False),
    ] = None,
    list_ids: Annotated[
        bool,
        typer.Option("--list", help="List every cause, measure and warning sign with its id."),
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print the entry as JSON.")] = False,
) -> None:
    """Explain a cause, measure or warning sign from the knowledge base, with its sources."""
    from heavylegs.cli.knowledge import run_explain, run_list

    if list_ids or entry_id is None:
        raise typer.Exit(run_list(json_output=json_output, asked=list_ids))
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


def _summaries() -> None:
    """``-h`` lists each command with the first sentence of its help, whole (Click would cut it
    at 45 characters or at the dot of "e.g.")."""
    from heavylegs.cli.output import first_sentence

    apps = [app]
    while apps:
        current = apps.pop()
        for info in current.registered_commands:
            if info.short_help is None and info.callback is not None:
                info.short_help = first_sentence(info.help or info.callback.__doc__ or "")
        for group in current.registered_groups:
            sub = group.typer_instance
            if sub is not None:
                apps.append(sub)
                if group.short_help is None:
                    group.short_help = first_sentence(str(group.help or sub.info.help or ""))


_register_faces()
_summaries()


def run() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    run()
