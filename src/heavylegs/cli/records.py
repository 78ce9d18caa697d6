"""``heavylegs edit`` and ``heavylegs delete``: correct or remove a diary entry, a measure done
or an activity. A thin face over ``diary.edits`` and ``training.repository``.

Exit codes: 0 done, 1 no such record or the database cannot do it, 2 bad input. ``delete`` asks
first in a terminal; ``--yes`` skips the question (and is needed without a terminal).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from heavylegs.cli.output import DbOption, Fail, console, guard, now, open_db
from heavylegs.safejson import INT64_MAX

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from heavylegs.store.undo import Snapshot

edit_app = typer.Typer(
    help="Correct a diary entry, a measure done or an activity.", no_args_is_help=True
)
delete_app = typer.Typer(
    help="Remove a diary entry, a measure done or an activity.", no_args_is_help=True
)

Db = DbOption
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before deleting.")]
Clear = Annotated[
    list[str] | None,
    typer.Option(
        "--clear", metavar="FIELD", help="Forget a value, e.g. --clear note.", show_default=False
    ),
]
Part = Annotated[
    str | None,
    typer.Option(
        "--part",
        metavar="morning|evening",
        help="Which entry of that day [default: the only one].",
        show_default=False,
    ),
]


def _today() -> dt.date:
    return now().astimezone().date()


@contextmanager
def _guard() -> Iterator[None]:
    """The shared guard (bad input exits 2); no such row exits 1, saying where the ids are."""
    from heavylegs.diary.edits import NotFound

    with guard():
        try:
            yield
        except NotFound as exc:
            raise Fail([f"{p} (see heavylegs diary --ids)" for p in exc.problems], 1) from None


def _entry_id(session: Any, which: str, part: str | None) -> int:
    """``which`` is an entry id or a date (with ``--part`` when the day has both entries)."""
    from heavylegs.diary.edits import entry_by_day

    if which.isdigit():
        return int(which)
    try:
        day = dt.date.fromisoformat(which)
    except ValueError:
        raise Fail([f"ENTRY: an entry id or a date YYYY-MM-DD (got {which!r})"]) from None
    parts = [part] if part else ["morning", "evening"]
    found = [(p, entry_by_day(session, day, p)) for p in parts]
    ids = [(p, i) for p, i in found if i is not None]
    if not ids:
        raise Fail([f"ENTRY: no {part or ''} diary entry on {which}".replace("  ", " ")], 1)
    if len(ids) > 1:
        raise Fail([f"--part: {which} has a morning and an evening entry; say which"])
    return ids[0][1]


@edit_app.command("entry")
def edit_entry(
    entry: Annotated[str, typer.Argument(metavar="ENTRY", help="Entry id or date YYYY-MM-DD.")],
    part: Part = None,
    new_date: Annotated[
        str | None,
        typer.Option(
            "--new-date", metavar="YYYY-MM-DD", help="Move it to another day.", show_default=False
        ),
    ] = None,
    new_part: Annotated[
        str | None, typer.Option("--new-part", metavar="morning|evening", show_default=False)
    ] = None,
    heaviness: Annotated[str | None, typer.Option(metavar="0-10", show_default=False)] = None,
    ankle_left_cm: Annotated[str | None, typer.Option(metavar="CM", show_default=False)] = None,
    ankle_right_cm: Annotated[str | None, typer.Option(metavar="CM", show_default=False)] = None,
    swelling: Annotated[
        str | None, typer.Option(metavar="none|both|left|right", show_default=False)
    ] = None,
    sock_marks: Annotated[
        bool | None, typer.Option("--sock-marks/--no-sock-marks", show_default=False)
    ] = None,
    cramps: Annotated[str | None, typer.Option(metavar="N", show_default=False)] = None,
    night_cramps: Annotated[
        bool | None, typer.Option("--night-cramps/--no-night-cramps", show_default=False)
    ] = None,
    pain: Annotated[str | None, typer.Option(metavar="0-10", show_default=False)] = None,
    sleep_h: Annotated[str | None, typer.Option(metavar="H", show_default=False)] = None,
    water_l: Annotated[str | None, typer.Option(metavar="L", show_default=False)] = None,
    steps: Annotated[str | None, typer.Option(metavar="N", show_default=False)] = None,
    walk_min: Annotated[str | None, typer.Option(metavar="M", show_default=False)] = None,
    hours_still: Annotated[str | None, typer.Option(metavar="H", show_default=False)] = None,
    note: Annotated[str | None, typer.Option(metavar="TEXT", show_default=False)] = None,
    clear: Clear = None,
    db: Db = None,
) -> None:
    """Correct values of a diary entry (given by id, or by date and part)."""
    from heavylegs.cli.diary_entry import entry_values
    from heavylegs.diary import edits

    moved = {"date": new_date, "part": new_part}
    changes = {**{k: v for k, v in moved.items() if v is not None}, **entry_values(locals())}
    with _guard():
        if not changes and not clear:
            raise Fail(["(entry): give a value to change, e.g. --heaviness 3, or --clear FIELD"])
        with open_db(db) as store, store.session() as session:
            entry_id = _entry_id(session, entry, part)
            before = edits.edit_entry(
                session, entry_id, changes, clear=clear or (), today=_today(), now=now()
            )
    console().print(f"Changed the {before.what} (id {entry_id}).", markup=False)


@edit_app.command("measure")
def edit_measure(
    measure_id: Annotated[
        int, typer.Argument(metavar="ID", help="Its id (heavylegs diary --ids).")
    ],
    measure: Annotated[
        str | None,
        typer.Option(
            "--measure", metavar="MEASURE_ID", help="Another measure.", show_default=False
        ),
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", metavar="YYYY-MM-DD", show_default=False)
    ] = None,
    minutes: Annotated[str | None, typer.Option(metavar="M", show_default=False)] = None,
    reps: Annotated[str | None, typer.Option(metavar="N", show_default=False)] = None,
    db: Db = None,
) -> None:
    """Correct a measure done: which one, the day, minutes or repetitions."""
    from heavylegs.diary import edits
    from heavylegs.knowledge import load_knowledge

    given = {"measure": measure, "date": date, "minutes": minutes, "reps": reps}
    changes = {k: v for k, v in given.items() if v is not None}
    with _guard():
        if not changes:
            raise Fail(["(measure): give a value to change, e.g. --minutes 15"])
        if minutes is not None and reps is not None:
            raise Fail(["--minutes/--reps: give one of them, not both"])
        known = frozenset(load_knowledge().measures)
        with open_db(db) as store, store.session() as session:
            before = edits.edit_measure(session, measure_id, changes, today=_today(), known=known)
    console().print(f"Changed {before.what} (id {measure_id}).", markup=False)


@edit_app.command("activity")
def edit_activity(
    activity_id: Annotated[
        int, typer.Argument(metavar="ID", help="Its id (heavylegs activities).")
    ],
    title: Annotated[
        str | None,
        typer.Option(metavar="TEXT", help="A name for it ('' removes it).", show_default=False),
    ] = None,
    rpe: Annotated[
        float | None,
        typer.Option(metavar="0-10", help="How hard it felt, 0 to 10.", show_default=False),
    ] = None,
    db: Db = None,
) -> None:
    """Give an activity a title or a perceived effort (RPE)."""
    from heavylegs.training.repository import edit_activity as change

    with _guard():
        problems = (
            []
            if rpe is None or 0 <= rpe <= 10
            else [f"--rpe: must be between 0 and 10 (got {rpe:g})"]
        )
        if title is None and rpe is None:
            problems.append("(activity): give --title or --rpe")
        if problems:
            raise Fail(problems)
        if not 0 < activity_id <= INT64_MAX:  # a 20-digit id overflowed SQLite's integer
            raise Fail([f"ID: no activity {activity_id} (see heavylegs activities)"], 1)
        with open_db(db) as store, store.session() as session:
            before = change(session, activity_id, title=title, rpe=rpe)
        if before is None:
            raise Fail([f"ID: no activity {activity_id} (see heavylegs activities)"], 1)
    console().print(f"Changed {before.what}.", markup=False)


def _confirm(what: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise Fail([f"delete: say --yes to delete {what} (no terminal to ask)"])
    if not typer.confirm(f"Delete {what}?", default=False):
        console().print("Nothing deleted.")
        raise typer.Exit(0)


@delete_app.command("entry")
def delete_entry(
    entry: Annotated[str, typer.Argument(metavar="ENTRY", help="Entry id or date YYYY-MM-DD.")],
    part: Part = None,
    yes: Yes = False,
    db: Db = None,
) -> None:
    """Remove a diary entry (given by id, or by date and part)."""
    from heavylegs.diary.edits import delete_entry as remove

    _delete(
        db,
        yes,
        "diary_entries",
        lambda session: _entry_id(session, entry, part),
        lambda row: f"the diary entry of {row['day'].isoformat()} {row['part']}",
        remove,
    )


@delete_app.command("measure")
def delete_measure(
    measure_id: Annotated[
        int, typer.Argument(metavar="ID", help="Its id (heavylegs diary --ids).")
    ],
    yes: Yes = False,
    db: Db = None,
) -> None:
    """Remove a measure done."""
    from heavylegs.diary.edits import delete_measure as remove

    _delete(
        db,
        yes,
        "measures_done",
        lambda _session: measure_id,
        lambda row: f"{row['measure']} done on {row['day'].isoformat()}",
        remove,
    )


@delete_app.command("activity")
def delete_activity(
    activity_id: Annotated[
        int, typer.Argument(metavar="ID", help="Its id (heavylegs activities).")
    ],
    yes: Yes = False,
    db: Db = None,
) -> None:
    """Remove an activity (its file can be imported again)."""
    from heavylegs.training.repository import delete_activity as remove

    _delete(
        db,
        yes,
        "activities",
        lambda _session: activity_id,
        lambda row: f"activity {row['id']} ({row['sport']}, {row['start_utc']:%Y-%m-%d})",
        remove,
    )


WHAT = {
    "diary_entries": ("diary entry", "diary --ids"),
    "measures_done": ("measure done", "diary --ids"),
    "activities": ("activity", "activities"),
}
"""Each table's rows in plain words, and the command that lists their ids."""


def _delete(
    db: str | None,
    yes: bool,
    table: str,
    resolve: Callable[[Session], int],
    describe: Callable[[dict[str, Any]], str],
    remove: Callable[[Session, int], Snapshot | None],
) -> None:
    """Find the row, ask (unless ``--yes``), remove it with the stage's function, say what."""
    from heavylegs.diary.edits import row_by_id

    with _guard(), open_db(db) as store:
        with store.session() as session:
            row_id = resolve(session)
            row = row_by_id(session, table, row_id)
        if row is None:
            what, where = WHAT[table]
            raise Fail([f"ID: no {what} {row_id} (see heavylegs {where})"], 1)
        _confirm(describe(row), yes)
        with store.session() as session:
            gone = remove(session, row_id)
    console().print(f"Deleted {describe(row) if gone is None else gone.what}.", markup=False)


def register(app: typer.Typer) -> None:
    """Add ``edit`` and ``delete`` to ``app`` (called by ``heavylegs.cli.main``)."""
    app.add_typer(edit_app, name="edit")
    app.add_typer(delete_app, name="delete")
