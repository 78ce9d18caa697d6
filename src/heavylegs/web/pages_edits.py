"""Correct or remove a diary entry, a measure done or an activity, with an "Undo" button.

The pages are thin: :mod:`heavylegs.diary.edits` and :mod:`heavylegs.training.repository` change
the rows and hand back a snapshot of what was there. The snapshot waits on a small shelf in the
app's memory under a random token; the notice after a change carries that token in its Undo
form, and undoing puts the rows back exactly (ids included). The shelf keeps the latest changes
only and is emptied by a restart: undo is for the slip just made, backups are for the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from heavylegs.store.undo import Snapshot, put_back, take
from heavylegs.web.forms import field_errors, safe_next
from heavylegs.web.templating import context, page, redirect
from heavylegs.web.undo_cookie import CookieShelf
from heavylegs.web.undo_shelf import UndoShelf

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

router = APIRouter(include_in_schema=False)


def shelf(request: Request) -> UndoShelf:
    state = request.app.state
    if not hasattr(state, "undo_shelf"):
        state.undo_shelf = UndoShelf()
    found: UndoShelf = state.undo_shelf
    if getattr(state, "multi_user", False):  # several workers: the snapshot goes in a cookie
        return CookieShelf(request, found)
    return found


def undo_notice(request: Request, token: str | None) -> dict[str, str] | None:
    """What the page says after a change ("Deleted …" with its Undo token), or ``None``."""
    if not token:
        return None
    found = shelf(request).peek(token, context(request).owner)
    if found is None:
        return None
    snapshot, verb = found
    return {"token": token, "text": f"{verb} {snapshot.what}."}


def _changed(request: Request, snapshot: Snapshot, verb: str, back: str) -> Response:
    token = shelf(request).put(context(request).owner, snapshot, verb)
    joiner = "&" if "?" in back else "?"
    return redirect(request, f"{back}{joiner}undo={token}", full_page=True)


def _form_values(form: Any, names: tuple[str, ...]) -> dict[str, str]:
    return {name: str(form.get(name) or "").strip() for name in names}


# ------------------------------------------------------------------------------ diary entry


def _entry_form(row: dict[str, Any]) -> dict[str, str]:
    from heavylegs.diary.validation import ENTRY_VALUE_FIELDS

    def text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "yes" if value else "no"
        return f"{value:g}" if isinstance(value, float) else str(value)

    return {
        "date": row["day"].isoformat(),
        "part": row["part"],
        **{name: text(row[name]) for name in ENTRY_VALUE_FIELDS},
    }


@router.get("/diary/entries/{entry_id}/edit")
def edit_entry_page(request: Request, entry_id: int) -> Response:
    from heavylegs.diary.edits import row_by_id

    ctx = context(request)
    with ctx.reading() as session:
        row = row_by_id(session, "diary_entries", entry_id)
    if row is None:
        return page(request, "not_found.html", {"what": "No such diary entry"}, 404)
    values = {"entry_id": entry_id, "form": _entry_form(row), "errors": {}}
    return page(request, "entry_edit.html", values)


@router.post("/diary/entries/{entry_id}")
async def edit_entry(request: Request, entry_id: int) -> Response:
    from heavylegs.diary.edits import NotFound, edit_entry
    from heavylegs.diary.validation import ENTRY_VALUE_FIELDS, DiaryInputError

    ctx = context(request)
    form = _form_values(await request.form(), ("date", "part", *ENTRY_VALUE_FIELDS))
    changes = {k: v for k, v in form.items() if v}
    clear = [k for k, v in form.items() if not v and k in ENTRY_VALUE_FIELDS]
    try:
        today, now = ctx.today(), ctx.now()
        before = await ctx.in_session(
            lambda session: edit_entry(
                session, entry_id, changes, clear=clear, today=today, now=now
            )
        )
    except NotFound:
        return page(request, "not_found.html", {"what": "No such diary entry"}, 404)
    except DiaryInputError as exc:
        values = {"entry_id": entry_id, "form": form, "errors": field_errors(exc.problems)}
        return page(request, "entry_edit.html", values, 422)
    return _changed(request, before, "Changed the", "/diary")


@router.post("/diary/entries/{entry_id}/delete")
def delete_entry(request: Request, entry_id: int) -> Response:
    from heavylegs.diary.edits import delete_entry

    remove = lambda s: delete_entry(s, entry_id)  # noqa: E731
    return _delete(request, remove, "No such diary entry", "/diary", verb="Deleted the")


def _delete(
    request: Request,
    remove: Callable[[Session], Snapshot | None],
    missing: str,
    back: str,
    verb: str = "Deleted",
) -> Response:
    """Run ``remove`` (a stage's delete) and answer with the page at ``back`` offering Undo."""
    from heavylegs.diary.edits import NotFound

    try:
        with context(request).session() as session:
            gone = remove(session)
    except NotFound:
        gone = None
    if gone is None:
        return page(request, "not_found.html", {"what": missing}, 404)
    return _changed(request, gone, verb, back)


# ----------------------------------------------------------------------------- measure done


@router.get("/diary/measures/{measure_id}/edit")
def edit_measure_page(request: Request, measure_id: int) -> Response:
    from heavylegs.diary.edits import row_by_id

    ctx = context(request)
    with ctx.reading() as session:
        row = row_by_id(session, "measures_done", measure_id)
    if row is None:
        return page(request, "not_found.html", {"what": "No such measure done"}, 404)
    form = {
        "measure": row["measure"],
        "date": row["day"].isoformat(),
        "minutes": "" if row["minutes"] is None else f"{row['minutes']:g}",
        "reps": "" if row["reps"] is None else str(row["reps"]),
    }
    return page(request, "measure_edit.html", _measure_values(request, measure_id, form, {}))


def _measure_values(
    request: Request, measure_id: int, form: dict[str, str], errors: dict[str, str]
) -> dict[str, Any]:
    kb = context(request).kb
    choices = sorted(((m.id, m.title) for m in kb.measures.values()), key=lambda p: p[1].lower())
    return {"measure_id": measure_id, "form": form, "errors": errors, "choices": choices}


@router.post("/diary/measures/{measure_id}")
async def edit_measure(request: Request, measure_id: int) -> Response:
    from heavylegs.diary.edits import NotFound, edit_measure
    from heavylegs.diary.validation import DiaryInputError

    ctx = context(request)
    form = _form_values(await request.form(), ("measure", "date", "minutes", "reps"))
    changes: dict[str, Any] = {k: v for k, v in form.items() if v}
    if not form["minutes"] and not form["reps"]:
        changes.update(minutes=None, reps=None)
    try:
        if form["minutes"] and form["reps"]:
            raise DiaryInputError(["minutes: give minutes or repetitions, not both"])
        today, known = ctx.today(), frozenset(ctx.kb.measures)
        before = await ctx.in_session(
            lambda session: edit_measure(session, measure_id, changes, today=today, known=known)
        )
    except NotFound:
        return page(request, "not_found.html", {"what": "No such measure done"}, 404)
    except DiaryInputError as exc:
        values = _measure_values(request, measure_id, form, field_errors(exc.problems))
        return page(request, "measure_edit.html", values, 422)
    return _changed(request, before, "Changed", "/diary")


@router.post("/diary/measures/{measure_id}/delete")
def delete_measure(request: Request, measure_id: int) -> Response:
    from heavylegs.diary.edits import delete_measure

    return _delete(
        request, lambda s: delete_measure(s, measure_id), "No such measure done", "/diary"
    )


# --------------------------------------------------------------------------------- activity


@router.get("/training/activities")
def activities_page(request: Request, undo: str | None = None) -> Response:
    from heavylegs.training.repository import contract_rows

    ctx = context(request)
    if not ctx.has_db:
        return page(request, "no_db.html", {"what": "Your activities"})
    with ctx.reading() as session:
        rows = contract_rows(session)
        details = {
            d["activity_id"]: d
            for r in rows
            for d in take(session, "activity_details", "activity_id", r["id"])
        }
    shown = [
        {
            **r,
            "title": (details.get(r["id"]) or {}).get("title"),
            "rpe": (details.get(r["id"]) or {}).get("rpe"),
        }
        for r in reversed(rows)
    ]
    return page(request, "activities.html", {"rows": shown, "undo": undo_notice(request, undo)})


@router.post("/training/activities/{activity_id}")
async def edit_activity(request: Request, activity_id: int) -> Response:
    from heavylegs.training.repository import edit_activity

    ctx = context(request)
    form = _form_values(await request.form(), ("title", "rpe"))
    rpe: float | None = None
    if form["rpe"]:
        try:
            rpe = float(form["rpe"])
        except ValueError:
            rpe = -1.0
        if not 0 <= rpe <= 10:
            message = f"RPE: a number from 0 to 10 (got {form['rpe']!r})"
            return page(request, "not_found.html", {"what": message}, 422)
    before = await ctx.in_session(
        lambda session: edit_activity(session, activity_id, title=form["title"], rpe=rpe)
    )
    if before is None:
        return page(request, "not_found.html", {"what": "No such activity"}, 404)
    return _changed(request, before, "Changed", "/training/activities")


@router.post("/training/activities/{activity_id}/delete")
def delete_activity(request: Request, activity_id: int) -> Response:
    from heavylegs.training.repository import delete_activity

    return _delete(
        request,
        lambda s: delete_activity(s, activity_id),
        "No such activity",
        "/training/activities",
    )


# ------------------------------------------------------------------------------------- undo


@router.post("/undo/{token}")
async def undo(request: Request, token: str) -> Response:
    ctx = context(request)
    form = await request.form()
    back = safe_next(form.get("next"), "/diary")
    snapshot = shelf(request).pop(token, ctx.owner)
    if snapshot is None:
        message = "Nothing to undo (it was undone already, or heavylegs restarted since)"
        return page(request, "not_found.html", {"what": message}, 410)
    await ctx.in_session(lambda session: put_back(session, snapshot))
    joiner = "&" if "?" in back else "?"
    return redirect(request, f"{back}{joiner}saved=undone", full_page=True)
