"""Upload limits per person in accounts mode.

Why: on a shared server one person's uploads must not fill the disk every other person's
diary lives on. Each upload request is bounded (:data:`SERVER_UPLOAD_MAX_BYTES`, checked by
:class:`heavylegs.web.guard.Guard` while the body streams in), and a person's stored activities
are bounded (:data:`PERSON_MAX_ACTIVITIES`, counted in the database, so it holds across workers;
about fifteen years of two activities a day). The single-person app keeps its own, larger limit.

Rows that are only ever added (assessments, measures done, guided sessions: :data:`APPENDED`)
are bounded too, each at :data:`PERSON_MAX_ROWS`: a script posting assessments in a loop would
otherwise fill the same disk. The diary needs no limit (one entry a day and part). The accounts
middleware asks :func:`rows_refused` before every write of a signed-in person except the ones
that remove rows or concern the account (:func:`counted`), so a new route is covered too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from heavylegs.web.context import WebContext

if TYPE_CHECKING:
    from heavylegs.store import Store

SERVER_UPLOAD_MAX_BYTES = 256 * 1024 * 1024
PERSON_MAX_ACTIVITIES = 10_000
PERSON_MAX_ROWS = 50_000
"""Of each appended table: fifteen years of nine a day."""
APPENDED = {
    "assessments": "assessments",
    "measures_done": "measures done",
    "guided_sessions": "guided sessions",
}
"""The owned tables rows are only added to, and how a person calls them."""
NOT_COUNTED = (
    "/api/v1/auth/",
    "/account",
    "/login",
    "/logout",
    "/signup",
    "/api/v1/shares",
    "/undo/",
)


def upload_refused(ctx: WebContext) -> str | None:
    """Why this person may not import more now, or ``None`` (reads the database)."""
    from heavylegs.training.repository import count_rows

    with ctx.reading() as session:
        held = count_rows(session)["activities"]
    if held >= PERSON_MAX_ACTIVITIES:
        return (
            f"you keep {held} activities, the most this server holds for one person "
            f"({PERSON_MAX_ACTIVITIES}); delete old ones first"
        )
    return None


def counted(method: str, path: str) -> bool:
    """Whether a signed-in request may add rows (then :func:`rows_refused` is asked): any write
    but a delete, the sign-in and account routes, and an Undo (it puts back what was removed)."""
    if method not in ("POST", "PUT", "PATCH") or path.endswith("/delete"):
        return False
    return not path.startswith(NOT_COUNTED)


def rows_refused(store: Store) -> str | None:
    """Why this person (``store`` is scoped to them) may not add rows now, or ``None``: one
    query counting each :data:`APPENDED` table."""
    from sqlalchemy import func, select

    from heavylegs.store import Access
    from heavylegs.store.models import Base
    from heavylegs.store.owners import owner_filter

    tables = [Base.metadata.tables[name] for name in APPENDED]
    with store.session(Access.READ) as session:
        counts = session.execute(
            select(
                *(
                    select(func.count())
                    .select_from(t)
                    .where(owner_filter(session, t))
                    .scalar_subquery()
                    for t in tables
                )
            )
        ).one()
    limit = PERSON_MAX_ROWS
    for table, held in zip(tables, counts, strict=True):
        if held >= limit:
            return (
                f"you keep {held} {APPENDED[table.name]}, the most this server holds for one "
                f"person ({limit}); delete old ones where you can, or ask the server's admin"
            )
    return None
