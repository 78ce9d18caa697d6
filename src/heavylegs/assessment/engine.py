"""Answers in, assessment out: triage first, then ranked causes, then a plan that is safe.

Everything is a pure function of the answers and the knowledge base, so the same input always
gives the same output (golden files and the vignette runner rely on it). The knowledge base is
compiled once per version (``compiled.py``); the reasoning itself is :mod:`heavylegs.assessment.
reasoning`, which writes the JSON document; here it becomes the output models for the faces that
read them (the pages, the reports, the console).
"""

from __future__ import annotations

from typing import Any

from heavylegs.assessment.answers import Answers
from heavylegs.assessment.compiled import compile_knowledge, static_models
from heavylegs.assessment.features import flatten
from heavylegs.assessment.reasoning import assess_flat
from heavylegs.assessment.result import Assessment, from_document
from heavylegs.knowledge import KnowledgeBase, load_knowledge


def assess(answers: Answers, kb: KnowledgeBase | None = None) -> Assessment:
    """The full assessment of one person's answers."""
    compiled = compile_knowledge(kb if kb is not None else load_knowledge())
    return from_document(assess_flat(flatten(answers), compiled), static_models(compiled))


def assess_document(answers: Answers, kb: KnowledgeBase | None = None) -> dict[str, Any]:
    """The assessment as its JSON document (``assess(...).model_dump(mode="json")``), for the
    faces that only write it out; parts of it are shared: read-only."""
    compiled = compile_knowledge(kb if kb is not None else load_knowledge())
    return assess_flat(flatten(answers), compiled)
