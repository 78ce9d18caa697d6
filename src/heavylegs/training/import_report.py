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
