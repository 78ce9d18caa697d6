"""The activity tables: migration matches the models, streams round-trip, backup still works."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sqlalchemy import inspect

import heavylegs.store.activities  # noqa: F401
from heavylegs.store import Store, dumps_backup, export_backup, import_backup, open_store
from heavylegs.store.models import Base
from heavylegs.training.codec import StreamCodecError, decode_stream, encode_stream
from heavylegs.training.importer import import_sources
from heavylegs.training.model import Stream
from tests.training.helpers import fit_run, nan_equal


def test_migration_creates_the_activity_tables_as_modelled(store: Store) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert {"activity_files", "activity_details"} <= tables
    with store.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    assert diff == []


def test_downgrade_to_0001_drops_only_the_activity_tables(store: Store) -> None:
    config = Config()
    config.set_main_option("script_location", "heavylegs.store:migrations")
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    tables = set(inspect(store.engine).get_table_names())
    assert "activities" in tables and "activity_files" not in tables


def test_backup_round_trip_includes_activities(store: Store) -> None:
    import io

    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    import_sources(store, [("a.fit", io.BytesIO(fit_run()))], now=now)
    with store.session() as session:
        first = dumps_backup(export_backup(session))
    assert '"activity_details"' in first
    target = open_store("sqlite://")
    try:
        with target.session() as session:
            import_backup(session, json.loads(first))
        with target.session() as session:
            assert dumps_backup(export_backup(session)) == first
    finally:
        target.close()


channel = hnp.arrays(
    np.float64, st.integers(0, 300),
    elements=st.one_of(st.floats(0, 5000, allow_nan=False).map(lambda v: round(v, 2)),
                       st.just(float("nan"))),
)  # fmt: skip


@given(channel)
@settings(max_examples=60, deadline=None)
def test_stream_codec_round_trips_at_stored_resolution(values: np.ndarray) -> None:
    n = values.size
    t = np.arange(n, dtype=np.float64) * 2
    stream = Stream(
        t, values, np.round(values / 1000, 3), np.round(values / 30), np.round(values) / 64
    )
    back = decode_stream(encode_stream(stream))
    for name, original in stream.channels().items():
        assert nan_equal(np.round(original, 6), np.round(back.channels()[name], 6)), name


def test_damaged_stream_text_is_an_error() -> None:
    for text in ("", "z1:!!!", "z1:" + "A" * 8):
        try:
            decode_stream(text)
        except StreamCodecError:
            continue
        raise AssertionError(text)
