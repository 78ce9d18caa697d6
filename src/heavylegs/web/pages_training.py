"""Training pages: upload activity files, and see load, form, cadence and heaviness together.

``/training/import`` takes one or more FIT, GPX or TCX files (also ``.gz``) or a Strava or
Garmin export zip in one multipart form. Each upload is handed to the importer as a stream
(archives are read in place, never unpacked to disk), and the page shows the importer's summary:
imported, duplicates, every skipped file with its reason, warnings. A damaged file is one
skipped line, never an error page.

``/training`` shows the :func:`heavylegs.training.overview.training_overview` document: a chart
on one time axis (:mod:`heavylegs.web.training_chart`), the numbers as tables, the load ratio's
caveat, and the honest heaviness-versus-load text.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from heavylegs.web import records
from heavylegs.web.templating import context, page

router = APIRouter(include_in_schema=False)

MAX_UPLOADS = 200
"""Files per form; a whole history comes as one export zip, which counts as one."""
BAND_WORDS = {
    "low": "low (below 0.8): less load than you are used to",
    "moderate": "moderate (0.8–1.3): about what you are used to",
    "high": "high (1.3–1.5): rising faster than usual",
    "very_high": "very high (above 1.5): a steep rise against your usual load",
}


@router.get("/training")
def training_page(request: Request) -> Response:
    from heavylegs.web.training_chart import training_svg

    ctx = context(request)
    if not ctx.has_db:
        return page(request, "no_db.html", {"what": "The training page"})
    # A writing session: the view stores heart-rate figures it had to compute (a changed
    # profile, new imports), so the next view reads them.
    with ctx.session() as session:
        document = records.training_overview(session, ctx.owner, ctx.now())
    today = document["today"] or {}
    values: dict[str, Any] = {
        "doc": document,
        "today_values": today,
        "band_words": BAND_WORDS.get(today.get("ratio_band") or "", ""),
        "chart": training_svg(document) if document["activities"] else "",
        "weeks": list(reversed(document["weeks"])),
        "cadence": list(reversed([c for c in document["cadence"] if c["cadence_spm"]]))[:10],
    }
    return page(request, "training.html", values)


@router.get("/training/import")
def import_page(request: Request) -> Response:
    if not context(request).has_db:
        return page(request, "no_db.html", {"what": "Importing activities"})
    return page(request, "training_import.html", {"report": None, "error": None})


@router.post("/training/import")
async def import_upload(request: Request) -> Response:
    ctx = context(request)
    if ctx.store is None:
        return page(request, "no_db.html", {"what": "Importing activities"}, status=503)
    cap = None
    if getattr(request.app.state, "multi_user", False):  # a shared server: per-person limit
        from heavylegs.web.quotas import PERSON_MAX_ACTIVITIES, upload_refused

        refused = await run_in_threadpool(upload_refused, ctx)
        if refused is not None:
            values = {"report": None, "error": refused}
            return page(request, "training_import.html", values, status=507)
        cap = PERSON_MAX_ACTIVITIES  # also within the upload: one export can hold thousands
    # Besides the files, the form has one field (the CSRF token): 10 is room enough.
    async with request.form(max_files=MAX_UPLOADS, max_fields=10, max_part_size=64 * 1024) as form:
        files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
        if not files:
            values = {"report": None, "error": "choose at least one activity file or export zip"}
            return page(request, "training_import.html", values, status=422)
        uploads = [(str(f.filename), f.file) for f in files]
        report = await run_in_threadpool(
            records.import_activities, ctx.store, ctx.owner, uploads, ctx.now(), cap
        )
    from heavylegs.training.import_report import note_lines

    # A few files per reason past 50 (as the CLI prints): an export of 100,000 empty members made
    # a 6 MB page in 16 s. The counts above the lists still count every file.
    lists = [
        (title, kind, *note_lines(notes))
        for title, kind, notes in (
            ("Skipped, and why", "skipped", report.skipped),
            ("Warnings", "warnings", report.warnings),
        )
        if notes
    ]
    shown = {"report": report.to_json(), "lists": lists, "error": None}
    return page(request, "training_import.html", shown)
