"""Diary and export pages: a quick entry form, the history, the chart, insights and warnings.

Forms post and redirect (the page then shows what was saved). With htmx the entry form swaps only
the diary's main part, so the chart refreshes in place. Warnings from the diary (one leg swelling,
no improvement) come first on the page: a diary must never bury them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from heavylegs.diary.rows import EntryRow, MeasureRow
from heavylegs.web import records
from heavylegs.web.chart import heaviness_svg
from heavylegs.web.forms import field_errors
from heavylegs.web.forms import safe_next as safe_next  # where the sign-in page imported it
from heavylegs.web.templating import context, page, redirect

router = APIRouter(include_in_schema=False)

SHOWN_DAYS = (7, 14, 28, 90)
SAVED = {
    "entry": "Diary entry saved.",
    "measure": "Measure recorded.",
    "session": "Session recorded in your diary.",
    "undone": "Undone: it is back as it was.",
}


@dataclass(frozen=True)
class HistoryDay:
    """One row of the history: a day's morning and evening entries and what was done."""

    day: dt.date
    morning: EntryRow | None
    evening: EntryRow | None
    done: list[MeasureRow]

    @property
    def entries(self) -> list[EntryRow]:
        return [e for e in (self.morning, self.evening) if e is not None]

    def ankles(self) -> str:
        both = len(self.entries) > 1
        return " · ".join(
            (f"{e.part[:3]} " if both else "")
            + f"{_num(e.ankle_left_cm)} / {_num(e.ankle_right_cm)}"
            for e in self.entries
            if e.ankle_left_cm is not None or e.ankle_right_cm is not None
        )

    def swelling(self) -> str:
        return ", ".join(dict.fromkeys(e.swelling for e in self.entries if e.swelling))

    def other(self) -> str:
        parts: list[str] = []
        for e in self.entries:
            bits = [
                f"{label} {_num(value)}{unit}"
                for label, value, unit in (
                    ("sleep", e.sleep_h, " h"),
                    ("water", e.water_l, " l"),
                    ("walked", e.walk_min, " min"),
                    ("steps", e.steps, ""),
                    ("still", e.hours_still, " h"),
                    ("pain", e.pain, "/10"),
                    ("cramps", e.cramps, ""),
                )
                if value is not None
            ]
            if e.night_cramps:
                bits.append("night cramps")
            if e.sock_marks:
                bits.append("sock marks")
            if bits:
                parts.append((f"{e.part}: " if len(self.entries) > 1 else "") + ", ".join(bits))
        return "; ".join(parts)

    def note(self) -> str:
        return " / ".join(e.note for e in self.entries if e.note)


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def history(entries: list[EntryRow], measures: list[MeasureRow]) -> list[HistoryDay]:
    """Newest day first; a day with only measures done has a row too."""
    by_day: dict[dt.date, dict[str, Any]] = {}
    for e in entries:
        by_day.setdefault(e.day, {"done": []})[e.part] = e
    for m in measures:
        by_day.setdefault(m.day, {"done": []})["done"].append(m)
    return [
        HistoryDay(day, row.get("morning"), row.get("evening"), row["done"])
        for day, row in sorted(by_day.items(), reverse=True)
    ]


def diary_values(request: Request, days: int) -> dict[str, Any]:
    """Everything the diary page shows, from the store, as of the injected clock's today."""
    from heavylegs.diary.insights import RECENT_DAYS
    from heavylegs.diary.validation import part_of_day
    from heavylegs.web.api import compute, insight_rows

    ctx = context(request)
    today = ctx.today()
    start = today - dt.timedelta(days=days - 1)
    since = today - dt.timedelta(days=RECENT_DAYS - 1)
    with ctx.reading() as session:
        read = insight_rows(session, ctx.owner, today, since)
        if start < since:
            entry_rows = records.entries(session, ctx.owner, since=start, until=today)
            measure_rows = records.measures(session, ctx.owner, since=start, until=today)
        else:  # the days shown are the insights' last days: one read serves both
            entry_rows = [e for e in read[0] if e.day >= start]
            measure_rows = [m for m in read[1] if m.day >= start]
    titles = {mid: m.title for mid, m in ctx.kb.measures.items()}
    insights = compute(request, today, since, rows=read)
    rows = history(entry_rows, measure_rows)
    return {
        "days": days,
        "shown_days": SHOWN_DAYS,
        "history": rows,
        "columns": {
            name: any(getattr(row, name)() for row in rows)
            for name in ("ankles", "swelling", "other", "note")
        },
        "chart": heaviness_svg(entry_rows, measure_rows, start, today, titles),
        "insights": insights,
        "escalations": [e for e in insights.escalation],
        "measure_choices": sorted(
            ((m.id, m.title) for m in ctx.kb.measures.values() if m.kind.value != "action"),
            key=lambda pair: pair[1].lower(),
        ),
        "default_part": part_of_day(ctx.now()).value,
        "form": {},
        "errors": {},
        "measure_form": {},
        "measure_errors": {},
    }


