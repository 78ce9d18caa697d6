"""Small wording rules of the report's facts."""

from __future__ import annotations

from heavylegs.reports import facts


def test_age_band() -> None:
    assert [facts.age_band(a) for a in (15, 18, 34, 40, 79, 80, None, True)] == [
        "under 18",
        "10–19",
        "30–39",
        "40–49",
        "70–79",
        "80 or over",
        "not given",
        "not given",
    ]


def test_first_sentence() -> None:
    assert facts.first_sentence("One. Two.") == "One."
    assert facts.first_sentence("Only one.") == "Only one."


def test_avoid_lines_group_the_same_reason() -> None:
    items = [
        {"id": "plyometrics", "why": "swollen"},
        {"id": "heavy_squats", "why": "swollen"},
        {"id": "running", "why": "other"},
    ]
    titles = {"plyometrics": "Plyometrics", "heavy_squats": "Heavy squats"}
    assert facts.avoid_lines(items, titles) == [
        "Avoid plyometrics, heavy squats: swollen",
        "Avoid running: other",
    ]


def test_warning_signs_are_yes_no_or_not_asked() -> None:
    signs = facts.warning_signs(
        {
            "symptoms": {"calf_tender_to_touch": True, "warm_red_skin": False},
            "whole_body": {"short_of_breath": "sudden"},
        }
    )
    assert "calf tender to touch" in signs.yes and "short of breath: sudden" in signs.yes
    assert signs.no == ["warm red skin"]
    assert "fever or chills" in signs.not_asked and "calf tender to touch" not in signs.not_asked


def test_causes_show_evidence_for_and_against() -> None:
    output = {
        "causes": [
            {
                "id": "static_posture",
                "likelihood": 0.8,
                "why": ["sits all day"],
                "against": ["walks a lot"],
            },
            {"id": "lymphedema", "likelihood": 0.1, "why": []},
        ]
    }
    assert facts.causes(output, {"static_posture": "Long sitting"}) == [
        "Long sitting (80%): sits all day (against: walks a lot)",
        "lymphedema (10%)",
    ]
