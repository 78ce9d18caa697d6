"""Shared terminal output: one Rich console, and errors as one ``field: message`` line each."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from heavylegs.store import Store


@cache
def console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def error_lines(problems: list[str]) -> None:
    """Bad input: one line per problem on stderr (the caller exits 2, stdout stays empty)."""
    for problem in problems:
        sys.stderr.write(f"error: {problem}\n")


def open_db(db: str | None) -> Store:
    """Open (and migrate) the database for a command; use it as ``with open_db(db) as store``.

    SQLAlchemy is imported here, not at start-up, so commands without a database stay fast.
    """
    from heavylegs.store import open_store

    return open_store(db)


class Fail(Exception):
    """Stop a command: ``problems`` go to stderr, ``code`` is the exit code."""

    def __init__(self, problems: list[str], code: int = 2) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
        self.code = code


@contextmanager
def guard(codes: dict[type[Exception], int] | None = None) -> Iterator[None]:
    """Turn the stages' errors into exit codes with one line per problem on stderr.

    :class:`Fail` carries its own code; a database that cannot be opened exits 1; ``codes``
    adds a stage's own error types (each with a ``problems`` list) and their exit codes.
    """
    from heavylegs.store import StoreError

    extra = tuple(codes or {})
    try:
        yield
    except Fail as exc:
        error_lines(exc.problems)
        raise typer.Exit(exc.code) from None
    except StoreError as exc:
        error_lines([str(exc)])
        raise typer.Exit(1) from None
    except extra as exc:
        error_lines(list(getattr(exc, "problems", [str(exc)])))
        raise typer.Exit((codes or {})[type(exc)]) from None
