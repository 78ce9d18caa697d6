"""The ``heavylegs`` command: a thin face over the stages. No domain logic lives here.

Only Typer is imported at start-up; every command imports what it needs inside its function so
``heavylegs --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

# Typer loads pydantic for its parameters, and pydantic then scans every installed package's
# entry points for plugins (~20 ms). heavylegs uses no pydantic plugin; say so before the import.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer
from typer import _click as click
from typer.core import TyperCommand, TyperGroup

from heavylegs.cli.output import DbOption


class _Commands(TyperGroup):
    """The top-level group. Typer builds every command's Click object up front, evaluating each
    parameter annotation (~2 ms a command); ``run`` registers builders instead, so a run builds
    only the command it runs and ``-h`` lists names and first sentences without building any."""

    builders: dict[str, Callable[[], click.Command]]
    summaries: dict[str, click.Command]
    listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.commands, *(name for name in self.builders if name not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.builders:
            if self.listing:
                return self.summaries[cmd_name]
            self.commands[cmd_name] = self.builders[cmd_name]()
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self.listing = False


_Commands.builders = {}
_Commands.summaries = {}


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
    cls=_Commands,
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
    "heavylegs.cli.users",
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
    db: DbOption = None,
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

    run_assess(
        answers,
        json_output=json_output,
        save=save,
        store=store,
        db=db,
        from_activities=from_activities,
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


def _lazy_group() -> _Commands:
    """What ``typer.main.get_command(app)`` returns, with each command built on first lookup."""
    from functools import partial

    from typer.main import (
        get_command_from_info,
        get_command_name,
        get_group_from_info,
        solve_typer_info_defaults,
    )

    builders: dict[str, Callable[[], click.Command]] = {}
    summaries: dict[str, click.Command] = {}
    short, markup = app.pretty_exceptions_short, app.rich_markup_mode
    for info in app.registered_commands:
        assert info.callback is not None
        name = info.name or get_command_name(info.callback.__name__)
        builders[name] = partial(
            get_command_from_info,
            command_info=info,
            pretty_exceptions_short=short,
            rich_markup_mode=markup,
        )
        summaries[name] = TyperCommand(
            name, short_help=info.short_help, hidden=info.hidden, deprecated=info.deprecated
        )
    for group in app.registered_groups:
        solved = solve_typer_info_defaults(group)
        assert solved.name is not None
        builders[solved.name] = partial(
            get_group_from_info,
            group,
            pretty_exceptions_short=short,
            rich_markup_mode=markup,
            suggest_commands=app.suggest_commands,
        )
        summaries[solved.name] = TyperCommand(
            solved.name,
            help=solved.help,
            short_help=solved.short_help,
            hidden=solved.hidden,
            deprecated=solved.deprecated,
        )
    # Typer reads the commands from the app: it sees none while it builds the group itself.
    registered = app.registered_commands, app.registered_groups
    app.registered_commands, app.registered_groups = [], []
    try:
        top = typer.main.get_command(app)
    finally:
        app.registered_commands, app.registered_groups = registered
    assert isinstance(top, _Commands)
    top.builders, top.summaries = builders, summaries
    return top


def run() -> None:
    """Console-script entry point (pretty exceptions are off, so Typer's ``app()`` adds nothing
    but building every command). Plain option values skip pydantic (:mod:`heavylegs.cli.params`)."""
    import gc

    from heavylegs.cli.params import speed_up

    speed_up()
    if sys.stdout is None:  # started with standard output closed (``>&-``)
        sys.stdout = _ClosedOutput()
    _buffer_stdout()
    _replace_what_cannot_be_encoded()
    if sys.stderr is None:  # closed (``2>&-``): messages have nowhere to go; the work still runs
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (for the process)
    if sys.stdin is None:  # closed (``<&-``): read as an empty input, which every reader handles
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 (open for the process)
    try:
        try:
            _lazy_group()()
        finally:
            sys.stdout.flush()  # a full disk or a closed pipe is said here, not at exit
    except BrokenPipeError:
        # The reader went away (``heavylegs ask … | head -2``): nothing to say to it.
        _drop_stdout()
        raise SystemExit(1) from None
    except OSError as exc:
        # Writing the output failed (``> /dev/full``, a disk that filled up): one line, as for
        # every other error, not a traceback.
        _drop_stdout()
        sys.stderr.write(f"error: cannot write the output: {exc.strerror or exc}\n")
        raise SystemExit(1) from None
    finally:
        # The command is done (its output written, its files and databases closed): spare the
        # exit the collector's passes over every object start-up made (modules, pydantic's and
        # Typer's classes), about a twentieth of ``assess``'s CPU time (issue 15). Objects
        # are still freed as the interpreter clears its modules.
        gc.freeze()


def _buffer_stdout() -> None:
    """Standard output through a buffer when ``PYTHONUNBUFFERED`` (or ``-u``, common in
    containers) left it raw. Why: a raw file's ``write`` may write part of what it is given and
    say so, and Python's text layer ignores that: ``export --out -`` into a pipe that closed, or
    onto a disk that filled, stopped short with exit 0 (a cut backup that looked whole). The
    buffer writes everything or raises, which :func:`run` words as one line. Lines still go out
    as they are written (line buffering; Rich flushes its own output)."""
    stream = sys.stdout
    if not isinstance(getattr(stream, "buffer", None), io.RawIOBase):
        return
    try:
        fd = stream.fileno()
    except (OSError, ValueError):
        return
    sys.stdout = open(  # noqa: SIM115 (the process's standard output from here on)
        fd,
        "w",
        encoding=stream.encoding,
        errors=stream.errors,
        buffering=1,  # line by line
        closefd=False,
    )


def _replace_what_cannot_be_encoded() -> None:
    """Text the output's encoding cannot write becomes ``?`` instead of a traceback. Why: on
    an output that is not UTF-8 (``PYTHONIOENCODING=ascii``, a Windows code page when
    redirected) a note with "café" failed ``log`` after the entry was kept, and ``diary``
    failed on its own separators. JSON is always written as UTF-8 (:func:`print_json`)."""
    from heavylegs.cli.output import writes_utf8

    for stream in (sys.stdout, sys.stderr):
        if not writes_utf8(stream) and isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors="replace")


class _ClosedOutput(io.TextIOBase):
    """Standard output when the command started without one: Python leaves ``sys.stdout``
    ``None``, and every command ended in a traceback (``'NoneType' object has no attribute
    'flush'``). Writing to this fails as writing to a closed file does, so the command does
    its work (``log`` keeps the entry) and then says, in one line, that it cannot show it."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def isatty(self) -> bool:
        return False

    @property
    def buffer(self) -> _ClosedOutput:
        return self  # ``export --out -`` writes bytes there: the same refusal


def _drop_stdout() -> None:
    """Point standard output at /dev/null so the interpreter's last flush does not fail again."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    run()
