"""Every error that carries located problems has one shape: ``problems`` and ``locations``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from heavylegs.problems import Problems


def test_problems_join_into_the_message_and_name_their_places() -> None:
    error = Problems(["symptoms.heaviness: must be 0-10", "about.age: must be a whole number"])
    assert str(error) == "symptoms.heaviness: must be 0-10; about.age: must be a whole number"
    assert error.locations == ["symptoms.heaviness", "about.age"]


def test_the_stage_errors_are_problems() -> None:
    from heavylegs.assessment.validation import AnswersError, parse_answers
    from heavylegs.diary.validation import DiaryInputError, parse_entry

    with pytest.raises(AnswersError) as answers:
        parse_answers({"symptoms": {"heaviness": 11}})
    assert isinstance(answers.value, Problems) and isinstance(answers.value, ValueError)
    assert "symptoms.heaviness" in answers.value.locations
    with pytest.raises(DiaryInputError) as diary:
        parse_entry({"heaviness": "heavy"}, today=dt.date(2026, 1, 1))
    assert isinstance(diary.value, Problems) and diary.value.problems


def test_the_other_problem_errors_share_the_base() -> None:
    from heavylegs.chart_files import ChartFormatError, chart_format
    from heavylegs.cli.output import Fail
    from heavylegs.reports.calendar import HoursError
    from heavylegs.reports.fhir_import import BundleError
    from heavylegs.store.backup import BackupError

    for error in (
        BackupError(["tables.entries[3].day: not a date"]),
        Fail(["--db: no such file"], code=1),
        BundleError("$.entry[0]", "not a resource"),
        HoursError("end: must be after start (09:00)"),
    ):
        assert isinstance(error, Problems) and str(error) == "; ".join(error.problems)
    with pytest.raises(ChartFormatError) as chart:
        chart_format(Path("x.pdf"))
    assert isinstance(chart.value, Problems) and isinstance(chart.value, ValueError)
    assert Fail(["x: y"], code=1).code == 1


def test_profile_and_not_found_errors_are_problems_and_catchable_as_before() -> None:
    from heavylegs.diary.edits import NotFound
    from heavylegs.store.person import ProfileError, parse_profile

    with pytest.raises(ValueError) as profile:
        parse_profile({"age": "old", "nickname": "x"})
    assert isinstance(profile.value, ProfileError) and isinstance(profile.value, Problems)
    assert profile.value.locations == ["nickname"]
    missing = NotFound("diary entry", 7)
    assert isinstance(missing, LookupError) and isinstance(missing, Problems)
    assert missing.problems == ["id: no diary entry 7"] and missing.locations == ["id"]
