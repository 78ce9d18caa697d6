"""How ``heavylegs training`` shows the overview in a terminal: the weeks table, its marks and
what they mean, today's load figures, cadence and heaviness against load.

Its own module so the command (:mod:`heavylegs.cli.training`) stays about options and the
stage; this one only prints the document the stage returns (the ``--json`` contract), so the text
never says something the JSON does not hold.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


def print_training(
    document: dict[str, Any], chart: Path | None, out: Console | None = None
) -> None:
    """The weeks as a table that fits 80 columns: short two-line headers, marks as one letter
    after the date and a "~" before a load that holds estimates, each explained below."""
    from rich import box
    from rich.table import Table

    from heavylegs.cli.output import console

    out = out or console()
    if not document["activities"]:
        out.print("No activities yet: import your watch files with 'heavylegs import PATH'.")
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1), collapse_padding=True)
    for header in ("week of", "run\nkm", "runs", "longest\nrun km", "hours", "load\n(TRIMP)",
                   "vs last\nweek", "vs 4\nweeks", "mono-\ntony"):  # fmt: skip
        table.add_column(header, justify="left" if header == "week of" else "right",
                         no_wrap=True)  # fmt: skip

    def pct(value: float | None) -> str:
        return "–" if value is None else f"{value:+.0f}%"

    marks_used: set[str] = set()
    for week in document["weeks"]:
        marks = ""
        if week.get("partial"):
            marks += "p"
        if week.get("in_progress"):
            marks += "s"
        if week.get("calibrating"):
            marks += "c"
        marks_used.update(marks)
        load = f"{week['load']:.0f}"
        if week.get("estimated_load"):
            load = "~" + load
        table.add_row(
            week["week_start"] + (f" {marks}" if marks else ""),
            f"{week['run_km']:.1f}",
            str(week["runs"]),
            f"{week['longest_run_km']:.1f}" if week["longest_run_km"] else "–",
            f"{week['hours']:.1f}",
            load,
            pct(week["change_pct"]),
            pct(week["ramp_4w_pct"]),
            "–" if week["monotony"] is None else f"{week['monotony']:.1f}",
        )
    out.print(table)
    if not any(week["runs"] or week["hours"] for week in document["weeks"]):
        newest = document.get("newest_activity")
        more = ""
        if newest:
            as_of = dt.date.fromisoformat(str(document["as_of"])[:10])
            more = f"'--weeks {(as_of - dt.date.fromisoformat(newest)).days // 7 + 2}' reaches it"
        out.print(
            f"None of your {document['activities']} activities falls in the weeks shown"
            + (f" (the newest is from {newest}): {more}" if newest else "")
            + ", or import recent files."
        )
    legend = {
        "p": "p = first week of your files: only its last days are counted",
        "s": "s = this week so far",
    }
    for mark in ("p", "s"):
        if mark in marks_used:
            out.print(f"[dim]{legend[mark]}[/dim]")
    series = document.get("series") or {}
    if any(w.get("calibrating") for w in document["weeks"]):
        out.print(
            f"[dim]c = calibrating: the load model starts from {series.get('seed')} a day "
            f"({series.get('seed_source')}) and settles by {series.get('calibrating_until')}."
            "[/dim]"
        )
    if any(w.get("estimated_load") for w in document["weeks"]):
        out.print(
            "[dim]~ = holds estimated load (no heart rate: your own load per minute at that "
            "pace, else your stated exertion).[/dim]"
        )
    today = document["today"]
    if today:
        out.print(
            f"Today: fitness {today['fitness']}, fatigue {today['fatigue']}, form {today['form']}"
            f" (load (TRIMP) per day){' — still calibrating' if today.get('calibrating') else ''}."
        )
        if today["load_ratio"] is not None:
            out.print(
                f"Load ratio 7:28 = {today['load_ratio']} ({today['ratio_band']}): "
                + document["constants"]["ratio_caveat"]
                + "."
            )
    recent = [c for c in document["cadence"] if c["delta_spm"] is not None][-5:]
    for point in recent:
        out.print(
            f"Cadence {point['day']}: {point['cadence_spm']:.0f} spm "
            f"({point['delta_spm']:+.0f} vs your usual {point['baseline_spm']:.0f} at that pace)"
        )
    out.print(document["heaviness"]["message"])
    for note in document["heart_profile"]["notes"]:
        out.print(f"[dim]{note}[/dim]")
    if chart is not None:
        out.print(f"Chart written to {chart}", style="dim", markup=False)  # a path is not markup
