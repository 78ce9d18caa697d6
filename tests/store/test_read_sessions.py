"""``Store.session(Access.READ)``: a view reads while another program holds SQLite's write lock,
cannot write by mistake, and leaves no trace on the pooled connection a writer gets next."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic_core import to_json
from sqlalchemy import select, text

from heavylegs.store import Access, DatabaseBusy, DatabaseReadOnly, Store, open_store
from heavylegs.store.assessments import append_assessment
from heavylegs.store.models import AssessmentRow
from tests.store.databases import write_lock_held
from tests.store.test_assessments import ANSWERS, OUTPUT, T0


def _count(store: Store, access: Access) -> int:
    with store.session(access) as session:
        return len(session.scalars(select(AssessmentRow.id)).all())


def _append(store: Store) -> int | None:
    return append_assessment(store, ANSWERS, to_json(OUTPUT).decode(), "v1", "routine", T0)


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    path = tmp_path / "heavylegs.sqlite3"
    open_store(f"sqlite:///{path}").close()
    return path


def test_a_read_does_not_wait_for_another_programs_write_lock(sqlite_file: Path) -> None:
    with open_store(f"sqlite:///{sqlite_file}", busy_timeout_ms=100) as store:
        assert _append(store) is not None
        with write_lock_held(sqlite_file):
            assert _count(store, Access.READ) == 1
            # The same read as a writing session waits for the lock and gives up.
            with pytest.raises(DatabaseBusy):
                _count(store, Access.WRITE)


def test_a_write_in_a_read_session_fails_and_changes_nothing(store: Store) -> None:
    with pytest.raises(DatabaseReadOnly), store.session(Access.READ) as session:
        session.execute(text("DELETE FROM assessments"))
    assert _count(store, Access.READ) == 0
    with store.session() as session:  # a writer afterwards writes as before
        session.execute(text("DELETE FROM assessments"))


@pytest.mark.parametrize("path", ["session", "append"])
def test_a_writer_after_a_reader_on_one_pooled_connection_can_write(
    sqlite_file: Path, path: str
) -> None:
    with open_store(f"sqlite:///{sqlite_file}") as store:
        for _ in range(3):
            assert _count(store, Access.READ) == 0
        # SQLite's pool hands the same connection back: query_only must be off again, both
        # for a session and for the one-INSERT path that begins by itself.
        if path == "append":
            assert _append(store) is not None
        else:
            with store.session() as session:
                session.execute(text("DELETE FROM assessments"))
                assert session.execute(text("PRAGMA query_only")).scalar() == 0
        with store.session(Access.READ) as session:
            assert session.execute(text("PRAGMA query_only")).scalar() == 1


def test_a_reader_that_failed_leaves_no_query_only_behind(sqlite_file: Path) -> None:
    with open_store(f"sqlite:///{sqlite_file}") as store:
        with pytest.raises(ZeroDivisionError), store.session(Access.READ) as session:
            session.execute(select(AssessmentRow.id)).all()
            _ = 1 / 0
        assert _append(store) is not None
        assert _count(store, Access.WRITE) == 1
