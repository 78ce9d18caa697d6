"""Shared terminal output: one Rich console, and errors as one ``field: message`` line each."""

from __future__ import annotations

import sys
from functools import cache
from typing import TYPE_CHECKING

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
