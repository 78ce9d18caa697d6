"""Flatten the answers into ``section.field`` values and add the ``derived.*`` values.

Rules in the knowledge base read this flat mapping. The derived formulas live in
:mod:`heavylegs.assessment.derived` (re-exported here), which imports no pydantic, so the
start-up path (:mod:`heavylegs.assessment.plain_answers`) shares them.
"""

from __future__ import annotations

from typing import Any

from heavylegs.assessment.answers import SECTIONS, Answers
from heavylegs.assessment.derived import CLOT_CONDITIONS as CLOT_CONDITIONS
from heavylegs.assessment.derived import CLOT_RECENT as CLOT_RECENT
from heavylegs.assessment.derived import DERIVED as DERIVED
from heavylegs.assessment.derived import FLUID_CONDITIONS as FLUID_CONDITIONS
from heavylegs.assessment.derived import POSTPARTUM_WEEKS as POSTPARTUM_WEEKS
from heavylegs.assessment.derived import derive as derive

PATHS = {
    section: {name: f"{section}.{name}" for name in model.model_fields}
    for section, model in SECTIONS.items()
}
"""``section.field`` strings built once, not per assessment."""


def flatten(answers: Answers) -> dict[str, Any]:
    """``{"symptoms.legs": "left", ...}`` for every answered field, plus ``derived.*``."""
    flat: dict[str, Any] = {}
    for section in SECTIONS:  # the models' own dicts: no serialisation round trip
        part = answers.__dict__[section]
        if part is not None:
            for name, value in part.__dict__.items():
                if value is not None:
                    flat[PATHS[section][name]] = value
    flat.update({f"derived.{k}": v for k, v in derive(flat).items() if v is not None})
    return flat
