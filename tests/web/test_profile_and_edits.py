"""The profile page, changing and deleting diary entries, measures and activities with Undo, and
the caution after recording a measure the plan says to avoid."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient

from tests.training.helpers import fit_run
from tests.web.conftest import NOW, TODAY, example


def _undo_token(html: str) -> str:
    found = re.search(r'action="/undo/([^"]+)"', html)
    assert found, "the page offers Undo"
    return found.group(1)


def _diary_json(client: TestClient) -> dict[str, list[dict[str, object]]]:
    from heavylegs.diary.entries import list_entries, list_measures

    store = client.app.state.ctx.store  # type: ignore[attr-defined]
    with store.session() as session:
        return {
            "entries": [e.__dict__ if hasattr(e, "__dict__") else e for e in list_entries(session)],
            "measures": list(list_measures(session)),
        }


def test_profile_page_saves_and_shows_problems_by_field(db_client: TestClient) -> None:
    page = db_client.get("/profile")
    assert page.status_code == 200 and "<h1>Your profile</h1>" in page.text
    assert '<a href="/profile">Your profile</a>' in db_client.get("/diary").text, "in the footer"
    saved = db_client.post(
        "/profile",
        data={"sex": "female", "age": "44", "resting_hr": "52", "max_hr": "182",
              "work_start": "09:00", "work_end": "17:30", "work_days": ["mon", "tue", "wed"]},
    )  # fmt: skip
    assert saved.status_code == 200 and "Profile saved." in saved.text
    assert 'value="52"' in saved.text and 'value="wed" checked' in saved.text
    bad = db_client.post("/profile", data={"age": "4"})
    assert (
        bad.status_code == 422 and 'href="#p-age"' in bad.text and "(got &#39;4&#39;)" in bad.text
    )
    late = db_client.post("/profile", data={"work_start": "18:00", "work_end": "08:00"})
    assert late.status_code == 422 and "must be after the start" in late.text
    from heavylegs.store.person import load_profile

    with db_client.app.state.ctx.store.session() as session:  # type: ignore[attr-defined]
        kept = load_profile(session)
    assert kept.age == 44 and kept.resting_hr == 52, "a refused form changes nothing"


def test_the_training_page_uses_the_profile_heart_rates(db_client: TestClient) -> None:
    upload = db_client.post(
        "/training/import",
        files=[("files", ("run.fit", fit_run(NOW - dt.timedelta(days=2), 1800), "application/octet-stream"))],
    )  # fmt: skip
    assert upload.status_code == 200
    before = db_client.get("/training").text
    assert 'href="/profile"' in before and "HRrest" in before and "is assumed" in before
    db_client.post("/profile", data={"resting_hr": "45", "max_hr": "190"})
    after = db_client.get("/training").text
    assert "HRrest" not in after and "HRmax" not in after, "no longer assumed"


def test_change_then_undo_a_diary_entry(db_client: TestClient) -> None:
    day = TODAY.isoformat()
    db_client.post("/diary/entries", data={"date": day, "part": "evening", "heaviness": "6",
                                           "note": "hot day"})  # fmt: skip
    diary = db_client.get("/diary").text
    link = re.search(r'href="(/diary/entries/(\d+)/edit)"', diary)
    assert link, "each entry links to its edit page"
    form = db_client.get(link.group(1))
    assert form.status_code == 200 and 'value="6"' in form.text and "hot day" in form.text
    changed = db_client.post(f"/diary/entries/{link.group(2)}",
                             data={"date": day, "part": "evening", "heaviness": "3", "note": ""})  # fmt: skip
    assert changed.status_code == 200 and "Changed the diary entry" in changed.text
    (entry,) = _diary_json(db_client)["entries"]
    assert (entry.heaviness, entry.note) == (3, None)  # type: ignore[attr-defined]
    undone = db_client.post(f"/undo/{_undo_token(changed.text)}", data={"next": "/diary"})
    assert undone.status_code == 200 and "Undone" in undone.text
    (entry,) = _diary_json(db_client)["entries"]
    assert (entry.heaviness, entry.note) == (6, "hot day")  # type: ignore[attr-defined]
    bad = db_client.post(f"/diary/entries/{link.group(2)}",
                         data={"date": day, "part": "evening", "heaviness": "15"})  # fmt: skip
    assert bad.status_code == 422 and 'href="#e-heaviness"' in bad.text


def test_delete_then_undo_a_diary_entry_and_a_measure(db_client: TestClient) -> None:
    db_client.post("/diary/entries", data={"date": TODAY.isoformat(), "part": "morning",
                                           "heaviness": "4"})  # fmt: skip
    db_client.post("/diary/measures", data={"measure": "ankle_pumps", "reps": "20"})
    diary = db_client.get("/diary").text
    entry_id = re.search(r"/diary/entries/(\d+)/edit", diary).group(1)  # type: ignore[union-attr]
    measure_id = re.search(r"/diary/measures/(\d+)/edit", diary).group(1)  # type: ignore[union-attr]
    gone = db_client.post(f"/diary/measures/{measure_id}/delete")
    assert "Deleted ankle_pumps on" in gone.text
    assert _diary_json(db_client)["measures"] == []
    db_client.post(f"/undo/{_undo_token(gone.text)}", data={"next": "/diary"})
    (back,) = _diary_json(db_client)["measures"]
    assert (back.id, back.reps) == (int(measure_id), 20)  # type: ignore[attr-defined]
    gone = db_client.post(f"/diary/entries/{entry_id}/delete")
    assert _diary_json(db_client)["entries"] == []
    token = _undo_token(gone.text)
    db_client.post(f"/undo/{token}", data={"next": "/diary"})
    assert len(_diary_json(db_client)["entries"]) == 1
    again = db_client.post(f"/undo/{token}", data={"next": "/diary"})
    assert again.status_code == 410, "an undo works once"
    assert db_client.post("/diary/entries/9999/delete").status_code == 404


def test_change_a_measure_done(db_client: TestClient) -> None:
    db_client.post("/diary/measures", data={"measure": "walking", "minutes": "20"})
    measure_id = re.search(r"/diary/measures/(\d+)/edit", db_client.get("/diary").text).group(1)  # type: ignore[union-attr]
    page = db_client.get(f"/diary/measures/{measure_id}/edit")
    assert 'value="20"' in page.text
    changed = db_client.post(f"/diary/measures/{measure_id}",
                             data={"measure": "walking", "date": TODAY.isoformat(), "minutes": "35"})  # fmt: skip
    assert "Changed walking" in changed.text
    (done,) = _diary_json(db_client)["measures"]
    assert done.minutes == 35  # type: ignore[attr-defined]
    both = db_client.post(f"/diary/measures/{measure_id}",
                          data={"measure": "walking", "minutes": "3", "reps": "4"})  # fmt: skip
    assert both.status_code == 422


def test_change_delete_and_undo_an_activity(db_client: TestClient) -> None:
    db_client.post(
        "/training/import",
        files=[("files", ("run.fit", fit_run(NOW - dt.timedelta(days=2), 1800), "application/octet-stream"))],
    )  # fmt: skip
    page = db_client.get("/training/activities")
    activity_id = re.search(r'data-activity="(\d+)"', page.text).group(1)  # type: ignore[union-attr]
    named = db_client.post(
        f"/training/activities/{activity_id}", data={"title": "Park loop", "rpe": "6"}
    )
    assert named.status_code == 200 and 'value="Park loop"' in named.text
    assert (
        db_client.post(f"/training/activities/{activity_id}", data={"rpe": "12"}).status_code == 422
    )
    gone = db_client.post(f"/training/activities/{activity_id}/delete")
    assert "Deleted activity" in gone.text and "No activities yet" in gone.text
    back = db_client.post(f"/undo/{_undo_token(gone.text)}", data={"next": "/training/activities"})
    assert f'data-activity="{activity_id}"' in back.text and 'value="Park loop"' in back.text


def test_recording_a_measure_to_avoid_shows_a_caution(db_client: TestClient) -> None:
    result = db_client.post("/api/v1/assessments", json=example("after-long-flight"))
    assert result.status_code in (200, 201), result.text
    saved = db_client.post("/diary/measures", data={"measure": "walking", "minutes": "20"})
    assert saved.status_code == 200 and 'id="caution"' in saved.text
    assert "URGENT" in saved.text and "clot" in saved.text
    badge = db_client.post(
        "/diary/measures",
        data={"measure": "walking", "next": "/session"},
        headers={"hx-request": "true"},
    )
    assert "Careful:" in badge.text
    calm = db_client.post("/diary/measures", data={"measure": "get_same_day_care"})
    assert 'id="caution"' not in calm.text


def test_a_new_assessment_starts_with_sex_and_age_from_the_profile(db_client: TestClient) -> None:
    db_client.post("/profile", data={"sex": "male", "age": "61"})
    started = db_client.post("/assess/new")
    assert started.status_code == 200
    first = db_client.get("/assess/1").text
    assert 'value="61"' in first
    assert re.search(r'value="male"[^>]*checked', first), "sex pre-filled"


def test_the_calendar_download_uses_the_profile_working_hours(db_client: TestClient) -> None:
    db_client.post("/api/v1/assessments", json=example("office-worker"))
    assert "BYHOUR=10,11,12,13,14,15,16,17;" in db_client.get("/calendar.ics").text
    db_client.post("/profile", data={"work_start": "07:00", "work_end": "15:00"})
    assert "BYHOUR=8,9,10,11,12,13,14;" in db_client.get("/calendar.ics").text
