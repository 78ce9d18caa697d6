"""Small builders for test files: synthetic FIT runs, GPX text, zips made at test time."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import io
import random
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from tests.training.fit_writer import FitRun, steady_run, write_fit

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from heavylegs.training.history import History
    from heavylegs.training.model import Stream

START = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)


def fit_run(start: dt.datetime = START, seconds: int = 1800, **kwargs: float) -> bytes:
    return write_fit(steady_run(start, seconds, **kwargs))


def custom_fit(run: FitRun) -> bytes:
    return write_fit(run)


def gpx_text(
    start: dt.datetime,
    seconds: int,
    *,
    hr: int = 150,
    cad: int = 85,
    speed: float = 3.0,
    kind: str = "running",
    creator: str = "heavylegs-test",
) -> bytes:
    """A GPX track going north at ``speed`` m/s with Garmin TrackPointExtension HR/cadence."""
    points = []
    metres_per_degree = 111_194.9
    for i in range(seconds):
        when = (start + dt.timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        lat = 45.0 + speed * i / metres_per_degree
        points.append(
            f'<trkpt lat="{lat:.7f}" lon="6.0"><ele>{100 + (i % 50) * 0.1:.1f}</ele>'
            f"<time>{when}</time><extensions><gpxtpx:TrackPointExtension>"
            f"<gpxtpx:hr>{hr}</gpxtpx:hr><gpxtpx:cad>{cad}</gpxtpx:cad>"
            "</gpxtpx:TrackPointExtension></extensions></trkpt>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<gpx creator="{creator}" version="1.1" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk><name>t</name><type>{kind}</type><trkseg>{''.join(points)}</trkseg></trk></gpx>"
    ).encode()


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def nan_equal(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, equal_nan=True, rtol=0, atol=1e-9))


def activity_stream(session: Session, activity_id: int) -> Stream | None:
    """The stored sample stream of one activity (what the importer wrote, decoded)."""
    from sqlalchemy import select

    from heavylegs.training.codec import decode_stream
    from heavylegs.training.repository import DETAILS

    text = session.scalar(select(DETAILS.c.stream).where(DETAILS.c.activity_id == activity_id))
    return None if text is None else decode_stream(text)


def insert_heart_rate_run(
    session: Session, ident: int, when: dt.datetime, rng: random.Random, offset_s: int | None
) -> None:
    """Store a run with heart rate all the way straight into the tables (as a history's many
    runs are written faster than imported), its figures not yet computed."""
    from heavylegs.store.models import Base

    tables = Base.metadata.tables
    minutes = rng.uniform(25, 80)
    bins = [[b, minutes * 60 / 20] for b in range(rng.randint(120, 140), 180, 3)][:20]
    session.execute(
        tables["activities"].insert(),
        {"id": ident, "sport": "running", "start_utc": when, "utc_offset_s": offset_s,
         "duration_s": minutes * 60, "moving_s": minutes * 60,
         "distance_m": minutes * 60 * rng.uniform(2.5, 3.2), "avg_hr": 150.0, "max_hr": 178.0,
         "avg_cadence_spm": rng.uniform(160, 180), "elevation_gain_m": None,
         "source_sha256": f"{ident:064x}"},
    )  # fmt: skip
    session.execute(
        tables["activity_details"].insert(),
        {"activity_id": ident, "samples": 0, "stream": "", "hr_seconds": bins},
    )
    session.execute(
        tables["activity_files"].insert(),
        {"sha256": f"{ident:064x}", "activity_id": ident, "name": f"{ident}.fit",
         "format": "fit", "imported_at": when},
    )  # fmt: skip


@contextlib.contextmanager
def histories_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[History]]:
    """The histories the training overview reads while in the block (its ``load_history``
    spied on), to see whether a view used a remembered prefix."""
    from heavylegs.training import overview

    read: list[History] = []
    load_history = overview.load_history

    def spied(*args: Any, **kwargs: Any) -> History:
        read.append(load_history(*args, **kwargs))
        return read[-1]

    with monkeypatch.context() as patch:
        patch.setattr(overview, "load_history", spied)
        yield read
