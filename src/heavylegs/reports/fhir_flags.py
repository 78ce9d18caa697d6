"""The diary's own warnings in the FHIR bundle, as ``Flag`` resources.

Its own module so :mod:`heavylegs.reports.fhir` stays short; a pure function of
:class:`ReportData`, like the rest of the bundle.
"""

from __future__ import annotations

from typing import Any

from heavylegs.reports import fhir_codes as c
from heavylegs.reports.gather import ReportData


def diary_flags(data: ReportData, key: str, subject: dict[str, str]) -> list[dict[str, Any]]:
    """What the diary's own rules raise (``heavylegs insights``), as active ``Flag``s with the
    triage level. Why: new one-sided swelling logged after a self-care assessment is urgent in
    the diary, and the bundle said only "self-care" (its RiskAssessments are the assessments').
    The id is the rule and the day it was raised on: the same day's export gives the same ids.
    """
    if data.insights is None:
        return []
    day = data.insights.as_of.isoformat()
    flags = []
    for found in data.insights.escalation:
        level = found.level.value
        flags.append(
            {
                "resourceType": "Flag",
                "id": c.stable_id("Flag", key, found.id, day),
                "extension": c.triage_extension(level),
                "status": "active",
                "code": {"text": c.fhir_string(found.message) or found.id.replace("_", " ")},
                "subject": subject,
                "period": {"start": day},
            }
        )
    return flags