def _days(value: str | None) -> int:
    try:
        days = int(value or 28)
    except ValueError:
        return 28
    return min(max(days, 7), 365)


@router.get("/diary")
def diary(
    request: Request,
    days: str | None = None,
    saved: str | None = None,
    undo: str | None = None,
    caution: str | None = None,
) -> Response:
    from heavylegs.web.pages_edits import undo_notice

    if not context(request).has_db:
        return page(request, "no_db.html", {"what": "The diary"})
    values = diary_values(request, _days(days))
    values["saved"] = SAVED.get(saved or "")
    values["undo"] = undo_notice(request, undo)
    values["caution"] = _caution(request, caution) if caution else None
    return page(request, "diary.html", values)


def _caution(request: Request, measure: str) -> Any:
    """The plan's reason to avoid ``measure`` (shown right after it was recorded), or ``None``."""
    from heavylegs.diary.caution import caution_for

    ctx = context(request)
    with ctx.reading() as session:
        latest = records.latest_assessment(session, ctx.owner)
    return caution_for(None if latest is None else latest.output, measure)


@router.post("/diary/entries")
async def post_entry(request: Request) -> Response:
    from heavylegs.diary.validation import ENTRY_VALUE_FIELDS, DiaryInputError, parse_entry

    ctx = context(request)
    if not ctx.has_db:
        return page(request, "no_db.html", {"what": "The diary"}, status=503)
    form = await request.form()
    data = {
        name: str(form.get(name)).strip()
        for name in ("date", "part", *ENTRY_VALUE_FIELDS)  # the diary stage's fields
        if str(form.get(name) or "").strip()
    }
    try:
        entry = parse_entry(data, today=ctx.today())
        now = ctx.now()
        await ctx.in_session(lambda session: records.add_entry(session, ctx.owner, entry, now))
    except DiaryInputError as exc:
        values = diary_values(request, _days(str(form.get("days") or "")))
        values.update(form=data, errors=field_errors(exc.problems))
        return page(request, "diary.html", values, status=422)
    return redirect(request, "/diary?saved=entry")


@router.post("/diary/measures")
async def post_measure(request: Request) -> Response:
    """Record a measure done; ``next`` sends the person back where the button was."""
    from heavylegs.diary.validation import DiaryInputError, parse_measure_done

    ctx = context(request)
    if not ctx.has_db:
        return page(request, "no_db.html", {"what": "The diary"}, status=503)
    form = await request.form()
    data: dict[str, Any] = {
        name: str(form.get(name)).strip()
        for name in ("measure", "date", "minutes", "reps")
        if str(form.get(name) or "").strip()
    }
    data.setdefault("date", ctx.today().isoformat())
    try:
        known = frozenset(ctx.kb.measures)
        done = parse_measure_done(data, today=ctx.today(), known=known, now=ctx.now())
        await ctx.in_session(lambda session: records.add_measure(session, ctx.owner, done))
    except DiaryInputError as exc:
        values = diary_values(request, 28)
        values.update(measure_form=data, measure_errors=field_errors(exc.problems))
        return page(request, "diary.html", values, status=422)
    target = safe_next(form.get("next"), "/diary?saved=measure")
    caution = await run_in_threadpool(_caution, request, done.measure)
    if request.headers.get("hx-request") == "true" and form.get("next"):
        values = {"measure": done.measure, "caution": caution}
        return page(request, "_done_badge.html", values)
    if caution is not None:
        target += f"{'&' if '?' in target else '?'}caution={done.measure}"
    return redirect(request, target)


@router.get("/export")
def export_page(request: Request) -> Response:
    return page(request, "export.html", {})


@router.get("/export/backup.json")
def export_backup(request: Request) -> Response:
    ctx = context(request)
    if not ctx.has_db:
        return page(request, "no_db.html", {"what": "The backup"}, status=503)
    with ctx.reading() as session:
        text = records.backup_text(session, ctx.owner)
    name = f"heavylegs-backup-{ctx.today().isoformat()}.json"
    return Response(
        text,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
