"""The CLI's sqlite3 fast path (heavylegs.fastlite) against the store, its reference: the same
inputs through both give the same rows, column for column, on the same schema (issue 15)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heavylegs import fastlite
from heavylegs.store import HEAD_REVISION, default_url, open_store, save_assessment
from heavylegs.store.engine import LOCAL_ACCOUNT_ID
from heavylegs.store.models import Base


def test_written_for_the_store_head_revision() -> None:
    """A new migration must be looked at here too: until then the fast path stands aside."""
    assert fastlite.head_revision() == HEAD_REVISION
    assert HEAD_REVISION in fastlite.REVISIONS
    assert fastlite.LOCAL_ACCOUNT_ID == LOCAL_ACCOUNT_ID


def test_every_column_of_the_tables_written_is_covered() -> None:
    """A column added to a model without the fast path following fails here."""
    for table, columns in fastlite.COLUMNS.items():
        assert set(columns) == set(Base.metadata.tables[table].c.keys()), table


def test_default_url_is_the_store_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEAVYLEGS_DB", raising=False)
    assert fastlite.default_url() == default_url()
    monkeypatch.setenv("HEAVYLEGS_DB", "postgresql://x@y/z")
    assert fastlite.default_url() == default_url()


TEXT = st.text(st.characters(codec="utf-8"), max_size=8)
VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.floats(allow_nan=False), TEXT
)
SECTION = st.dictionaries(TEXT, st.one_of(VALUE, st.lists(VALUE, max_size=3)), max_size=4)
ANSWERS = st.fixed_dictionaries(
    {"schema_version": st.just(1)},
    optional={
        "about": SECTION,
        "history": SECTION,
        "lifestyle": SECTION,
        "running": SECTION,
        "symptoms": SECTION,
    },
)
OUTPUT = st.fixed_dictionaries(
    {"triage": st.fixed_dictionaries({"level": st.sampled_from(["emergency", "self_care"])})},
    optional={"causes": st.lists(SECTION, max_size=2), "note": TEXT},
)
SAVE = st.tuples(ANSWERS, OUTPUT, TEXT, st.integers(0, 10**6))


def _rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as conn:
        return {
            table: conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY id").fetchall()
            for table, cols in fastlite.COLUMNS.items()
        }


def _fresh(tmp: Path, name: str) -> str:
    url = f"sqlite:///{tmp / name}"
    open_store(url).close()
    return url


T0 = datetime(2026, 3, 1, 7, 30, 15, 123456, tzinfo=UTC)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(saves=st.lists(SAVE, min_size=1, max_size=4))
def test_same_rows_as_the_store(tmp_path_factory: pytest.TempPathFactory, saves: list[Any]) -> None:
    tmp = tmp_path_factory.mktemp("fast")
    fast, slow = _fresh(tmp, "fast.sqlite3"), _fresh(tmp, "slow.sqlite3")
    for answers, output, version, seconds in saves:
        at = T0 + timedelta(seconds=seconds)
        fast_id = fastlite.save_assessment(fast, answers, output, version, at)
        with open_store(slow) as store, store.session() as session:
            slow_id = save_assessment(session, answers, output, version, at)
        assert fast_id == slow_id
    assert _rows(tmp / "fast.sqlite3") == _rows(tmp / "slow.sqlite3")


def test_rows_read_back_through_the_store(tmp_path: Path) -> None:
    url = _fresh(tmp_path, "db.sqlite3")
    zone = datetime(2026, 3, 1, 9, 0, tzinfo=UTC).astimezone()
    answers = {"about": {"age": 40, "sex": "female"}, "running": {"weekly_km": 30}}
    output = {"triage": {"level": "routine"}, "text": "a\x00b"}
    new_id = fastlite.save_assessment(url, answers, output, "kb1", zone)
    fastlite.save_assessment(url, {"about": {"age": 41, "sex": None}}, output, "kb1", zone)
    with open_store(url) as store, store.session() as session:
        from heavylegs.store import get_assessment, get_profile

        stored = get_assessment(session, new_id or 0)
        profile = get_profile(session)
    assert stored is not None and stored.at == zone and stored.output["text"] == "ab"
    assert profile["about"] == {"age": 41, "sex": "female"}
    assert profile["running"] == {"weekly_km": 30}


def test_stands_aside_when_the_store_must_do_it(tmp_path: Path) -> None:
    """No file yet (the store creates and migrates it), another revision, another database or
    an unusual URL: nothing is written and the caller uses the store."""
    doc: dict[str, Any] = {"triage": {"level": "routine"}}
    missing = tmp_path / "missing.sqlite3"
    assert fastlite.save_assessment(f"sqlite:///{missing}", {}, doc, "v", T0) is None
    assert not missing.exists()
    url = _fresh(tmp_path, "old.sqlite3")
    with sqlite3.connect(tmp_path / "old.sqlite3") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0006a'")
    assert fastlite.save_assessment(url, {}, doc, "v", T0) is None
    for other in ("postgresql://u@h/db", "sqlite://", "sqlite:///:memory:", f"{url}?mode=ro"):
        assert fastlite.save_assessment(other, {}, doc, "v", T0) is None
    assert fastlite.save_assessment(_fresh(tmp_path, "x.sqlite3"), {}, {}, "v", T0) is None
    assert _rows(tmp_path / "old.sqlite3")["assessments"] == []


def test_a_locked_database_is_said_at_once_not_left_to_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store would wait out the same lock a second time: ``Busy``, in the store's words."""
    monkeypatch.setenv("HEAVYLEGS_BUSY_TIMEOUT_MS", "0")
    url = _fresh(tmp_path, "db.sqlite3")
    holder = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(fastlite.Busy, match=r"is busy \(another program is writing to it\)"):
            fastlite.save_assessment(url, {}, {"triage": {"level": "routine"}}, "v", T0)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _rows(tmp_path / "db.sqlite3")["assessments"] == []


