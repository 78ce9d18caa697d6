"""Recording in the diary from the terminal: a morning or evening entry (``log``, asked value by
value with ``-i``) and a measure done (``done``), each followed by the warnings it triggers.

The commands' options live in :mod:`heavylegs.cli.diary`, which passes the moment of the command
in (``now``); what a value means and when a record counts is the diary stage's
(:mod:`heavylegs.diary.validation`). Rich and the store are imported where they are used; the
lines of ``log`` and ``done`` are written as Rich writes them (:mod:`.diary_console`).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import typer

from heavylegs.cli.output import Fail, console, open_db
from heavylegs.diary.fields import EARLIEST_DAY, parse_clock

if TYPE_CHECKING:
    from heavylegs.knowledge.models import KnowledgeBase
    from heavylegs.store import Store


ENTRY_PROMPTS: tuple[tuple[str, str], ...] = (
    ("heaviness", "Heaviness 0–10"),
    ("ankle_left_cm", "Left ankle circumference, cm (same spot each time)"),
    ("ankle_right_cm", "Right ankle circumference, cm"),
    ("swelling", "Swelling: none, both, left or right"),
    ("sock_marks", "Sock marks? y/n"),
    ("cramps", "Number of cramps"),
    ("night_cramps", "Cramps at night? y/n"),
    ("pain", "Pain 0–10"),
    ("sleep_h", "Sleep, hours"),
    ("water_l", "Water, litres"),
    ("steps", "Steps"),
    ("walk_min", "Minutes walked"),
    ("hours_still", "Hours sitting or standing still"),
    ("note", "Note"),
)

PLAIN: dict[str, tuple[str, str]] = {
    "ankle_left_cm": ("ankle left", " cm"),
    "ankle_right_cm": ("ankle right", " cm"),
    "sock_marks": ("sock marks", ""),
    "night_cramps": ("cramps at night", ""),
    "pain": ("pain", "/10"),
    "heaviness": ("heaviness", "/10"),
    "sleep_h": ("sleep", " h"),
    "water_l": ("water", " l"),
    "walk_min": ("walked", " min"),
    "hours_still": ("still", " h"),
}
"""How a recorded value reads in a sentence: "ankle left 24.0 cm", not ``ankle_left_cm 24.0``."""


def entry_values(options: Mapping[str, Any]) -> dict[str, Any]:
    """The diary values among a command's options, by the diary stage's field names, without
    those not given. ``log`` and ``edit entry`` name their options after the fields and both pass
    their parameters (``locals()``) here, so the list of values is the stage's, not written out in
    each command."""
    from heavylegs.diary.fields import ENTRY_VALUE_FIELDS  # plain Python: no pydantic

    return {name: options[name] for name in ENTRY_VALUE_FIELDS if options.get(name) is not None}


def knowledge() -> KnowledgeBase:
    from heavylegs.knowledge import load_knowledge

    return load_knowledge()


def titles(kb: KnowledgeBase) -> dict[str, str]:
    """Each measure's title by id, for showing a measure as a person reads it."""
    return {mid: m.title for mid, m in kb.measures.items()}


def log_entry(
    given: dict[str, Any],
    *,
    date: str | None,
    part: str | None,
    interactive: bool,
    db: str | None,
    now: dt.datetime,
) -> None:
    """Validate and store an entry (asking for it when told to, or when nothing was given in a
    terminal); then say what was logged and any warning the diary now shows."""
    from heavylegs import fastlite
    from heavylegs.cli.diary_console import say
    from heavylegs.cli.output import resolve_db
    from heavylegs.diary.fields import part_of_day
    from heavylegs.diary.plain_input import checked_entry

    local = now.astimezone()
    today = local.date()
    values = {k: v for k, v in given.items() if v is not None}
    data: dict[str, Any] = {
        "date": today.isoformat() if date is None else date,  # "" is a date given wrong
        "part": part_of_day(local).value if part is None else part,
        **values,
    }
    if interactive or (not values and sys.stdin.isatty()):
        data = _ask_entry(data, today)
    elif not values:
        raise Fail(["(entry): give at least --heaviness, or use --interactive"])
    entry = checked_entry(data, today=today)
    recorded = ", ".join(_plain(k, v) for k, v in entry.recorded().items())
    logged = f"Logged {entry.date.isoformat()} {entry.part.value}: {recorded}"
    # The local file at the current schema without SQLAlchemy, else the store (which creates it).
    fast = fastlite.record_entry(
        resolve_db(db)[0], entry.date, entry.part.value, entry.recorded(), now
    )
    if fast is not None:
        from heavylegs.diary.rows import EntryRow, MeasureRow

        say(logged)
        _warn_about([EntryRow(*r) for r in fast[1]], [MeasureRow(*r) for r in fast[2]], today)
        return
    from heavylegs.diary.entries import record_entry
    from heavylegs.diary.validation import parse_entry

    with open_db(db, creates=True) as store:
        with store.session() as session:
            record_entry(session, parse_entry(data, today=today), now)
        say(logged)
        _warn_escalations(store, today)


def _plain(name: str, value: Any) -> str:
    label, unit = PLAIN.get(name, (name.replace("_", " "), ""))
    if isinstance(value, bool):
        return label if value else f"no {label}"
    if name == "note":
        from heavylegs.cli.terminal_text import terminal_text

        return f"note “{terminal_text(value)}”"
    return f"{label} {getattr(value, 'value', value)}{unit}"


