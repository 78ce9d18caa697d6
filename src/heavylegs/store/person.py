"""The personal profile: what a person says about themselves once, used by several stages.

* the assessment pre-fills sex and age from it (the interview does not ask them again);
* training load uses the resting and maximum heart rate (heart-rate reserve);
* calendar reminders fall inside the working hours (``load_profile`` is the stage function the
  reports call).

It lives next to the store, under every stage, because the assessment, training and reports all
read it and none of them may import another. The rules are few and plain (ranges a person can
act on); each problem is one ``field: message`` line, like the diary's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from heavylegs.problems import Problems
from heavylegs.store.models import PersonalProfileRow, Profile

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FIELDS = ("sex", "age", "resting_hr", "max_hr", "work_start", "work_end", "work_days")
"""The profile's fields, in the order a person is asked and shown them."""

LABELS = {
    "sex": "sex",
    "age": "age",
    "resting_hr": "resting heart rate",
    "max_hr": "maximum heart rate",
    "work_start": "work starts",
    "work_end": "work ends",
    "work_days": "working days",
}


class Sex(StrEnum):
    """The assessment schema's choices (``about.sex``)."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class ProfileError(Problems, ValueError):
    """Invalid profile input; ``problems`` holds one ``field: message`` line per problem."""


class PersonalProfile(BaseModel):
    """Every field is optional: ``None`` (or no working days) means "not said"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sex: Sex | None = None
    age: Annotated[int | None, Field(ge=12, le=110)] = None
    resting_hr: Annotated[int | None, Field(ge=25, le=120)] = None
    max_hr: Annotated[int | None, Field(ge=100, le=240)] = None
    work_start: dt.time | None = None
    work_end: dt.time | None = None
    work_days: tuple[int, ...] = ()
    """ISO weekdays, 1 = Monday … 7 = Sunday, sorted."""

    @field_validator("work_start", "work_end", mode="before")
    @classmethod
    def _clock(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                hours, minutes = value.strip().split(":")
                return dt.time(int(hours), int(minutes))
            except ValueError:
                raise ValueError("must be a time of day HH:MM, e.g. 09:00") from None
        return value

    @field_validator("work_days", mode="before")
    @classmethod
    def _days(cls, value: object) -> object:
        if isinstance(value, str):
            return parse_days(value)
        return value

    @field_validator("work_days")
    @classmethod
    def _days_valid(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(not 1 <= day <= 7 for day in value):
            raise ValueError("days are 1 (Monday) to 7 (Sunday)")
        return tuple(sorted(set(value)))

    @model_validator(mode="after")
    def _consistent(self) -> PersonalProfile:
        problems = []
        if (
            self.resting_hr is not None
            and self.max_hr is not None
            and self.max_hr <= self.resting_hr + 20
        ):
            problems.append("max_hr: must be well above the resting heart rate")
        if (self.work_start is None) != (self.work_end is None):
            problems.append("work_end: give both the start and the end of the working day")
        elif (
            self.work_start is not None
            and self.work_end is not None
            and (self.work_end <= self.work_start)
        ):
            problems.append("work_end: must be after the start of the working day")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def is_empty(self) -> bool:
        return self == PersonalProfile()

    def shown(self) -> dict[str, str]:
        """Each field said, in plain words ("52 bpm", "Mon–Fri"), for the CLI and the web."""
        out: dict[str, str] = {}
        if self.sex is not None:
            out["sex"] = self.sex.value
        if self.age is not None:
            out["age"] = f"{self.age} years"
        if self.resting_hr is not None:
            out["resting_hr"] = f"{self.resting_hr} bpm"
        if self.max_hr is not None:
            out["max_hr"] = f"{self.max_hr} bpm"
        if self.work_start is not None and self.work_end is not None:
            out["work_start"] = self.work_start.strftime("%H:%M")
            out["work_end"] = self.work_end.strftime("%H:%M")
        if self.work_days:
            out["work_days"] = days_text(self.work_days)
        return out

    def about(self) -> dict[str, Any]:
        """The assessment's ``about`` answers this profile knows (to pre-fill the interview)."""
        about: dict[str, Any] = {}
        if self.sex is not None:
            about["sex"] = self.sex.value
        if self.age is not None:
            about["age"] = self.age
        return about


def parse_days(text: str) -> tuple[int, ...]:
    """``mon-fri``, ``mon,wed,fri``, ``weekdays``, ``every day`` or ``none`` as ISO weekdays."""
    words = text.strip().lower().replace(" ", "")
    if words in ("", "none"):
        return ()
    if words in ("weekdays", "mon-fri"):
        return (1, 2, 3, 4, 5)
    if words in ("everyday", "daily", "all", "mon-sun"):
        return tuple(range(1, 8))
    days: list[int] = []
    for part in words.split(","):
        first, _, last = part.partition("-")
        try:
            start = WEEKDAYS.index(first[:3]) + 1
            end = WEEKDAYS.index(last[:3]) + 1 if last else start
        except ValueError:
            raise ValueError("days like mon-fri or mon,wed,fri") from None
        if end < start:
            raise ValueError(f"{part}: a range goes from an earlier to a later day")
        days.extend(range(start, end + 1))
    return tuple(days)


def days_text(days: tuple[int, ...]) -> str:
    """ISO weekdays as short plain text: ``Mon–Fri``, ``Mon, Wed, Fri``."""
    names = [WEEKDAYS[d - 1].capitalize() for d in days]
    if len(days) > 2 and list(days) == list(range(days[0], days[-1] + 1)):
        return f"{names[0]}–{names[-1]}"
    return ", ".join(names)


def parse_profile(
    changes: Mapping[str, Any], base: PersonalProfile | None = None
) -> PersonalProfile:
    """``base`` with ``changes`` applied (a value ``None`` or ``""`` clears that field).

    Raises :class:`ProfileError` naming every field that is wrong.
    """
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise ProfileError([f"{name}: not a profile field" for name in unknown])
    data = (base or PersonalProfile()).model_dump()
    for name, value in changes.items():
        cleared = value is None or (isinstance(value, str) and not value.strip())
        data[name] = (() if name == "work_days" else None) if cleared else value
    try:
        return PersonalProfile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(_problems(exc)) from None


def _problems(exc: ValidationError) -> list[str]:
    problems: list[str] = []
    for err in exc.errors():
        loc = ".".join(str(part) for part in err["loc"])
        message = str(err["msg"]).removeprefix("Value error, ")
        if not loc:  # the model validator: its lines already name their fields
            problems.extend(message.splitlines())
        else:
            value = err.get("input")
            shown = "" if isinstance(value, Mapping) else f" (got {value!r})"
            problems.append(f"{loc}: {message[:1].lower()}{message[1:]}{shown}")
    return problems


def load_profile(session: Session) -> PersonalProfile:
    """The saved profile. Sex and age not saved yet come from the last assessment's answers."""
    row = session.scalars(select(PersonalProfileRow)).first()  # the owner's one row
    values: dict[str, Any] = {}
    if row is not None:
        values = {
            "sex": row.sex,
            "age": row.age,
            "resting_hr": row.resting_hr,
            "max_hr": row.max_hr,
            "work_start": row.work_start,
            "work_end": row.work_end,
            "work_days": tuple(int(d) for d in (row.work_days or "").split(",") if d),
        }
    answered = session.scalars(select(Profile)).first()
    about = answered.about if answered is not None else {}
    for name in ("sex", "age"):
        if values.get(name) is None and about.get(name) is not None:
            values[name] = about[name]
    try:
        return PersonalProfile.model_validate(values)
    except ValidationError:  # a row written by hand or an older rule: never block a command
        return PersonalProfile()


def save_profile(session: Session, profile: PersonalProfile, at: dt.datetime) -> None:
    """Store ``profile`` as the one personal profile (replacing the previous one)."""
    row = session.scalars(select(PersonalProfileRow).with_for_update()).first()
    if row is None:
        row = PersonalProfileRow(updated_at=at)
        session.add(row)
    row.sex = None if profile.sex is None else profile.sex.value
    row.age = profile.age
    row.resting_hr = profile.resting_hr
    row.max_hr = profile.max_hr
    row.work_start = None if profile.work_start is None else profile.work_start.strftime("%H:%M")
    row.work_end = None if profile.work_end is None else profile.work_end.strftime("%H:%M")
    row.work_days = ",".join(str(d) for d in profile.work_days) or None
    row.updated_at = at
    session.flush()
