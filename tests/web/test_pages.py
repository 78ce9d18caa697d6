"""The HTML pages through plain form posts (no JavaScript): wizard, result, session, diary, export."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import TODAY, example

PAGES = (
    "/",
    "/assess",
    "/assess/1",
    "/assess/2",
    "/assess/8",
    "/session",
    "/session/desk",
    "/session/legs_up_the_wall",
    "/diary",
    "/export",
    "/sources",
    "/ask",
    "/ask?q=why+are+my+legs+heavy",
    "/ask?q=my+calf+is+swollen+hot+and+red",
    "/training",
    "/training/import",
)


class Controls(HTMLParser):
    """Collects form controls, labels and the page's lang and viewport."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self.in_label = 0
        self.lang: str | None = None
        self.viewport = False
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(str(a["id"]))
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "meta" and a.get("name") == "viewport":
            self.viewport = "width=device-width" in (a.get("content") or "")
        if tag == "label":
            self.in_label += 1
            if a.get("for"):
                self.label_for.add(str(a["for"]))
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append({**a, "labelled": "yes" if self.in_label else None})

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.in_label -= 1


def parse(html: str) -> Controls:
    parser = Controls()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_lang_viewport_and_a_label_on_every_input(
    db_client: TestClient, path: str
) -> None:
    response = db_client.get(path)
    assert response.status_code == 200
    page = parse(response.text)
    assert page.lang == "en" and page.viewport
    for control in page.controls:
        labelled = control["labelled"] or control.get("id") in page.label_for
        assert labelled or control.get("aria-label"), (path, control)
    assert len(page.ids) == len(set(page.ids)), f"duplicate ids on {path}"
    assert "cdn" not in response.text.lower() and "https://unpkg" not in response.text
    assert re.search(r'<script src="/static/htmx\.min\.js"', response.text)


def test_security_headers_and_cross_site_posts(client: TestClient) -> None:
    response = client.get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    refused = client.post("/assess/new", headers={"origin": "https://evil.example"})
    assert refused.status_code == 403
    allowed = client.post("/assess/new", headers={"origin": "http://testserver"})
    assert allowed.status_code == 200


def test_unknown_host_names_are_refused_when_hosts_are_listed() -> None:
    from heavylegs.web.app import create_app

    app = create_app(None, allowed_hosts=["127.0.0.1", "localhost"])
    with TestClient(app, base_url="http://127.0.0.1:8000") as ok:
        assert ok.get("/").status_code == 200
    with TestClient(app, base_url="http://rebound.example") as rebinding:
        assert rebinding.get("/").status_code == 400


def _post_step(client: TestClient, step: int, **fields: Any) -> Any:
    data: dict[str, Any] = {"nav": fields.pop("nav", "next")}
    for key, value in fields.items():
        data[key.replace("__", ".")] = value
    return client.post(f"/assess/{step}", data=data)


def test_wizard_back_and_forward_keep_answers(client: TestClient) -> None:
    client.post("/assess/new")
    page = _post_step(
        client, 1, about__age="47", about__sex="female", shown=["about.age", "about.sex"]
    )
    assert page.url.path == "/assess/1"  # pregnancy questions come up for a woman of 47
    assert "New" in page.text and 'id="q-about-pregnant"' in page.text
    page = _post_step(
        client,
        1,
        about__age="47",
        about__sex="female",
        about__pregnant="no",
        shown=["about.age", "about.sex", "about.pregnant", "about.weeks_since_giving_birth"],
    )
    assert page.url.path == "/assess/2"
    page = _post_step(client, 2, symptoms__legs="left", nav="back")
    assert page.url.path == "/assess/1"
    assert 'value="47"' in page.text
    assert re.search(r'value="female" id="q-about-sex-female" checked', page.text)
    page = client.get("/assess/2")
    assert re.search(r'value="left" id="q-symptoms-legs-left" checked', page.text)


def test_errors_are_shown_next_to_their_field_with_422(client: TestClient) -> None:
    client.post("/assess/new")
    page = _post_step(client, 1, about__age="200")
    assert page.status_code == 422
    assert 'id="q-about-age-error"' in page.text and "Must be between 12 and 110" in page.text
    assert 'aria-invalid="true"' in page.text and 'value="200"' in page.text
    assert '<a href="#q-about-age">' in page.text
    page = _post_step(client, 2, symptoms__heaviness="3")
    assert page.status_code == 422 and 'id="q-symptoms-legs-error"' in page.text


def test_an_emergency_is_shown_as_soon_as_the_warning_signs_are_answered(
    client: TestClient,
) -> None:
    client.post("/assess/new")
    _post_step(client, 1)
    _post_step(client, 2, symptoms__legs="right", symptoms__onset="sudden")
    page = _post_step(client, 3, symptoms__sudden_cold_pale_or_blue_leg="yes")
    assert page.url.path == "/assess/alert"
    assert "EMERGENCY" in page.text and "Continue with the questions" in page.text
    result = client.post("/assess/finish")
    assert result.url.path == "/result"
    text = result.text
    assert text.index('class="triage triage-emergency triage-serious"') < text.index(
        "What is likely behind it"
    )


def test_result_page_order_and_source_links(db_client: TestClient) -> None:
    saved = db_client.post("/api/v1/assessments", json=example("after-long-flight"))
    page = db_client.get(saved.headers["location"].replace("/api/v1/assessments", "/results"))
    text = page.text
    order = [
        text.index(marker)
        for marker in (
            'id="triage"',
            "What to do now",
            "What is likely behind it",
            'id="plan-title"',
            "Avoid for now",
            "See a doctor if",
        )
    ]
    assert order == sorted(order)
    assert 'role="alert"' in text and "URGENT" in text
    assert 'href="https://www.nhs.uk/conditions/deep-vein-thrombosis-dvt/"' in text
    assert 'id="plan-walking"' not in text and 'id="avoid-walking"' in text
    assert db_client.get("/results/999").status_code == 404
    assert db_client.get("/results/abc").status_code == 404


