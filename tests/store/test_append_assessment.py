"""The one-INSERT path of the web API (``append_assessment``) against ``record_assessment`` in a
session, its reference: the same inputs through both give the same rows, column for column and
storage class for storage class (issue 15)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic_core import to_json

from heavylegs.store import (
    DatabaseBusy,
    Store,
    get_assessment,
    latest_assessment,
    open_store,
    record_assessment,
)
from heavylegs.store.accounts import Role, create_invite, sign_up
from heavylegs.store.assessments import append_assessment
from heavylegs.store.models import Base
from heavylegs.store.owners import Unscoped
from tests.store.test_assessments import ANSWERS, OUTPUT, T0
from tests.store.test_fastlite import SECTION, TEXT

COLUMNS = list(Base.metadata.tables["assessments"].c.keys())
DOC = st.fixed_dictionaries(
    {"schema_version": st.just(1)},
    optional={"about": SECTION, "symptoms": SECTION, "causes": st.lists(SECTION, max_size=2)},
)
LEVEL = st.sampled_from(["emergency", "urgent", "routine", "self_care", "self\x00care"])
ZONE = st.sampled_from([UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=13))])


def _rows(path: Path) -> list[tuple[Any, ...]]:
    """Every column, and the storage class of each (text stays text, never a blob)."""
    picked = ", ".join([*COLUMNS, *(f"typeof({c})" for c in COLUMNS)])
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT {picked} FROM assessments ORDER BY id").fetchall()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty database file, copied for each example (migrating is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "empty.sqlite3"
    open_store(f"sqlite:///{path}").close()
    return path


def _pair(template: Path, tmp: Path) -> tuple[Path, Path, Store, Store]:
    paths = tmp / "reference.sqlite3", tmp / "append.sqlite3"
    for path in paths:
        shutil.copyfile(template, path)
    reference, appended = (open_store(f"sqlite:///{path}") for path in paths)
    return paths[0], paths[1], reference, appended


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    writes=st.lists(
        st.tuples(DOC, DOC, TEXT, LEVEL, st.integers(0, 10**6), ZONE), min_size=1, max_size=3
    )
)
def test_same_rows_as_the_session_path(
    template: Path, tmp_path_factory: pytest.TempPathFactory, writes: Any
) -> None:
    pair = _pair(template, tmp_path_factory.mktemp("pair"))
    reference_path, append_path, reference, appended = pair
    try:
        for answers, output, version, level, seconds, zone in writes:
            at = (T0 + timedelta(seconds=seconds)).astimezone(zone)
            document = {**output, "triage": {"level": level}}
            with reference.session() as session:
                expected = record_assessment(session, answers, document, version, at)
            text = to_json(document).decode()
            assert append_assessment(appended, answers, text, version, level, at) == expected
    finally:
        reference.close()
        appended.close()
    assert _rows(append_path) == _rows(reference_path)


def test_the_row_belongs_to_the_store_owner(sqlite_url: str) -> None:
    with open_store(sqlite_url, owner=None) as server:
        invite = create_invite(server, "b@example.org", Role.PERSON, T0)
        other = sign_up(server, invite, "b@example.org", "a long enough password", T0).id
    store = open_store(sqlite_url)
    text = to_json(OUTPUT).decode()
    mine = append_assessment(store, ANSWERS, text, "kb", "self_care", T0)
    theirs = append_assessment(store.for_owner(other), ANSWERS, text, "kb", "self_care", T0)
    assert mine is not None and theirs is not None
    with store.session() as s:
        assert get_assessment(s, mine) is not None
        assert get_assessment(s, theirs) is None  # another person's row is not seen
    with store.for_owner(other).session() as s:
        assert get_assessment(s, theirs) is not None
    store.close()


def test_a_store_without_an_owner_writes_nothing(sqlite_url: str) -> None:
    with open_store(sqlite_url, owner=None) as unscoped, pytest.raises(Unscoped):
        append_assessment(unscoped, ANSWERS, to_json(OUTPUT).decode(), "kb", "self_care", T0)
    with open_store(sqlite_url) as store, store.session() as s:
        assert latest_assessment(s) is None


def test_another_database_is_left_to_the_session_path(pg_url: str) -> None:
    with open_store(pg_url) as store:
        assert append_assessment(store, ANSWERS, to_json(OUTPUT).decode(), "kb", "x", T0) is None


def test_a_locked_database_is_busy_and_nothing_is_kept(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'busy.sqlite3'}"
    with open_store(url, busy_timeout_ms=50) as store:
        holder = sqlite3.connect(tmp_path / "busy.sqlite3", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(DatabaseBusy, match="busy"):
                append_assessment(store, ANSWERS, to_json(OUTPUT).decode(), "kb", "x", T0)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        # The connection went back to the pool usable, and the next write goes through.
        assert append_assessment(store, ANSWERS, to_json(OUTPUT).decode(), "kb", "x", T0) == 1
        assert len(_rows(tmp_path / "busy.sqlite3")) == 1


def test_naive_times_are_refused_as_by_the_session_path(sqlite_url: str) -> None:
    with open_store(sqlite_url) as store, pytest.raises(ValueError, match="aware"):
        naive = datetime(2026, 1, 1, 8, 0)
        append_assessment(store, ANSWERS, to_json(OUTPUT).decode(), "kb", "x", naive)