# --- the diary: `diary` reads, `done` writes -------------------------------------------------

DAY0 = date(2026, 2, 20)


def test_an_entry_without_heaviness_is_left_to_the_store(tmp_path: Path) -> None:
    """An update of other values (or its refusal, for a new entry) is the store's to word."""
    url = _fresh(tmp_path, "db.sqlite3")
    assert fastlite.record_entry(url, DAY0, "morning", {"pain": 3}, T0) is None
    assert fastlite.record_entry(url, DAY0, "morning", {"heaviness": 3, "x": 1}, T0) is None
    assert _rows(tmp_path / "db.sqlite3")["diary_entries"] == []


ENTRY = st.fixed_dictionaries(
    {
        "date": st.integers(0, 6).map(lambda n: DAY0 + timedelta(days=n)),
        "part": st.sampled_from(["morning", "evening"]),
        "heaviness": st.integers(0, 10),
    },
    optional={
        "ankle_left_cm": st.floats(5, 80),
        "ankle_right_cm": st.integers(5, 80),
        "swelling": st.sampled_from(["none", "both", "left", "right"]),
        "sock_marks": st.booleans(),
        "cramps": st.integers(0, 100),
        "night_cramps": st.booleans(),
        "pain": st.integers(0, 10),
        "sleep_h": st.floats(0, 24),
        "steps": st.integers(0, 50_000),
        "note": TEXT,
    },
)
MEASURE = st.fixed_dictionaries(
    {
        "measure": st.sampled_from(["ankle_pumps", "walking", "calf_raises"]),
        "date": st.integers(0, 6).map(lambda n: DAY0 + timedelta(days=n)),
    },
    optional={
        "minutes": st.floats(0.5, 1440),
        "reps": st.integers(1, 10_000),
        "at": st.integers(0, 6 * 86_400).map(
            lambda s: datetime(2026, 2, 20, tzinfo=UTC) + timedelta(seconds=s, microseconds=7)
        ),
    },
)


def _typed(rows: list[Any]) -> list[tuple[tuple[str, Any], ...]]:
    """Rows with each value's type (``True == 1`` and ``3 == 3.0`` must not hide a difference)."""
    from dataclasses import astuple

    return [tuple((type(v).__name__, v) for v in astuple(row)) for row in rows]


def test_diary_fields_are_the_stage_rows() -> None:
    from dataclasses import fields

    from heavylegs.diary.rows import EntryRow, MeasureRow

    assert tuple(f.name for f in fields(EntryRow)) == fastlite.ENTRY_FIELDS
    assert tuple(f.name for f in fields(MeasureRow)) == fastlite.MEASURE_FIELDS


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    entries=st.lists(ENTRY, max_size=6),
    measures=st.lists(MEASURE, max_size=5),
    since=st.none() | st.integers(0, 7).map(lambda n: DAY0 + timedelta(days=n)),
    until=st.none() | st.integers(0, 7).map(lambda n: DAY0 + timedelta(days=n)),
)
def test_diary_reads_and_measures_written_as_the_store_does(
    tmp_path_factory: pytest.TempPathFactory,
    entries: list[dict[str, Any]],
    measures: list[dict[str, Any]],
    since: date | None,
    until: date | None,
) -> None:
    from heavylegs.diary.entries import list_entries, list_measures, record_entry, record_measure
    from heavylegs.diary.rows import EntryRow, MeasureRow
    from heavylegs.diary.validation import parse_entry, parse_measure_done
    from heavylegs.store import latest_assessment

    tmp = tmp_path_factory.mktemp("diary")
    fast, slow = _fresh(tmp, "fast.sqlite3"), _fresh(tmp, "slow.sqlite3")
    today = DAY0 + timedelta(days=7)
    for n, raw_entry in enumerate(entries):  # `log`: the same (day, part) again updates it
        entry, now = parse_entry(raw_entry, today=today), T0 + timedelta(minutes=n)
        logged = fastlite.record_entry(fast, entry.date, entry.part.value, entry.recorded(), now)
        with open_store(slow) as store, store.session() as session:
            slow_id = record_entry(session, entry, now)
            whole = (list_entries(session), list_measures(session))
        assert logged is not None and logged[0] == slow_id
        assert _typed([EntryRow(*r) for r in logged[1]]) == _typed(whole[0])
        assert _typed([MeasureRow(*r) for r in logged[2]]) == _typed(whole[1])
    for n, raw in enumerate(measures):
        if n == 2:  # an assessment before the later measures: `done` reads the newest
            output = {"triage": {"level": "routine"}, "n": n}
            for url in (fast, slow):
                with open_store(url) as store, store.session() as session:
                    save_assessment(session, {}, output, "kb", T0 + timedelta(seconds=n))
        done = parse_measure_done(raw, today=today)
        fast_done = fastlite.record_measure(
            fast, done.measure, done.date, done.at, done.minutes, done.reps, done.source.value
        )
        with open_store(slow) as store, store.session() as session:
            slow_id = record_measure(session, done)
            latest = latest_assessment(session)
        assert fast_done == (slow_id, None if latest is None else latest.output)
    assert _rows(tmp / "fast.sqlite3") == _rows(tmp / "slow.sqlite3")
    read = fastlite.read_diary(fast, since, until)
    assert read is not None
    with open_store(slow) as store, store.session() as session:
        assert _typed([EntryRow(*r) for r in read[0]]) == _typed(
            list_entries(session, since, until)
        )
        assert _typed([MeasureRow(*r) for r in read[1]]) == _typed(
            list_measures(session, since, until)
        )
