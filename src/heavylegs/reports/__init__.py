"""Take it to a clinician: the PDF report, the FHIR R4 bundle (export and import) and the calendar.

Layout = data flow: :mod:`heavylegs.reports.gather` reads what the earlier stages keep and
compute (stored assessments, the diary and its insights, the recent running load) once, into a
:class:`~heavylegs.reports.gather.ReportData`; :mod:`~heavylegs.reports.pdf`,
:mod:`~heavylegs.reports.fhir` and :mod:`~heavylegs.reports.calendar` are pure functions of it
(and of an injected clock), so the same data always gives the same bytes. fpdf2, matplotlib,
fhir.resources and icalendar are imported inside the functions that use them.
"""

from __future__ import annotations


class NothingToReport(ValueError):
    """There is nothing stored yet for this document; the message says what to do first."""


class NoRoutineCalendar(ValueError):
    """The plan is not one for a calendar (urgent or emergency triage); the message says why."""
