"""Importing batches into real databases: duplicates, merges, bad files, nothing partial."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heavylegs.store import Store, open_store
from heavylegs.training.importer import (
    ImportStopped,
    OnError,
    Progress,
    import_paths,
    import_sources,
    parse_bytes,
)
from heavylegs.training.model import ActivityFileError, SourceFormat
from heavylegs.training.repository import contract_rows, count_rows
from tests.training.fit_writer import steady_run, write_fit
from tests.training.helpers import START, activity_stream, fit_run, gpx_text, gz, zip_bytes

NOW = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)


def _counts(store: Store) -> dict[str, int]:
    with store.session() as session:
        return count_rows(session)


def test_links_to_nothing_and_pipes_in_a_folder_are_reported_not_passed_over(
    store: Store, tmp_path: Path
) -> None:
    """A pipe named like an activity would make the import wait for a writer forever; a link to
    nothing was left out without a word. Both are skipped with the reason; the rest imports."""
    import os

    (tmp_path / "a.fit").write_bytes(fit_run(START, 1800))
    (tmp_path / "gone.fit").symlink_to(tmp_path / "deleted.fit")
    os.mkfifo(tmp_path / "pipe.gpx")
    report = import_paths(store, [tmp_path], now=NOW)
    assert report.imported == 1
    assert sorted((n.file.rsplit("/", 1)[-1], n.message) for n in report.skipped) == [
        ("gone.fit", "a link to nothing: not read"),
        ("pipe.gpx", "a pipe, not a file: not read"),
    ]


def test_a_limit_on_activities_refuses_new_ones_and_still_merges(
    store: Store, tmp_path: Path
) -> None:
    """``max_activities`` (a shared server's per-person limit) counts what is stored and what
    this import adds; a file of an activity already stored still merges when the limit is met."""
    for day in range(3):
        (tmp_path / f"run{day}.fit").write_bytes(fit_run(START + dt.timedelta(days=day), 1200))
    report = import_sources(store, [tmp_path], now=NOW, max_activities=2)
    assert (report.imported, report.activities) == (2, 2)
    (refused,) = report.skipped
    assert refused.file.endswith("run2.fit") and "the most this server keeps" in refused.message
    assert _counts(store)["activities"] == 2
    again = tmp_path / "again"
    again.mkdir()
    (again / "run0.fit.gz").write_bytes(gz(fit_run(START, 1200)))  # the same run, stored
    report = import_sources(store, [again], now=NOW, max_activities=2)
    assert report.skipped == [] and (report.imported, report.duplicates) == (0, 1)


def test_import_synthetic_files_and_list_them(store: Store, tmp_path: Path) -> None:
    (tmp_path / "a.fit").write_bytes(fit_run(START, 1800))
    (tmp_path / "b.fit.gz").write_bytes(gz(fit_run(START + dt.timedelta(days=1), 1200)))
    (tmp_path / "readme.txt").write_text("not an activity")
    seen: list[Progress] = []
    report = import_paths(store, [tmp_path], now=NOW, progress=seen.append)
    assert report.to_json() == {
        "imported": 2, "duplicates": 0, "skipped": [], "warnings": [], "merged": [], "ignored": 1,
        "manual_entries": 0, "activities": 2,
    }  # fmt: skip
    assert [p.done for p in seen] == [1, 2] and seen[-1].total == 2
    with store.session() as session:
        rows = contract_rows(session)
        stream = activity_stream(session, rows[0]["id"])
    assert [r["start_utc"] for r in rows] == ["2026-03-02T07:00:00Z", "2026-03-03T07:00:00Z"]
    first = rows[0]
    assert list(first) == [
        "id", "sport", "start_utc", "utc_offset_s", "duration_s", "moving_s", "distance_m",
        "avg_hr", "max_hr", "avg_cadence_spm", "elevation_gain_m", "source_sha256",
    ]  # fmt: skip
    assert first["sport"] == "running" and first["utc_offset_s"] == 3600
    assert first["avg_cadence_spm"] == 170.0 and first["avg_hr"] == 150.0
    assert stream is not None and stream.size == 1800


def test_same_file_twice_is_stored_once(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "run.fit"
    path.write_bytes(fit_run())
    assert import_paths(store, [path], now=NOW).imported == 1
    again = import_paths(store, [path, path], now=NOW)
    assert (again.imported, again.duplicates) == (0, 2)
    assert _counts(store) == {"activities": 1, "activity_files": 1, "activity_details": 1}


def test_same_run_from_gpx_then_fit_keeps_the_fit_under_the_same_id(
    store: Store, tmp_path: Path
) -> None:
    gpx = tmp_path / "run.gpx"
    gpx.write_bytes(gpx_text(START + dt.timedelta(seconds=30), 1750, hr=148))
    first = import_paths(store, [gpx], now=NOW)
    (gpx_id,) = first.activity_ids
    fit = tmp_path / "run.fit"
    fit.write_bytes(fit_run(START, 1800))
    report = import_paths(store, [fit], now=NOW)
    assert (report.imported, report.duplicates) == (0, 1)
    assert report.merged[0].activity_id == gpx_id
    with store.session() as session:
        (row,) = contract_rows(session)
    assert row["id"] == gpx_id and row["avg_hr"] == 150.0  # the FIT's values now
    assert _counts(store)["activity_files"] == 2
    # the GPX again is recognised by its hash, the FIT by its hash
    again = import_paths(store, [gpx, fit], now=NOW)
    assert (again.imported, again.duplicates) == (0, 2)


def test_worse_source_after_the_fit_is_merged_not_stored(store: Store, tmp_path: Path) -> None:
    (tmp_path / "1.fit").write_bytes(fit_run(START, 1800))
    (tmp_path / "2.gpx").write_bytes(gpx_text(START + dt.timedelta(seconds=60), 1760))
    report = import_paths(store, [tmp_path], now=NOW)
    assert (report.imported, report.duplicates) == (1, 1)
    assert report.merged[0].file.endswith("2.gpx") and report.merged[0].kept.endswith("1.fit")
    assert _counts(store)["activities"] == 1


def test_runs_outside_the_tolerances_are_different_activities(store: Store, tmp_path: Path) -> None:
    (tmp_path / "a.fit").write_bytes(fit_run(START, 1800))
    (tmp_path / "b.fit").write_bytes(fit_run(START + dt.timedelta(seconds=91), 1800))
    (tmp_path / "c.fit").write_bytes(fit_run(START + dt.timedelta(seconds=30), 2000))  # +11 %
    report = import_paths(store, [tmp_path], now=NOW)
    assert (report.imported, report.duplicates) == (3, 0)


def test_corrupt_corpus_files_are_skipped_with_reasons_and_nothing_partial(
    store: Store, corpus: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "corrupt"
    shutil.copytree(corpus / "corrupt", folder)  # a temporary copy, never into the repo
    report = import_paths(store, [folder], now=NOW)
    skipped = {Path(n.file).name: n.message for n in report.skipped}
    assert set(skipped) == {
        "SYNTHETIC_truncated_in_header_fr945_run.fit",
        "sa_empty-activities_header-datasize-0.fit", "sa_empty-sessions_0bytes.fit",
    }  # fmt: skip
    assert all(reason for reason in skipped.values())
    warned = {Path(n.file).name: n.message for n in report.warnings}
    assert {"SYNTHETIC_bitflip16_fr945_run.fit", "fd_activity-filecrc.fit",
            "sa_6037744996_strava_unbound-prefix.gpx",
            "sa_6281425038_leading-whitespace.tcx"} <= set(warned)  # fmt: skip
    # damaged files keep what was read before the damage, with the byte offset in the warning
    assert "ends at byte 125610" in warned["SYNTHETIC_truncated50_fr945_run.fit"]
    assert "byte 403454" in warned["fp_nick_sigma_truncated.fit"]
    counts = _counts(store)
    # the truncated and the bit-flipped copy of the same FR945 run are one activity
    assert counts["activities"] == report.imported == 9
    merged = {Path(m.file).name for m in report.merged} | {Path(m.kept).name for m in report.merged}
    assert "SYNTHETIC_truncated50_fr945_run.fit" in merged
    assert counts["activity_files"] == report.imported + report.duplicates


def test_on_error_stop_keeps_what_came_before(store: Store, tmp_path: Path) -> None:
    (tmp_path / "1.fit").write_bytes(fit_run())
    (tmp_path / "2.fit").write_bytes(b"garbage")
    (tmp_path / "3.fit").write_bytes(fit_run(START + dt.timedelta(days=2)))
    with pytest.raises(ImportStopped) as stopped:
        import_paths(store, [tmp_path], now=NOW, on_error=OnError.STOP)
    assert stopped.value.note.file.endswith("2.fit")
    assert _counts(store)["activities"] == 1


def test_strava_export_zip_end_to_end(store: Store, corpus: Path, tmp_path: Path) -> None:
    csv = (
        "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Filename,"
        "Elapsed Time,Distance,Perceived Exertion\n"
        "1,x,Long run,Run,1,1,activities/1.fit.gz,1,1,7\n"
        "2,x,Phone run,Run,1,1,activities/2.gpx.gz,1,1,\n"
        "3,x,Old run,Run,1,1,activities/3.tcx.gz,1,1,4\n"
    )
    export = tmp_path / "strava.zip"
    export.write_bytes(
        zip_bytes(
            {
                "activities.csv": csv.encode(),
                "activities/1.fit.gz": gz(
                    (corpus / "fit" / "sa_6782987395_fr945_run.fit").read_bytes()
                ),
                "activities/2.gpx.gz": gz(
                    (corpus / "gpx" / "sa_6782987395_fr945_run.gpx").read_bytes()
                ),
                "activities/3.tcx.gz": gz((corpus / "tcx" / "jk_movescount.tcx").read_bytes()),
            }
        )
    )
    report = import_paths(store, [export], now=NOW)
    assert (report.imported, report.duplicates, report.skipped) == (2, 1, [])
    with store.session() as session:
        from sqlalchemy import select

        from heavylegs.store.activities import ActivityDetail

        details = {d.title: d.rpe for d in session.scalars(select(ActivityDetail))}
    assert details == {"Long run": 7.0, "Old run": 4.0}


def test_garmin_export_zip_end_to_end(store: Store, corpus: Path, tmp_path: Path) -> None:
    inner = zip_bytes(
        {
            "a.fit": (corpus / "fit" / "wz_with_nones_fr25_run.fit").read_bytes(),
            "b.fit": (corpus / "fit" / "gb_garmin-vivosmart-hr.fit").read_bytes(),
        }
    )
    export = tmp_path / "garmin.zip"
    export.write_bytes(
        zip_bytes({"DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip": inner})
    )
    report = import_paths(store, [export], now=NOW)
    assert (report.imported, report.duplicates, report.skipped) == (2, 0, [])


def test_uploads_import_like_files(store: Store) -> None:
    import io

    report = import_sources(store, [("my run.fit", io.BytesIO(fit_run()))], now=NOW)
    assert report.imported == 1


def test_parse_bytes_prefers_content_over_the_name() -> None:
    parsed = parse_bytes(gpx_text(START, 60), SourceFormat.FIT, None)
    assert parsed.format is SourceFormat.GPX
    with pytest.raises(ActivityFileError, match="not an activity file"):
        parse_bytes(b"hello", None, None)


BASE = write_fit(dataclasses.replace(steady_run(START, 120, seed=5), utc_offset_s=0))


@given(st.data())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_fit_bytes_never_crash_and_never_store_partially(data: st.DataObject) -> None:
    blob = bytearray(BASE)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(blob) - 1))
        blob[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.one_of(st.none(), st.integers(0, len(blob))))
    mutated = bytes(blob if cut is None else blob[:cut])
    store = open_store("sqlite://")
    try:
        import io

        report = import_sources(store, [("m.fit", io.BytesIO(mutated))], now=NOW)
        counts = _counts(store)
        assert report.imported + report.duplicates + len(report.skipped) == 1
        if report.skipped:
            assert counts == {"activities": 0, "activity_files": 0, "activity_details": 0}
        else:
            assert counts == {"activities": 1, "activity_files": 1, "activity_details": 1}
    finally:
        store.close()


@given(st.binary(max_size=400), st.sampled_from(["x.fit", "x.gpx", "x.tcx", "x.fit.gz", "x.zip"]))
@settings(max_examples=40, deadline=None)
def test_random_bytes_under_any_name_are_skipped_with_a_reason(blob: bytes, name: str) -> None:
    import io

    store = open_store("sqlite://")
    try:
        report = import_sources(store, [(name, io.BytesIO(blob))], now=NOW)
        assert report.imported == 0
        assert all(n.message for n in report.skipped)
        assert _counts(store)["activities"] == 0
    finally:
        store.close()


@pytest.mark.parametrize("order", ["damaged_first", "whole_first"])
def test_between_two_copies_the_undamaged_one_is_kept(
    store: Store, tmp_path: Path, order: str
) -> None:
    whole = fit_run(START, 1800)
    cut = whole[: len(whole) // 2]
    files = [("cut.fit", cut), ("whole.fit", whole)]
    if order == "whole_first":
        files.reverse()
    for name, blob in files:
        (tmp_path / name).write_bytes(blob)
        import_paths(store, [tmp_path / name], now=NOW)
    rows = _rows(store)
    assert len(rows) == 1
    assert rows[0]["duration_s"] == pytest.approx(1800, abs=2)  # the whole run, either way
    with store.session() as session:
        assert count_rows(session)["activity_files"] == 2


def test_every_activity_of_a_tcx_history_file_is_imported(store: Store, corpus: Path) -> None:
    path = corpus / "tcx" / "gc_activity_165850259_multi-session_fr305.tcx"
    report = import_paths(store, [path], now=NOW)
    assert (report.imported, report.activities) == (1, 4) and not report.skipped  # counts are files
    assert [r["sport"] for r in _rows(store)] == ["running", "cycling", "running", "cycling"]
    again = import_paths(store, [path], now=NOW)
    assert (again.imported, again.duplicates) == (0, 1)


def _rows(store: Store) -> list[dict[str, object]]:
    with store.session() as session:
        return sorted(contract_rows(session), key=lambda r: str(r["start_utc"]))


STRAVA_CSV = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Filename,"
    "Elapsed Time,Moving Time,Distance,Perceived Exertion\n"
    '1,"Mar 2, 2026, 7:00:00 AM",Morning run,Run,1800,5.2,activities/1.fit,1800,1790,5200.0,\n'
    '2,"Mar 4, 2026, 6:30:00 PM",Treadmill by hand,Run,2400,"6.0",,2400,2400,6000.0,6\n'
    '3,"Mar 6, 2026, 7:00:00 AM",Lost file,Run,1500,4.0,activities/3.gpx,1500,1500,4000.0,\n'
    "4,,No date,Run,1500,4.0,,1500,1500,4000.0,\n"
)


def test_strava_manual_entries_are_imported_and_missing_files_reported(
    store: Store, tmp_path: Path
) -> None:
    export = tmp_path / "export.zip"
    export.write_bytes(
        zip_bytes({"activities.csv": STRAVA_CSV.encode(), "activities/1.fit": fit_run(START)})
    )
    report = import_paths(store, [export], now=NOW)
    assert (report.imported, report.manual, report.activities) == (1, 1, 2)
    warned = " ".join(n.message for n in report.warnings)
    assert "row 4 (Lost file" in warned and "activities/3.gpx is not in the export" in warned
    assert any("row 5" in n.message and "no readable date" in n.message for n in report.skipped)
    rows = {r["name"]: r for r in _listed(store)}
    manual = rows["Treadmill by hand"]
    assert manual["distance_m"] == 6000.0 and manual["moving_s"] == 2400.0
    assert manual["start_utc"] == "2026-03-04T18:30:00Z" and manual["sport"] == "running"
    with store.session() as session:
        from heavylegs.training.repository import load_sessions

        items, _ = load_sessions(session, NOW, default_offset_s=0)
    by_day = {s.day.isoformat(): s for s in items}
    assert by_day["2026-03-04"].estimated and by_day["2026-03-04"].load > 0  # its load counts
    again = import_paths(store, [export], now=NOW)
    assert (again.imported, again.manual) == (0, 0)
    assert report.to_json()["manual_entries"] == 1


def _listed(store: Store) -> list[dict[str, object]]:
    from heavylegs.training.repository import listed_rows

    with store.session() as session:
        return listed_rows(session)


def test_garmin_export_names_fill_the_titles(store: Store, tmp_path: Path) -> None:
    import json

    begin = int(START.timestamp() * 1000) + 20_000  # Garmin's start, 20 s after the file's
    summary = [
        {
            "summarizedActivitiesExport": [
                {"activityId": 1, "name": "Lunch Run", "beginTimestamp": begin,
                 "activityType": {"typeKey": "running"}},
                {"activityId": 2, "name": "Not imported", "beginTimestamp": begin + 86_400_000,
                 "activityType": "running"},
            ]
        }
    ]  # fmt: skip
    inner = zip_bytes({"123456.fit": fit_run(START), "654321.fit": fit_run(START + WEEK)})
    export = tmp_path / "garmin.zip"
    export.write_bytes(
        zip_bytes(
            {
                "DI_CONNECT/DI-Connect-Fitness/me_0_summarizedActivities.json": json.dumps(
                    summary
                ).encode(),
                "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip": inner,
            }
        )
    )
    report = import_paths(store, [export], now=NOW)
    assert report.imported == 2
    names = {r["start_utc"]: r["name"] for r in _listed(store)}
    assert names == {"2026-03-02T07:00:00Z": "Lunch Run", "2026-03-09T07:00:00Z": None}


WEEK = dt.timedelta(days=7)


def _encrypted(archive: bytes) -> bytes:
    """``archive`` with every member flagged as password-protected (general-purpose bit 0), in
    its local and central headers: what zipfile refuses to open without a password."""
    data = bytearray(archive)
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + flag_at] |= 0x01
            at = data.find(signature, at + 4)
    return bytes(data)


def test_encrypted_members_and_unreadable_csv_are_reasons_never_a_lost_batch(
    store: Store, tmp_path: Path
) -> None:
    """An encrypted ``activities.csv`` or Garmin summary, or a CSV field over the csv module's
    limit, raised out of the walk and lost the whole batch (the child process died)."""
    names = "DI_CONNECT/me_0_summarizedActivities.json"
    files = {
        "a-strava.zip": _encrypted(
            zip_bytes({"activities.csv": STRAVA_CSV.encode(), "activities/1.fit": b"x"})
        ),
        "b-garmin.zip": _encrypted(zip_bytes({names: b"[]"})),
        "c-nested.zip": zip_bytes({"inner.zip": _encrypted(zip_bytes({"x.fit": b"x"}))}),
        "d-csv.zip": zip_bytes(
            {"activities.csv": b"Filename,Activity Name\n" + b"x" * 200_000 + b",y\n"}
        ),
        "e-run.fit": fit_run(START),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    report = import_paths(store, [tmp_path], now=NOW)
    assert report.imported == 1 and _counts(store)["activities"] == 1
    skipped = {Path(n.file).name: n.message for n in report.skipped}
    assert "encrypted" in skipped["1.fit"] and "encrypted" in skipped["x.fit"]
    told = " ".join(f"{n.file}: {n.message}" for n in [*report.warnings, *report.skipped])
    assert "a-strava.zip/activities.csv: unreadable" in told
    assert "b-garmin.zip/" + names + ": too large or unreadable" in told
    assert "d-csv.zip/activities.csv" in told and "line 2: not readable as CSV" in told


@given(
    st.lists(
        st.lists(st.text(max_size=12), max_size=6).map(lambda cells: ",".join(cells)), max_size=8
    ),
    st.binary(max_size=64),
    st.sampled_from(["", '"', "y" * 140_000]),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_activities_csv_is_read_or_told_never_raised(
    lines: list[str], junk: bytes, tail: str
) -> None:
    """Strava's CSV is untrusted text: every reading of it ends in rows, notes or reasons."""
    from heavylegs.training.sources import read_strava_csv
    from heavylegs.training.strava import read_rows

    text = "Activity Date,Elapsed Time,Filename,Activity Name\n" + "\n".join(lines)
    text += junk.decode("latin-1") + "\n" + tail
    try:
        read_strava_csv(text)
    except ActivityFileError as exc:
        assert "line" in str(exc)
    rows = read_rows(text, set(), "", "activities.csv")
    assert all(isinstance(m, str) for m in [*rows.missing, *rows.refused])


def test_a_file_name_that_is_not_utf8_is_imported_under_a_printable_name(
    store: Store, tmp_path: Path
) -> None:
    """Its lone surrogates were refused by the database: a good run skipped as "could not be
    stored", and ``--json`` printed bytes that are not UTF-8."""
    import json
    import os

    folder = os.fsencode(tmp_path)
    with open(folder + b"/run-\xff\xfe.gpx", "wb") as out:
        out.write(gpx_text(START, 120))
    with open(folder + b"/bad-\xff.fit", "wb") as out:
        out.write(b"junk")
    report = import_paths(store, [tmp_path], now=NOW)
    assert report.imported == 1, report.skipped
    assert [Path(n.file).name for n in report.skipped] == ["bad-\ufffd.fit"]
    json.dumps(report.to_json(), ensure_ascii=False).encode("utf-8")  # no lone surrogate left
    assert [r["name"] for r in _listed(store)] == [None]
    with store.session() as session:
        assert count_rows(session)["activities"] == 1


def test_garmin_names_ask_the_database_only_where_an_activity_starts_nearby(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One query per summary: 200,000 summaries took four minutes in the isolated child, which
    was then taken for hung ("did not start within 120 s", nothing reported imported)."""
    import json

    from heavylegs.training import repository

    begin = int(START.timestamp() * 1000)
    summaries = [{"name": f"run {i}", "beginTimestamp": begin + i * 3_600_000} for i in range(2000)]
    export = tmp_path / "garmin.zip"
    export.write_bytes(
        zip_bytes(
            {
                "me_0_summarizedActivities.json": json.dumps(
                    [{"summarizedActivitiesExport": summaries}]
                ).encode(),
                "123.fit": fit_run(START + dt.timedelta(hours=5)),
            }
        )
    )
    asked: list[object] = []
    real = repository.find_same_activity

    def counted(*args: object) -> object:
        asked.append(args)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(repository, "find_same_activity", counted)
    report = import_paths(store, [export], now=NOW)
    assert report.imported == 1
    assert [r["name"] for r in _listed(store)] == ["run 5"]
    assert len(asked) <= 3  # the file's own duplicate check, and the one summary near it


def test_strava_manual_rows_are_committed_as_they_go_and_the_watcher_hears_of_it(
    store: Store, tmp_path: Path
) -> None:
    """100,000 manual rows were written in one final transaction: the isolated import's parent
    heard nothing for minutes, took the child for hung and killed it (nothing stored)."""
    from heavylegs.training.importer import Checkpoints

    rows = ["Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Filename"]
    for i in range(450):
        when = (START - dt.timedelta(hours=6 * i)).strftime("%b %d, %Y, %I:%M:%S %p")
        rows.append(f'{i},"{when}",row {i},Run,1800,')
    export = tmp_path / "export.zip"
    export.write_bytes(zip_bytes({"activities.csv": "\n".join(rows).encode()}))
    heard: list[int] = []
    checkpoints = Checkpoints(committed=lambda done, report: heard.append(report.manual))
    report = import_sources(store, [export], now=NOW, checkpoints=checkpoints)
    assert report.manual == 450 and _counts(store)["activities"] == 450
    assert len(heard) >= 2 and heard == sorted(heard)  # in steps (200 rows or 1 s), each told
