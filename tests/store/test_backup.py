"""Export and import-backup: lossless round trip, empty databases only, all or nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from heavylegs.diary.entries import list_entries, record_entry
from heavylegs.diary.validation import parse_entry
from heavylegs.store import (
    BackupError,
    Store,
    dumps_backup,
    export_backup,
    import_backup,
    open_store,
)
from heavylegs.store.backup import row_counts
from tests.store.sample import NOW, TODAY, populate


def _export(store: Store) -> str:
    with store.session() as s:
        return dumps_backup(export_backup(s))


def _restore(url: str, text: str) -> Store:
    target = open_store(url)
    with target.session() as s:
        import_backup(s, json.loads(text))
    return target


def _another_empty_db(db_url: str, request: pytest.FixtureRequest) -> str:
    """A second empty database on the same backend as ``db_url``."""
    name = "sqlite_url" if db_url.startswith("sqlite") else "pg_url"
    return str(request.getfixturevalue(name))


def test_export_import_export_is_identical(
    store: Store, db_url: str, request: pytest.FixtureRequest
) -> None:
    populate(store)
    first = _export(store)
    doc = json.loads(first)
    assert {name: len(rows) for name, rows in doc["tables"].items()} == {
        "activities": 1,
        "activity_details": 0,
        "activity_files": 0,
        "assessments": 1,
        "diary_entries": 24,
        "guided_sessions": 1,
        "measures_done": 7,
        "personal_profile": 1,
        "profile": 1,
    }
    restored = _restore(_another_empty_db(db_url, request), first)
    assert _export(restored) == first
    restored.close()


def test_sqlite_to_postgresql_and_back_is_identical(
    sqlite_url: str, pg_url: str, tmp_path: Any
) -> None:
    source = open_store(sqlite_url)
    populate(source)
    first = _export(source)
    on_pg = _restore(pg_url, first)
    assert _export(on_pg) == first
    back = _restore(f"sqlite:///{tmp_path / 'back.sqlite3'}", _export(on_pg))
    assert _export(back) == first
    for s in (source, on_pg, back):
        s.close()


def test_export_is_deterministic_text(store: Store) -> None:
    populate(store)
    text = _export(store)
    assert text == _export(store)
    assert text.endswith("\n")
    doc = json.loads(text)
    assert json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=False) + "\n" == text
    entry = doc["tables"]["diary_entries"][0]
    assert entry["day"] == "2026-11-10"
    assert entry["created_at"].endswith("+00:00")
    ids = [row["id"] for row in doc["tables"]["diary_entries"]]
    assert ids == sorted(ids)


def test_new_rows_after_a_restore_get_fresh_ids(store: Store, sqlite_url: str) -> None:
    source = open_store(sqlite_url)
    populate(source)
    with store.session() as s:
        import_backup(s, json.loads(_export(source)))
    with store.session() as s:
        before = max(e.id or 0 for e in list_entries(s))
        tomorrow = {"date": "2026-11-22", "part": "morning", "heaviness": 1}
        new_id = record_entry(s, parse_entry(tomorrow, today=TODAY), NOW)
    assert new_id > before
    source.close()


def test_a_non_empty_database_is_refused_and_left_alone(store: Store) -> None:
    populate(store)
    text = _export(store)
    before = _export(store)
    with pytest.raises(BackupError) as info, store.session() as s:
        import_backup(s, json.loads(text))
    assert info.value.problems[0].startswith("database: not empty (")
    assert "import-backup only restores into an empty database" in info.value.problems[0]
    assert _export(store) == before


def _doc(store: Store) -> dict[str, Any]:
    populate(store)
    return json.loads(_export(store))


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.update(format="other"), "format: must be 'heavylegs-backup'"),
        (lambda d: d.update(schema_revision="0000"), "schema_revision: backup has '0000'"),
        (lambda d: d.update(tables=[]), "tables: must be an object"),
        (lambda d: d["tables"].update(bogus=[]), "tables.bogus: unknown table"),
        (lambda d: d["tables"].pop("assessments"), "tables.assessments: missing"),
        (
            lambda d: d["tables"]["diary_entries"][3].update(heaviness="x"),
            "tables.diary_entries[3].heaviness: must be an integer",
        ),
        (
            lambda d: d["tables"]["diary_entries"][0].update(colour="red"),
            "tables.diary_entries[0].colour: unknown column",
        ),
        (
            lambda d: d["tables"]["measures_done"][1].pop("measure"),
            "tables.measures_done[1].measure: required",
        ),
        (
            lambda d: d["tables"]["assessments"][0].update(at="2026-01-01T00:00:00"),
            "tables.assessments[0].at: date-time needs a UTC offset",
        ),
        (
            lambda d: d["tables"]["diary_entries"][0].update(day="yesterday"),
            "tables.diary_entries[0].day",
        ),
    ],
)
def test_bad_backups_name_the_place(tmp_path: Any, mutate: Any, expected: str) -> None:
    source = open_store(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    doc = _doc(source)
    mutate(doc)
    target = open_store(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    with pytest.raises(BackupError) as info, target.session() as s:
        import_backup(s, doc)
    assert any(p.startswith(expected) for p in info.value.problems), info.value.problems
    with target.session() as s:
        assert not any(row_counts(s).values())


def test_a_restore_that_fails_half_way_leaves_nothing(store: Store, tmp_path: Any) -> None:
    source = open_store(f"sqlite:///{tmp_path / 'src.sqlite3'}")
    doc = _doc(source)
    # measures_done is inserted after diary_entries: break a row there (duplicate id)
    rows = doc["tables"]["measures_done"]
    rows.append(dict(rows[0]))
    with (
        pytest.raises(BackupError, match=r"tables\.measures_done: rows conflict"),
        store.session() as s,
    ):
        import_backup(s, doc)
    with store.session() as s:
        assert not any(row_counts(s).values())


def test_a_constraint_the_database_enforces_is_reported(store: Store, tmp_path: Any) -> None:
    source = open_store(f"sqlite:///{tmp_path / 'src.sqlite3'}")
    doc = _doc(source)
    doc["tables"]["diary_entries"][5]["heaviness"] = 11
    with (
        pytest.raises(BackupError, match=r"tables\.diary_entries: rows conflict"),
        store.session() as s,
    ):
        import_backup(s, doc)
    with store.session() as s:
        assert not any(row_counts(s).values())
