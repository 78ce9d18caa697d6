"""The activity file formats heavylegs reads: one registry entry per format.

An entry says which file names the format has, how to recognise its bytes, and which reader
turns them into activities. A new format is its reader module plus one line in :data:`READERS`;
the sources (folders, zips, uploads) and the importer only ever ask the registry. Readers are
imported when a file of their format is read, so start-up never pays for them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from heavylegs.training.model import ParsedActivity, SourceFormat
from heavylegs.training.sports import normalise_sport

SNIFF_BYTES = 2048
"""How much of a file the XML formats look at for their root element."""


@dataclass(frozen=True)
class Reader:
    """One activity file format."""

    format: SourceFormat
    suffixes: tuple[str, ...]
    """File name endings (lower case, before any ``.gz``)."""
    sniff: Callable[[bytes, str], bool]
    """Whether the bytes are this format: ``(data, head)``, ``head`` the start as text."""
    read: Callable[[bytes, str | None], list[ParsedActivity]]
    """Every activity in the bytes, oldest first; the ``str`` is a sport hint (Strava's)."""


def _read_fit(data: bytes, hint: str | None) -> list[ParsedActivity]:
    from heavylegs.training.fit import read_fit

    parsed = read_fit(data)
    if hint and parsed.sport == "generic":  # the device did not say; the export does
        sport, sub = normalise_sport(hint)
        parsed = dataclasses.replace(parsed, sport=sport, sub_sport=parsed.sub_sport or sub)
    return [parsed]


def _read_gpx(data: bytes, hint: str | None) -> list[ParsedActivity]:
    from heavylegs.training.gpx import read_gpx

    return [read_gpx(data, hint)]


def _read_tcx(data: bytes, hint: str | None) -> list[ParsedActivity]:
    from heavylegs.training.tcx import read_tcx_all

    return read_tcx_all(data, hint)


READERS: tuple[Reader, ...] = (
    Reader(SourceFormat.FIT, (".fit",), lambda data, _: data[8:12] == b".FIT", _read_fit),
    Reader(SourceFormat.GPX, (".gpx",), lambda _, head: "<gpx" in head, _read_gpx),
    Reader(
        SourceFormat.TCX, (".tcx",), lambda _, head: "<TrainingCenterDatabase" in head, _read_tcx
    ),
)
"""In sniffing order: the binary format first, then the XML ones by their root element."""
BY_FORMAT = {reader.format: reader for reader in READERS}
BY_SUFFIX = {suffix: reader.format for reader in READERS for suffix in reader.suffixes}


def sniff(data: bytes) -> SourceFormat | None:
    """Format from the content, for files whose name says nothing (or lies)."""
    from heavylegs.training.xmlstream import xml_text

    head = xml_text(data[:SNIFF_BYTES], errors="ignore").lstrip("\ufeff \t\r\n")  # UTF-16 too
    for reader in READERS:
        if reader.sniff(data, head):
            return reader.format
    return None


def read_activities(
    data: bytes, fmt: SourceFormat, sport_hint: str | None = None
) -> list[ParsedActivity]:
    """Every activity in ``data`` read as ``fmt`` (a TCX history file holds several)."""
    return BY_FORMAT[fmt].read(data, sport_hint)
