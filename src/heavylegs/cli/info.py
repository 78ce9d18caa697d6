"""``heavylegs info``: where your data lives and how much of it there is.

It never creates a database: it only looks at the one the other commands would use.
"""

from __future__ import annotations

import shlex
from typing import Annotated, Any

import typer

from heavylegs.cli.output import (
    DbOption,
    console,
    guard,
    plural,
    print_json,
    resolve_db,
    sqlite_file,
)

COUNTED = {
    "assessments": ("assessment", "assessments"),
    "diary_entries": ("diary entry", "diary entries"),
    "measures_done": ("measure done", "measures done"),
    "guided_sessions": ("guided session", "guided sessions"),
    "activities": ("activity", "activities"),
}
"""Tables worth counting for a person, with their names in plain words."""


def info(
    json_output: Annotated[bool, typer.Option("--json", help="Print the facts as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Show the version, the data folder, the database (where, how big) and what it holds."""
    with guard():
        facts = gather(db)
    if json_output:
        print_json(facts)
        return
    out = console()
    out.print(f"heavylegs {facts['version']}", markup=False)
    out.print(f"data folder:  {facts['data_folder']}", markup=False, soft_wrap=True)
    out.print(f"database:     {facts['database']}", markup=False, soft_wrap=True)
    if facts["size_bytes"] is not None:
        out.print(f"size:         {_size(facts['size_bytes'])}", markup=False)
    if facts["mode"] is not None and not facts["private"]:
        out.print(
            f"access:       other users of this machine may read it (mode {facts['mode']});"
            f" to keep it to you: chmod 600 {shlex.quote(str(sqlite_file(facts['database'])))}",
            markup=False,
            soft_wrap=True,
        )
    if facts["counts"] is None:
        out.print("holds:        nothing yet (the first command that records something creates it)")
        return
    out.print("holds:")
    for name, n in facts["counts"].items():
        out.print(f"  {plural(n, *COUNTED[name])}", markup=False)
    out.print(f"  {'a profile' if facts['profile'] else 'no profile yet (heavylegs profile)'}")


def gather(db: str | None) -> dict[str, Any]:
    """The facts ``info`` shows, as plain data (also the ``--json`` document)."""
    from importlib.metadata import version

    import platformdirs

    from heavylegs.cli.output import open_db
    from heavylegs.cli.private_file import file_mode, is_private

    url, _ = resolve_db(db)
    path = sqlite_file(url)
    facts: dict[str, Any] = {
        "version": version("heavylegs"),
        "data_folder": platformdirs.user_data_dir("heavylegs"),
        "database": _hidden(url),
        "size_bytes": None,
        "mode": None,
        "private": None,
        "counts": None,
        "profile": False,
    }
    if path is not None:
        if not path.exists():
            return facts
        # A file named with --db is left as the person set it: here they see who may read it.
        mode = file_mode(path)
        if mode is not None:
            facts["mode"], facts["private"] = f"{mode:04o}", is_private(mode)
        facts["size_bytes"] = sum(
            p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists()
        )
    from heavylegs.store import Access
    from heavylegs.store.backup import row_counts

    with open_db(db) as store, store.session(Access.READ) as session:
        counts = row_counts(session)
    facts["counts"] = {name: counts.get(name, 0) for name in COUNTED}
    # The profile `heavylegs profile` shows: what was set there, or sex and age from answers.
    facts["profile"] = bool(counts.get("personal_profile") or counts.get("profile"))
    return facts


def _hidden(url: str) -> str:
    from sqlalchemy import make_url

    return make_url(url).render_as_string(hide_password=True)


def _size(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def register(app: typer.Typer) -> None:
    """Add ``info`` to ``app`` (called by ``heavylegs.cli.main``)."""
    app.command("info")(info)