def _ask_entry(data: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """Ask each value (Enter skips it); ask again for the values that were refused."""
    from heavylegs.diary.fields import DiaryInputError
    from heavylegs.diary.plain_input import checked_entry

    out = console()
    out.print(f"Diary entry for {data['date']} ({data['part']}). Press Enter to skip a value.")
    todo = [name for name, _ in ENTRY_PROMPTS if name not in data]
    while True:
        for name in todo:
            label = dict(ENTRY_PROMPTS)[name]
            try:
                answer = typer.prompt(label, default="", show_default=False).strip()
            except typer.Abort:  # Ctrl-C or the end of the input: say so, keep nothing
                out.print("\nStopped — nothing was logged.")
                raise typer.Exit(130) from None
            if answer:
                data[name] = _yes_no(answer) if name in ("sock_marks", "night_cramps") else answer
            else:
                data.pop(name, None)
        try:
            checked_entry(data, today=today)
            return data
        except DiaryInputError as exc:
            for problem in exc.problems:
                out.print(problem, style="red", markup=False)
            todo = [n for n, _ in ENTRY_PROMPTS if any(p.startswith(n + ":") for p in exc.problems)]
            if not todo:
                raise


def _yes_no(answer: str) -> bool | str:
    lowered = answer.lower()
    if lowered in ("y", "yes", "j", "ja", "true", "1"):
        return True
    if lowered in ("n", "no", "nein", "false", "0"):
        return False
    return answer


def _warn_escalations(store: Store, today: dt.date) -> None:
    """After a write: show any warning the diary now triggers (never wait for 'insights')."""
    from heavylegs.diary.entries import list_entries, list_measures

    with store.session() as session:
        _warn_about(list_entries(session), list_measures(session), today)


def _warn_about(entries: list[Any], measures: list[Any], today: dt.date) -> None:
    """Any warning the whole diary (``entries``, ``measures``) triggers as of ``today``."""
    from heavylegs.cli.diary_console import flag as warn
    from heavylegs.diary.daily import daily_heaviness  # plain Python: no numpy (issue 15)
    from heavylegs.diary.escalation import escalations
    from heavylegs.knowledge.levels import Urgency

    series = daily_heaviness(entries, measures, today)
    # No wording given: a rule that fires takes the installed knowledge base's, loaded then
    # (the base's load is most of what 'log' would take otherwise, issue 15).
    for flag in escalations(series, None, {}):
        if flag.level.rank >= Urgency.ROUTINE.rank:
            from heavylegs.diary.plan import is_serious  # with the plan's routines: when needed

            colour = "red" if is_serious(flag.level) else "yellow"
            warn(flag.level.value.upper(), colour, f": {flag.message}")


def record_done(
    measure: str,
    *,
    date: str | None,
    minutes: str | None,
    reps: str | None,
    at: str | None,
    db: str | None,
    now: dt.datetime,
) -> None:
    """Validate and store a measure done; then say so, and caution when the plan in force says
    to avoid it (the record is kept: it happened)."""
    from heavylegs import fastlite
    from heavylegs.cli.diary_console import flag, say
    from heavylegs.cli.output import resolve_db
    from heavylegs.diary.caution import caution_for
    from heavylegs.diary.plain_input import checked_measure_done
    from heavylegs.knowledge.catalog import measure_titles

    if minutes is not None and reps is not None:
        raise Fail(["--minutes/--reps: give one of them, not both"])
    today = now.astimezone().date()
    day = parse_day(date, today)
    data = {"measure": measure, "date": day, "minutes": minutes, "reps": reps, "at": _at(day, at)}
    given = {k: v for k, v in data.items() if v is not None}
    titles = measure_titles()  # the knowledge base's measures, without loading it all
    parsed = checked_measure_done(given, today=today, known=frozenset(titles), now=now)
    p = parsed  # the local file without SQLAlchemy, else the store (which creates it)
    fast = fastlite.record_measure(
        resolve_db(db)[0], p.measure, p.date, p.at, p.minutes, p.reps, p.source.value
    )
    if fast is not None:
        measure_id, output = fast
    else:
        from heavylegs.diary.entries import record_measure
        from heavylegs.diary.validation import parse_measure_done
        from heavylegs.store import latest_assessment

        done = parse_measure_done(given, today=today, known=frozenset(titles), now=now)
        with open_db(db, creates=True) as store, store.session() as session:
            measure_id = record_measure(session, done)
            latest = latest_assessment(session)
        output = None if latest is None else latest.output
    amount = (
        f"{parsed.reps} reps"
        if parsed.reps is not None
        else f"{parsed.minutes:g} min"
        if parsed.minutes is not None
        else "done"
    )
    title = titles.get(parsed.measure, parsed.measure)
    say(f"Recorded {title} on {parsed.date.isoformat()}: {amount} (id {measure_id})")
    caution = caution_for(output, parsed.measure)
    if caution is not None:
        colour = "red" if caution.serious else "yellow"
        flag("Careful:", colour, f" {caution.message()}")


def parse_day(value: str | None, today: dt.date, field: str = "date") -> dt.date:
    """A ``YYYY-MM-DD`` option as a date (``today`` when not given), from 1900 to a year
    ahead (as the API's ``as_of``): year 1 overflowed the diary's date arithmetic."""
    if value is None:
        return today
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise Fail([f"{field}: must be a date YYYY-MM-DD (got {value!r})"]) from None
    latest = today + dt.timedelta(days=366)
    if not EARLIEST_DAY <= day <= latest:
        raise Fail([f"{field}: must be between {EARLIEST_DAY} and {latest} (got {value})"])
    return day


def _at(day: dt.date, at: str | None) -> dt.datetime | None:
    """``--at HH:MM`` on ``day``, in the machine's time zone, as UTC (``None`` when not given:
    the diary stage decides then)."""
    if at is None:
        return None
    try:
        clock = parse_clock(at)
    except ValueError as exc:
        raise Fail([f"at: {exc}"]) from None
    local = dt.datetime.combine(day, clock).astimezone()
    return local.astimezone(dt.UTC)
