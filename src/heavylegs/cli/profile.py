"""``heavylegs profile``: show or change the personal profile (a face over ``store.person``).

Sex and age pre-fill the assessment, the heart rates feed training load, the working hours place
calendar reminders. Exit codes: 0 done, 1 the database cannot do it, 2 bad input.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from heavylegs.cli.output import DbOption, Fail, console, guard, now, open_db, print_json


def profile(
    sex: Annotated[
        str | None, typer.Option(metavar="female|male|other", show_default=False)
    ] = None,
    age: Annotated[str | None, typer.Option(metavar="YEARS", show_default=False)] = None,
    resting_hr: Annotated[
        str | None,
        typer.Option(
            metavar="BPM", help="Resting heart rate (in bed, after waking).", show_default=False
        ),
    ] = None,
    max_hr: Annotated[
        str | None,
        typer.Option(
            metavar="BPM",
            help="Highest heart rate you reach (from a hard effort).",
            show_default=False,
        ),
    ] = None,
    work_hours: Annotated[
        str | None,
        typer.Option(
            metavar="HH:MM-HH:MM", help="Working hours, e.g. 09:00-17:30.", show_default=False
        ),
    ] = None,
    work_days: Annotated[
        str | None,
        typer.Option(
            metavar="DAYS", help="Working days, e.g. mon-fri or mon,wed,thu.", show_default=False
        ),
    ] = None,
    clear: Annotated[
        list[str] | None,
        typer.Option(
            "--clear",
            metavar="FIELD",
            help="Forget a field (sex, age, resting_hr, max_hr, work_hours, work_days).",
            show_default=False,
        ),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the profile as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Show or change your profile: sex, age, resting and maximum heart rate, working hours."""
    from heavylegs.diary.fields import parse_clock
    from heavylegs.store.person import load_profile, parse_profile, save_profile

    changes: dict[str, Any] = {
        name: value
        for name, value in (
            ("sex", sex),
            ("age", age),
            ("resting_hr", resting_hr),
            ("max_hr", max_hr),
            ("work_days", work_days),
        )
        if value is not None
    }
    # An empty value is a slip, not "forget it" (the store reads "" so): --clear forgets.
    problems = [
        f"{name}: give a value, or --clear {name} to forget it"
        for name, value in {**changes, "work_hours": work_hours}.items()
        if isinstance(value, str) and not value.strip()
    ]
    if work_hours is not None and work_hours.strip():
        # The profile shows 09:00–17:30 (an en dash): typed back as shown, it is read too.
        start, dash, end = work_hours.replace("–", "-").replace("—", "-").partition("-")
        if not dash:
            problems.append(f"work_hours: give start-end, e.g. 09:00-17:30 (got {work_hours!r})")
        for name, clock in (("work_start", start), ("work_end", end)) if dash else ():
            try:  # H:MM or HH:MM in ASCII digits, as the calendar reads them
                parse_clock(clock)
            except ValueError as exc:
                problems.append(f"{name}: {exc}")
        changes.update(work_start=start, work_end=end)
    given = {*changes, *(("work_hours",) if work_hours is not None else ())}
    problems += [  # both at once: which one was meant? (the value was dropped unsaid)
        f"{name}: given and cleared at once; give one of --{name.replace('_', '-')} or --clear"
        for name in dict.fromkeys(clear or [])
        if name in given
    ]
    for name in clear or []:
        if name == "work_hours":
            changes.update(work_start=None, work_end=None)
        else:
            changes[name] = None
    with guard():
        if problems:
            raise Fail(problems)
        with open_db(db, creates=bool(changes)) as store, store.session() as session:
            current = load_profile(session)
            if changes:
                current = parse_profile(changes, current)
                save_profile(session, current, now())
    if json_output:
        print_json(current.model_dump(mode="json"))
        return
    print_profile(current, saved=bool(changes))


def print_profile(current: Any, *, saved: bool) -> None:
    from heavylegs.store.person import LABELS

    out = console()
    shown = current.shown()
    if saved:
        out.print("Profile saved.")
    if not shown:
        out.print(
            "No profile yet. For example: heavylegs profile --age 44 --resting-hr 52 "
            "--max-hr 182 --work-hours 09:00-17:30 --work-days mon-fri",
            markup=False,
        )
        return
    for name, value in shown.items():
        if name == "work_end":
            continue
        if name == "work_start":
            label, value = "working hours", f"{value}–{shown['work_end']}"
        else:
            label = LABELS[name]
        out.print(f"  {label + ':':<20} {value}", markup=False)


def register(app: typer.Typer) -> None:
    """Add ``profile`` to ``app`` (called by ``heavylegs.cli.main``)."""
    app.command("profile")(profile)
