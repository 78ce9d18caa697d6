"""What an import of activity files tells: the report of a batch (counts, skipped files and
why, merges), its progress, and what a bad file does to the batch (:class:`OnError`).

Shared by the importer, the isolated child that reads files for it, and both faces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class OnError(StrEnum):
    """What a bad file does to the batch."""

    SKIP = "skip"
    """Report it and go on with the next file (the default)."""
    STOP = "stop"
    """Store what was read before it, then raise :class:`ImportStopped`."""


@dataclass(frozen=True)
class FileNote:
    file: str
    message: str


LISTED = 50
"""Notes of one kind (skipped, warnings) named one by one; past it, :func:`note_lines` names a
few files per reason and counts the rest. An export of 100,000 empty members printed 100,000
lines in the CLI (18 s of a 28 s import) and made a 6 MB page on the web."""
PER_REASON = 3


@dataclass(frozen=True)
class NoteLine:
    """One line of a list of notes as both faces show it: a file and its message, or, with
    ``file`` ``None``, how many ``more`` files had that message (or, past the reasons listed,
    had one of ``other_reasons`` further messages)."""

    file: str | None
    message: str
    more: int = 0
    other_reasons: int = 0


def note_lines(notes: list[FileNote]) -> tuple[list[NoteLine], bool]:
    """Every note, or past :data:`LISTED` the first files of each reason and how many more;
    ``True`` with it when the list was shortened (the JSON summary still lists every file)."""
    if len(notes) <= LISTED:
        return [NoteLine(n.file, n.message) for n in notes], False
    by_reason: dict[str, list[str]] = {}
    for note in notes:
        by_reason.setdefault(note.message, []).append(note.file)
    lines: list[NoteLine] = []
    for reason, files in list(by_reason.items())[:LISTED]:
        lines += [NoteLine(f, reason) for f in files[:PER_REASON]]
        if len(files) > PER_REASON:
            lines.append(NoteLine(None, reason, len(files) - PER_REASON))
    if len(by_reason) > LISTED:
        rest = sum(len(f) for f in list(by_reason.values())[LISTED:])
        lines.append(NoteLine(None, "", rest, len(by_reason) - LISTED))
    return lines, True


@dataclass(frozen=True)
class Merge:
    """``file`` is the same activity as ``kept`` (stored as activity ``activity_id``)."""

    file: str
    kept: str
    activity_id: int


@dataclass
class ImportReport:
    """What a batch did; counts are files."""

    imported: int = 0
    duplicates: int = 0
    activities: int = 0
    """New activities stored: one file can hold several (TCX history), a manual entry none."""
    skipped: list[FileNote] = field(default_factory=list)
    warnings: list[FileNote] = field(default_factory=list)
    merged: list[Merge] = field(default_factory=list)
    ignored: int = 0
    activity_ids: list[int] = field(default_factory=list)
    manual: int = 0
    """Strava manual entries among the imported (summary-only activities)."""

    def to_json(self) -> dict[str, Any]:
        """The contract's summary (plus ``merged`` and ``ignored``, which it allows)."""
        return {
            "imported": self.imported,
            "duplicates": self.duplicates,
            "skipped": [{"file": n.file, "reason": n.message} for n in self.skipped],
            "warnings": [{"file": n.file, "message": n.message} for n in self.warnings],
            "merged": [
                {"file": m.file, "kept": m.kept, "activity_id": m.activity_id} for m in self.merged
            ],
            "ignored": self.ignored,
            "manual_entries": self.manual,
            "activities": self.activities,
        }


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    file: str
    imported: int
    duplicates: int
    skipped: int


class ImportStopped(RuntimeError):
    """Raised with :attr:`OnError.STOP` at the first bad file; ``report`` has what was done."""

    def __init__(self, note: FileNote, report: ImportReport) -> None:
        super().__init__(f"{note.file}: {note.message}")
        self.note = note
        self.report = report
