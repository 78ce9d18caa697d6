"""Tables that go with ``activities`` (defined in :mod:`heavylegs.store.models`).

* ``activity_files`` — every file that fed an activity, by SHA-256: the kept source and the
  duplicates merged into it. Importing any of them again is recognised before parsing.
* ``activity_details`` — one row per activity: what the contract row has no column for (sub-sport,
  title and perceived exertion from an export, running distance of a multisport file), the
  seconds spent at each heart rate (so any heart-rate load formula can be recomputed without the
  samples), and the samples themselves.

Why the samples are one text column: ten years of one-hour runs are ~11 million samples; one
row per sample would be slow to write and read. :mod:`heavylegs.training.codec` packs a stream
into delta-coded integers, zlib and base64 (~30 KB for an hour), and text keeps the backup
export (JSON) working unchanged. Rows only: the training stage computes, the store keeps.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Double, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from heavylegs.store.models import Base, JsonDoc, UtcDateTime
from heavylegs.store.owners import Owned


class ActivityFile(Owned, Base):
    """A source file of an activity; ``sha256`` is unique across a person's files ever
    imported (two people may import the same file)."""

    __tablename__ = "activity_files"
    __table_args__ = (UniqueConstraint("owner_id", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(512))
    format: Mapped[str] = mapped_column(String(8))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ActivityDetail(Owned, Base):
    """Everything about an activity beyond the contract columns, samples included."""

    __tablename__ = "activity_details"
    __table_args__ = (
        Index(
            "ix_activity_details_figures",
            "owner_id", "activity_id", "sub_sport", "run_distance_m", "rpe", "hr_covered_s",
            "load_profile", "trimp", "mean_reserve",
        ),
    )  # fmt: skip
    """What the training views read of every activity, in an index of its own (migration
    0007): on SQLite those columns come after the samples in the row, so reading them from the
    table walks every run's ~20 KB of samples."""

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    sub_sport: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(String(256))
    rpe: Mapped[float | None] = mapped_column(Double)
    run_distance_m: Mapped[float | None] = mapped_column(Double)
    hr_seconds: Mapped[list[Any]] = mapped_column(JsonDoc, default=list)
    samples: Mapped[int] = mapped_column(Integer)
    stream: Mapped[str] = mapped_column(Text)
    damage: Mapped[str | None] = mapped_column(String(256))
    """Why the kept file is not whole (truncated, CRC mismatch); an undamaged copy replaces it."""
    hr_covered_s: Mapped[float | None] = mapped_column(Double)
    """Seconds with a heart rate (the sum of ``hr_seconds``); the next three are a cache of the
    training stage's figures under the heart profile named in ``load_profile`` (empty: not yet
    computed; filled by ``heavylegs.training.repository.refresh_heart_figures``)."""
    load_profile: Mapped[str | None] = mapped_column(String(64))
    trimp: Mapped[float | None] = mapped_column(Double)
    mean_reserve: Mapped[float | None] = mapped_column(Double)
