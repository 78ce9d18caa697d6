"""Training pages: multipart import with its summary, and the overview page (chart and tables)."""

from __future__ import annotations

import datetime as dt
import gzip
import re
from typing import Any

from fastapi.testclient import TestClient

from tests.training.helpers import fit_run, gpx_text, zip_bytes
from tests.web.conftest import NOW, TODAY

Files = list[tuple[str, tuple[str, bytes, str]]]


def _runs(count: int, days_apart: int = 2) -> Files:
    """``count`` FIT runs, the last one two days before the clock's today."""
    files: Files = []
    for k in range(count):
        start = NOW - dt.timedelta(days=2 + days_apart * (count - 1 - k), hours=6)
        data = fit_run(start, 1500 + 90 * k, cadence_spm=166 + k % 4)
        files.append(("files", (f"run-{k:02d}.fit", data, "application/octet-stream")))
    return files


def _counts(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', html)}


def test_import_page_needs_a_database(client: TestClient) -> None:
    for path in ("/training", "/training/import"):
        assert "needs a database" in client.get(path).text
    response = client.post("/training/import", files=_runs(1))
    assert response.status_code == 503


def test_upload_reports_imported_duplicates_and_skipped_with_reasons(
    db_client: TestClient,
) -> None:
    page = db_client.get("/training/import")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    runs = _runs(3)
    gz_run = fit_run(NOW - dt.timedelta(days=30), 1200)
    files: Files = [
        *runs,
        ("files", ("older.fit.gz", gzip.compress(gz_run), "application/gzip")),
        ("files", ("corrupt.fit", b"\x0e\x10garbage, not a FIT file", "application/octet-stream")),
        ("files", ("truncated.fit", fit_run(NOW - dt.timedelta(days=40), 600)[:300], "x/y")),
        ("files", ("notes.txt", b"hello", "text/plain")),
    ]
    response = db_client.post("/training/import", files=files)
    assert response.status_code == 200
    # a truncated FIT keeps the records before the cut (a warning names the byte)
    assert _counts(response.text) == {"imported": 5, "duplicates": 0, "skipped": 2}
    assert "ends at byte 300" in response.text
    skipped = dict(re.findall(r"<li><strong>([^<]+)</strong>: ([^<]+)</li>", response.text))
    assert set(skipped) >= {"corrupt.fit", "notes.txt"}
    assert all(reason.strip() for reason in skipped.values())
    # the same files again are duplicates, and the page still answers
    again = db_client.post("/training/import", files=runs)
    assert _counts(again.text) == {"imported": 0, "duplicates": 3, "skipped": 0}


def test_strava_style_export_zip_is_read_in_place(db_client: TestClient) -> None:
    archive = zip_bytes(
        {
            "activities/1.gpx": gpx_text(NOW - dt.timedelta(days=5), 900),
            "activities/2.fit.gz": gzip.compress(fit_run(NOW - dt.timedelta(days=3), 900)),
            "../evil.fit": b"x",
        }
    )
    response = db_client.post(
        "/training/import", files=[("files", ("export.zip", archive, "application/zip"))]
    )
    assert response.status_code == 200
    counts = _counts(response.text)
    assert counts["imported"] == 2 and counts["skipped"] == 1
    assert "evil.fit" in response.text


def test_a_corrupt_zip_is_one_skipped_line(db_client: TestClient) -> None:
    response = db_client.post(
        "/training/import", files=[("files", ("export.zip", b"PK\x03\x04broken", "x/zip"))]
    )
    assert response.status_code == 200
    assert _counts(response.text)["skipped"] == 1


def test_no_file_chosen_is_a_message_next_to_the_field(db_client: TestClient) -> None:
    response = db_client.post("/training/import", data={"nothing": "here"})
    assert response.status_code == 422
    html = response.text
    assert html.index('<label for="t-files"') < html.index('id="t-files-error"')
    assert "choose at least one" in html.lower()


def test_training_page_empty_then_full(db_client: TestClient) -> None:
    empty = db_client.get("/training")
    assert empty.status_code == 200 and "No activities yet" in empty.text
    db_client.post("/training/import", files=_runs(24))
    for back in range(21):
        day = TODAY - dt.timedelta(days=back)
        entry: dict[str, Any] = {"date": day.isoformat(), "part": "evening"}
        entry["heaviness"] = 2 + back % 5
        assert db_client.post("/api/v1/diary/entries", json=entry).status_code == 201
    html = db_client.get("/training").text
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count('class="bar"') >= 6  # weekly km
    assert svg.count('class="line"') >= 4  # fitness, fatigue, form, ratio
    assert svg.count('class="band"') == 4  # the ratio's context bands
    assert svg.count('class="run"') >= 20  # cadence per run
    assert svg.count('class="point"') == 21  # diary heaviness
    assert "<title" in svg and "<desc" in svg
    # numbers as a table, the caveat and the honest heaviness text
    assert len(re.findall(r"<tr data-week=", html)) >= 6
    assert "not an injury predictor" in html and "Impellizzeri" in html
    assert re.search(r'id="heaviness-link" data-verdict="\w+">[^<]+', html)
    assert "A link is not a cause" in html
    assert re.search(r'<dd data-value="ratio">\d', html)
    assert re.search(r'class="ramp ramp-(low|moderate|high|very_high)"', html)


def test_chart_copes_with_sparse_documents() -> None:
    from heavylegs.web.training_chart import training_svg

    doc: dict[str, Any] = {
        "as_of": "2026-11-21T18:30:00Z",
        "activities": 1,
        "today": None,
        "weeks": [{"week_start": "2026-11-16", "run_km": None, "runs": 0}],
        "series": {
            "days": ["2026-11-20", "2026-11-21"],
            "fitness": [None, 1.0],
            "fatigue": [None, 2.0],
            "form": [None, -1.0],
            "ratio": [None, None],
        },
        "cadence": [{"day": "2026-11-20", "cadence_spm": None, "baseline_spm": None}],
        "diary": [],
        "heaviness": {"message": ""},
    }
    svg = training_svg(doc)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'class="run"' not in svg and 'class="point"' not in svg
    assert "21 Nov" in svg


def test_a_short_history_is_calibrating_and_strapless_runs_are_estimated(
    db_client: TestClient,
) -> None:
    files = _runs(5)
    strapless = fit_run(NOW - dt.timedelta(days=1, hours=6), 1800, heart_rate=0)
    files.append(("files", ("strapless.fit", strapless, "application/octet-stream")))
    db_client.post("/training/import", files=files)
    html = db_client.get("/training").text
    assert 'id="calibrating"' in html and "Calibrating" in html
    assert 'id="estimated"' in html and "1 of 6 activities" in html
    assert re.search(r'<small class="estimated" data-estimated="\d+">', html)
    assert "Load (TRIMP)" in html and "Run (km)" in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'class="calibrating"' in svg and 'class="estimated"' in svg


def test_old_only_imports_are_said_not_shown_as_twelve_silent_weeks(
    db_client: TestClient,
) -> None:
    old = NOW - dt.timedelta(days=400)
    data = fit_run(old, 1800, cadence_spm=168)
    db_client.post(
        "/training/import", files=[("files", ("old.fit", data, "application/octet-stream"))]
    )
    html = db_client.get("/training").text
    assert 'id="all-older"' in html and f"the newest is from {old.date().isoformat()}" in html
    db_client.post("/training/import", files=_runs(2))
    assert 'id="all-older"' not in db_client.get("/training").text


def test_an_export_of_many_skipped_members_names_a_few_per_reason(db_client: TestClient) -> None:
    """An export of thousands of empty members made a page with a line for each (100,000 made
    6 MB in 16 s) and a rare reason drowned among them: past 50, a few files per reason and a
    count, as ``heavylegs import`` prints; the count above still counts every file."""
    members: dict[str, Any] = {f"activities/{i}.fit": b"" for i in range(300)}
    members["../../escape.gpx"] = gpx_text(NOW - dt.timedelta(days=5), 900)
    archive = zip_bytes(members)
    response = db_client.post(
        "/training/import", files=[("files", ("export.zip", archive, "application/zip"))]
    )
    assert response.status_code == 200
    assert _counts(response.text)["skipped"] == 301
    (listed,) = re.findall(r'<ul class="skipped">(.*?)</ul>', response.text)
    assert listed.count("<li>") == 5  # three empty files, the count, the path that climbs out
    assert "… and 297 more: empty file" in response.text
    assert "<strong>export.zip/../../escape.gpx</strong>: refused: unsafe path" in response.text
    assert "heavylegs import --json</code> lists every one" in response.text