def test_finishing_stores_the_assessment_and_prefills_the_next_one(db_client: TestClient) -> None:
    db_client.post("/assess/new")
    _post_step(db_client, 1, about__age="70", about__sex="male")
    _post_step(db_client, 2, symptoms__legs="both")
    for step in (3, 4):
        _post_step(db_client, step)
    result = _post_step(db_client, 5, history__smoker="yes", nav="finish")
    assert re.fullmatch(r"/results/\d+", result.url.path)
    latest = db_client.get("/api/v1/assessments/latest").json()
    assert latest["answers"]["about"] == {"age": 70, "sex": "male"}
    db_client.cookies.clear()
    page = db_client.post("/assess/new")
    assert 'value="70"' in page.text


def test_finish_early_is_only_offered_after_the_warning_signs(client: TestClient) -> None:
    client.post("/assess/new")
    assert "See my result now" not in client.get("/assess/3").text
    assert "See my result now" not in client.get("/assess/4").text
    assert "See my result now" in client.get("/assess/5").text
    _post_step(client, 2, symptoms__legs="both")
    page = _post_step(client, 3, nav="finish")  # not offered here: it just goes on
    assert page.url.path == "/assess/4"


def test_diary_forms(db_client: TestClient) -> None:
    day = TODAY.isoformat()
    page = db_client.post(
        "/diary/entries",
        data={"date": day, "part": "evening", "heaviness": "7", "ankle_left_cm": "24"},
    )
    assert page.url.path == "/diary" and "Diary entry saved" in page.text
    assert f'data-day="{day}" data-part="evening" data-value="7"' in page.text
    bad = db_client.post(
        "/diary/entries",
        data={"date": day, "part": "evening", "heaviness": "7", "ankle_left_cm": "900"},
    )
    assert (
        bad.status_code == 422
        and 'id="d-ankle_left_cm-error"' in bad.text
        and 'value="900"' in bad.text
    )
    done = db_client.post("/diary/measures", data={"measure": "calf_raises", "reps": "12"})
    assert "Measure recorded" in done.text and "Calf raises (12 reps)" in done.text
    back = db_client.post(
        "/diary/measures", data={"measure": "walking", "next": "/results/1?done=walking"}
    )
    assert back.url.path == "/results/1"
    elsewhere = db_client.post(
        "/diary/measures",
        data={"measure": "walking", "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert elsewhere.headers["location"] == "/diary?saved=measure"
    unknown = db_client.post("/diary/measures", data={"measure": "flying"})
    assert unknown.status_code == 422 and "unknown measure" in unknown.text


def test_guided_session_checklist_records_the_planned_amounts(db_client: TestClient) -> None:
    page = db_client.get("/session/desk")
    assert 'id="session-plan"' in page.text and "Ankle pumps" in page.text
    saved = db_client.post(
        "/session/desk/done", data={"done.ankle_pumps": "1", "done.calf_raises": "1"}
    )
    assert saved.url.path == "/diary" and "Session recorded" in saved.text
    measures = {m["measure"]: m for m in db_client.get("/api/v1/measures-done").json()}
    assert measures["ankle_pumps"]["reps"] == 20 and measures["calf_raises"]["reps"] == 24
    assert all(m["source"] == "session" for m in measures.values())
    timed = db_client.post(
        "/session/legs_up_the_wall/done",
        data={"done.legs_up_the_wall": "1", "seconds.legs_up_the_wall": "5", "outcome": "stopped"},
    )
    assert (
        timed.status_code == 422 and "Nothing to record" in timed.text
    )  # under 10 s does not count
    bad = db_client.post(
        "/session/desk/done", data={"done.ankle_pumps": "1", "reps.ankle_pumps": "many"}
    )
    assert bad.status_code == 422 and "reps.ankle_pumps" in bad.text
    assert db_client.get("/session/not-a-routine").status_code == 404


def test_session_skips_what_the_latest_assessment_says_to_avoid(db_client: TestClient) -> None:
    db_client.post("/api/v1/assessments", json=example("after-long-flight"))
    page = db_client.get("/session/evening")
    assert "does not replace that" in page.text
    assert "Skipped Legs up the wall: your last assessment says to avoid it" in page.text
    index = db_client.get("/session").text
    assert 'href="/session/legs_up_the_wall"' not in index


def test_export_downloads_the_backup(db_client: TestClient) -> None:
    db_client.post("/api/v1/assessments", json=example("office-worker"))
    response = db_client.get("/export/backup.json")
    assert response.status_code == 200
    assert (
        response.headers["content-disposition"]
        == f'attachment; filename="heavylegs-backup-{TODAY.isoformat()}.json"'
    )
    assert response.json()["format"] == "heavylegs-backup"


def test_without_a_database_pages_say_so(client: TestClient) -> None:
    assert "needs a database" in client.get("/diary").text
    assert client.get("/export/backup.json").status_code == 503
    assert client.post("/diary/entries", data={"heaviness": "3"}).status_code == 503


def test_unknown_pages_are_404_pages(client: TestClient) -> None:
    for path in ("/nowhere", "/assess/9", "/assess/0", "/api/v1/nothing"):
        assert client.get(path).status_code == 404
    assert client.get("/api/v1/nothing").json()["problems"] == ["(document): no such page"]
    assert client.get("/assess/alert?after=x").status_code == 422
