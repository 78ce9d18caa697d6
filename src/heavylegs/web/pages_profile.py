"""The profile page: sex, age, resting and maximum heart rate, working hours and days.

A face over :mod:`heavylegs.store.person` (the same rules as ``heavylegs profile``): an empty box
means "not said", every problem is shown next to its field.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from heavylegs.web.templating import context, page, redirect

router = APIRouter(include_in_schema=False)


def _form(profile: Any) -> dict[str, Any]:
    from heavylegs.store.person import WEEKDAYS

    return {
        "sex": "" if profile.sex is None else profile.sex.value,
        "age": "" if profile.age is None else str(profile.age),
        "resting_hr": "" if profile.resting_hr is None else str(profile.resting_hr),
        "max_hr": "" if profile.max_hr is None else str(profile.max_hr),
        "work_start": "" if profile.work_start is None else profile.work_start.strftime("%H:%M"),
        "work_end": "" if profile.work_end is None else profile.work_end.strftime("%H:%M"),
        "work_days": [WEEKDAYS[d - 1] for d in profile.work_days],
    }


def _values(form: dict[str, Any], errors: dict[str, str], saved: bool) -> dict[str, Any]:
    from heavylegs.store.person import LABELS, WEEKDAYS

    return {"form": form, "errors": errors, "saved": saved, "labels": LABELS, "weekdays": WEEKDAYS}


@router.get("/profile")
def profile_page(request: Request, saved: str | None = None) -> Response:
    from heavylegs.store.person import load_profile

    ctx = context(request)
    if not ctx.has_db:
        return page(request, "no_db.html", {"what": "Your profile"})
    with ctx.reading() as session:
        current = load_profile(session)
    return page(request, "profile.html", _values(_form(current), {}, saved == "1"))


@router.post("/profile")
async def save_profile_page(request: Request) -> Response:
    from heavylegs.store.person import FIELDS, ProfileError, parse_profile, save_profile

    ctx = context(request)
    if not ctx.has_db:
        return page(request, "no_db.html", {"what": "Your profile"}, status=503)
    posted = await request.form()
    form: dict[str, Any] = {
        name: str(posted.get(name) or "").strip() for name in FIELDS if name != "work_days"
    }
    form["work_days"] = [str(day) for day in posted.getlist("work_days")]
    try:
        profile = parse_profile({**form, "work_days": ",".join(form["work_days"])})
        now = ctx.now()
        await ctx.in_session(lambda session: save_profile(session, profile, now))
    except ProfileError as exc:
        from heavylegs.web.forms import field_errors

        errors = field_errors(exc.problems)
        return page(request, "profile.html", _values(form, errors, False), 422)
    return redirect(request, "/profile?saved=1")
