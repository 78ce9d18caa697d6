"""Ownership in the store: two people in one database never see or change each other's rows,
and a statement on personal data without an owner does not run (issue 13)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, insert, select, update

from heavylegs.diary import edits
from heavylegs.diary.entries import list_entries, list_measures, record_entry
from heavylegs.diary.validation import parse_entry
from heavylegs.reports.gather import all_assessments
from heavylegs.store import (
    Store,
    dumps_backup,
    export_backup,
    get_assessment,
    get_profile,
    import_backup,
    latest_assessment,
    open_store,
)
from heavylegs.store.accounts import Role, create_invite, sign_up
from heavylegs.store.backup import row_counts
from heavylegs.store.models import AssessmentRow, Base, DiaryEntry
from heavylegs.store.owners import LOCAL_ACCOUNT_ID, Unscoped, is_owned, owner_filter
from heavylegs.store.person import load_profile
from heavylegs.training import repository
from heavylegs.training.dedupe import Key
from heavylegs.training.importer import import_paths
from tests.store.sample import NOW, TODAY, populate

ACTIVITIES: Table = Base.metadata.tables["activities"]
FILES: Table = Base.metadata.tables["activity_files"]


def _person(store: Store, email: str) -> int:
    code = create_invite(store, email, Role.PERSON, NOW)
    return sign_up(store, code, email, "a long enough password", NOW).id


def _activity_files(shared: Path) -> list[Path]:
    folder = shared / "data" / "activities"
    return sorted(folder.glob("gpx/*.gpx"))[:2] + sorted(folder.glob("tcx/*.tcx"))[:1]


@pytest.fixture
def two(store: Store, shared: Path) -> tuple[Store, Store]:
    """Person A (account 1, the sample data and three activity files) and person B (nothing)."""
    a = store
    populate(a)
    import_paths(a, _activity_files(shared), now=NOW)
    b = store.for_owner(_person(store, "b@example.org"))
    return a, b


def _reads(store: Store) -> dict[str, Any]:
    """Every public read of the store, diary and training repository, as comparable values."""
    with store.session() as s:
        latest = latest_assessment(s)
        activities = repository.contract_rows(s)
        return {
            "latest": latest,
            "by_id": [get_assessment(s, i) for i in range(1, 5)],
            "all": all_assessments(s),
            "profile": get_profile(s),
            "personal": load_profile(s).model_dump(),
            "entries": list_entries(s),
            "measures": list_measures(s),
            "entry_by_day": edits.entry_by_day(s, TODAY, "evening"),
            "files": repository.known_files(s),
            "contract": activities,
            "listed": repository.listed_rows(s),
            "rows": repository.activity_rows(s),
            "counts": repository.count_rows(s),
            "backup_counts": row_counts(s),
            "same": [
                repository.find_same_activity(
                    s, Key(r.start_utc, r.duration_s, r.distance_m, False)
                )
                for r in repository.activity_rows(s)
            ],
        }


def test_a_person_sees_none_of_another_persons_rows(two: tuple[Store, Store]) -> None:
    a, b = two
    seen_by_a = _reads(a)
    assert seen_by_a["entries"] and seen_by_a["contract"] and seen_by_a["files"]  # A has data
    assert len(seen_by_a["contract"]) >= 3  # the sample's activity and the imported ones
    seen_by_b = _reads(b)
    assert seen_by_b["latest"] is None
    assert seen_by_b["by_id"] == [None] * 4
    assert seen_by_b["profile"] == {s: {} for s in ("about", "history", "lifestyle", "running")}
    assert seen_by_b["personal"] == load_profile_empty()
    for name in ("all", "entries", "measures", "contract", "listed", "rows"):
        assert seen_by_b[name] == [], name
    assert seen_by_b["entry_by_day"] is None
    assert seen_by_b["files"] == set()
    assert set(seen_by_b["counts"].values()) == {0}
    assert set(seen_by_b["backup_counts"].values()) == {0}
    with b.session() as s:
        assert json.loads(dumps_backup(export_backup(s)))["tables"] == {
            name: [] for name in seen_by_a["backup_counts"]
        }


def load_profile_empty() -> dict[str, Any]:
    from heavylegs.store.person import PersonalProfile

    return PersonalProfile().model_dump()


def test_a_person_cannot_change_or_delete_another_persons_rows(two: tuple[Store, Store]) -> None:
    a, b = two
    before = _reads(a)
    entry_id = before["entry_by_day"]
    activity_id = before["contract"][0]["id"]
    with b.session() as s:
        with pytest.raises(edits.NotFound):
            edits.delete_entry(s, entry_id)
        with pytest.raises(edits.NotFound):
            edits.edit_entry(s, entry_id, {"heaviness": 1}, today=TODAY, now=NOW)
        with pytest.raises(edits.NotFound):
            edits.delete_measure(s, before["measures"][0].id)
        assert repository.delete_activity(s, activity_id) is None
        assert repository.edit_activity(s, activity_id, title="mine", rpe=3) is None
        s.execute(update(AssessmentRow).values(knowledge_version="tampered"))  # ORM update
        s.execute(update(ACTIVITIES).values(sport="tampered"))  # Core update
        repository.enrich(s, next(iter(before["files"])), "mine", 9.0)
    assert _reads(a) == before


def test_the_same_file_and_the_same_diary_day_for_two_people(
    two: tuple[Store, Store], shared: Path
) -> None:
    a, b = two
    report = import_paths(b, _activity_files(shared), now=NOW)
    assert report.imported >= 2  # not "already imported": that was A's import
    assert not [n for n in report.skipped if "already" in n.message]
    entry = parse_entry({"date": TODAY, "part": "evening", "heaviness": 9}, today=TODAY)
    with b.session() as s:
        record_entry(s, entry, NOW)
    with a.session() as s:
        assert list_entries(s, TODAY, TODAY)[-1].heaviness != 9
    with b.session() as s:
        assert [e.heaviness for e in list_entries(s)] == [9]
        mine = len(repository.contract_rows(s))
    with a.session() as s:
        assert mine == len(repository.contract_rows(s)) - 1  # A has the sample's one more


def test_a_backup_goes_into_another_account_with_new_ids(two: tuple[Store, Store]) -> None:
    a, b = two
    with a.session() as s:
        doc = export_backup(s)
    with b.session() as s:
        counts = import_backup(s, json.loads(dumps_backup(doc)))
    assert counts["diary_entries"] == 24
    with b.session() as s:
        mine = export_backup(s)
    assert {k: len(v) for k, v in mine["tables"].items()} == {
        k: len(v) for k, v in doc["tables"].items()
    }
    ids_a = {r["id"] for r in doc["tables"]["diary_entries"]}
    assert ids_a.isdisjoint(r["id"] for r in mine["tables"]["diary_entries"])
    # the children follow their parents: each restored file names a restored activity
    activity_ids = {r["id"] for r in mine["tables"]["activities"]}
    assert {r["activity_id"] for r in mine["tables"]["activity_files"]} <= activity_ids
    assert _reads(a)["entries"] == _reads(a)["entries"]


def test_a_session_without_an_owner_cannot_touch_personal_data(db_url: str) -> None:
    server = open_store(db_url, owner=None)
    try:
        assert server.owner is None
        for statement in (
            select(AssessmentRow),
            select(ACTIVITIES.c.id),
            insert(ACTIVITIES).values(sport="x"),
            update(DiaryEntry).values(note="x"),
        ):
            with pytest.raises(Unscoped), server.session() as s:
                s.execute(statement)
        with pytest.raises(Unscoped), server.session() as s:
            s.add(DiaryEntry(day=TODAY, part="evening", created_at=NOW, updated_at=NOW))
            s.flush()
        with pytest.raises(Unscoped), server.session() as s:
            latest_assessment(s)
    finally:
        server.close()


def test_a_subquery_without_an_owner_filter_does_not_run(store: Store) -> None:
    nested = select(FILES.c.activity_id).where(FILES.c.sha256 == "x").scalar_subquery()
    with pytest.raises(Unscoped, match="activity_files"), store.session() as s:
        s.execute(select(ACTIVITIES.c.id).where(ACTIVITIES.c.id == nested))
    with store.session() as s:
        filtered = (
            select(FILES.c.activity_id)
            .where(FILES.c.sha256 == "x", owner_filter(s, FILES))
            .scalar_subquery()
        )
        assert s.execute(select(ACTIVITIES.c.id).where(ACTIVITIES.c.id == filtered)).all() == []


def test_rows_naming_another_owner_are_refused(two: tuple[Store, Store]) -> None:
    _a, b = two
    row = {"sport": "running", "start_utc": NOW, "source_sha256": "cd" * 32}
    with pytest.raises(Unscoped), b.session() as s:
        s.execute(insert(ACTIVITIES), [{**row, "owner_id": LOCAL_ACCOUNT_ID}])
    with pytest.raises(Unscoped), b.session() as s:
        s.add(
            DiaryEntry(
                day=TODAY, part="evening", created_at=NOW, updated_at=NOW, owner_id=1, heaviness=2
            )
        )
        s.flush()


def test_every_table_with_personal_data_is_owned() -> None:
    """A new table holding a person's data must be Owned (else it would be everyone's)."""
    not_owned = {t.name for t in Base.metadata.sorted_tables if not is_owned(t)}
    assert not_owned == {
        "accounts",
        "invites",
        "web_sessions",
        "api_tokens",
        "shares",
        "audit_log",
        "login_attempts",
    }


def test_the_local_store_is_account_one(db_url: str) -> None:
    with open_store(db_url) as store:
        assert store.owner == LOCAL_ACCOUNT_ID
        with store.session() as s:
            s.add(DiaryEntry(day=TODAY, part="morning", heaviness=3, created_at=NOW,
                             updated_at=NOW))  # fmt: skip
        with store.session() as s:
            assert s.scalars(select(DiaryEntry.owner_id)).all() == [LOCAL_ACCOUNT_ID]
    _ = dt


def test_an_undo_snapshot_goes_back_to_its_owner_only(two: tuple[Store, Store]) -> None:
    from heavylegs.store.undo import put_back

    a, b = two
    entry_id = _reads(a)["entry_by_day"]
    with a.session() as s:
        snapshot = edits.delete_entry(s, entry_id)
    with pytest.raises(Unscoped), b.session() as s:
        put_back(s, snapshot)
    assert _reads(b)["entries"] == []
    with a.session() as s:
        put_back(s, snapshot)
    assert _reads(a)["entry_by_day"] == entry_id


def test_the_report_and_fhir_export_hold_the_owners_data_only(two: tuple[Store, Store]) -> None:
    from heavylegs.knowledge.loader import load_knowledge
    from heavylegs.reports import NothingToReport
    from heavylegs.reports.fhir import render_bundle
    from heavylegs.reports.gather import gather

    a, b = two
    kb = load_knowledge()
    with a.session() as s:
        of_a = gather(s, NOW, kb)
    with b.session() as s:
        of_b = gather(s, NOW, kb)
    assert not of_a.empty and of_b.empty
    assert "Tag 1:" in json.dumps(render_bundle(of_a))  # a note of A's diary
    with pytest.raises(NothingToReport):
        render_bundle(of_b)


def test_every_owned_table_of_a_join_is_filtered() -> None:
    """A joined table left unfiltered would pair one person's activity with another's file."""
    from heavylegs.store.owners import scoped

    details = Base.metadata.tables["activity_details"]
    joined = (
        select(ACTIVITIES.c.id, FILES.c.name, details.c.title)
        .join(FILES, FILES.c.sha256 == ACTIVITIES.c.source_sha256)
        .outerjoin(details, details.c.activity_id == ACTIVITIES.c.id)
    )
    where = str(scoped(joined, 7, orm=False).whereclause)
    for table in ("activities", "activity_files", "activity_details"):
        assert f"{table}.owner_id = :owner_id_" in where, table
    aliased = FILES.alias("f")
    where = str(scoped(select(aliased.c.name), 7, orm=False).whereclause)
    assert "f.owner_id = :owner_id_" in where


def test_an_outer_joined_owned_table_stays_optional() -> None:
    """The owner filter on an outer join's optional side keeps the rows that matched nothing."""
    from heavylegs.store.owners import scoped

    details = Base.metadata.tables["activity_details"]
    joined = select(ACTIVITIES.c.id, details.c.title).outerjoin(
        details, details.c.activity_id == ACTIVITIES.c.id
    )
    where = str(scoped(joined, 7, orm=False).whereclause)
    assert "activity_details.owner_id IS NULL" in where
    assert "activities.owner_id IS NULL" not in where


def test_an_activity_without_details_is_still_listed(two: tuple[Store, Store]) -> None:
    """Rows of an older database may have no details row: the scoped outer join still finds them."""
    a, b = two
    details = Base.metadata.tables["activity_details"]
    with a.session() as s:
        before = len(repository.listed_rows(s))
        first = repository.activity_rows(s)[0]
        s.execute(details.delete().where(details.c.activity_id == first.id))
    with a.session() as s:
        assert len(repository.listed_rows(s)) == before
        key = Key(first.start_utc, first.duration_s, first.distance_m, False)
        assert repository.find_same_activity(s, key) is not None
    with b.session() as s:
        assert repository.listed_rows(s) == []
