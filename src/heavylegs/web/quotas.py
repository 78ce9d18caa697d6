"""Upload limits per person in accounts mode.

Why: on a shared server one person's uploads must not fill the disk every other person's
diary lives on. Each upload request is bounded (:data:`SERVER_UPLOAD_MAX_BYTES`, checked by
:class:`heavylegs.web.guard.Guard` while the body streams in), and a person's stored activities
are bounded (:data:`PERSON_MAX_ACTIVITIES`, counted in the database, so it holds across workers;
about fifteen years of two activities a day). The single-person app keeps its own, larger limit.
"""

from __future__ import annotations

from heavylegs.web.context import WebContext

SERVER_UPLOAD_MAX_BYTES = 256 * 1024 * 1024
PERSON_MAX_ACTIVITIES = 10_000


def upload_refused(ctx: WebContext) -> str | None:
    """Why this person may not import more now, or ``None`` (reads the database)."""
    from heavylegs.training.repository import count_rows

    with ctx.session() as session:
        held = count_rows(session)["activities"]
    if held >= PERSON_MAX_ACTIVITIES:
        return (
            f"you keep {held} activities, the most this server holds for one person "
            f"({PERSON_MAX_ACTIVITIES}); delete old ones first"
        )
    return None
