"""What file a chart can be written to: one check for every chart (diary, training).

The message names the file, never a command-line option: each face says which of its inputs
the file came from (the CLI prefixes ``--plot:``).
"""

from __future__ import annotations

from pathlib import Path

from heavylegs.problems import Problems

FORMATS = {".png": "png", ".svg": "svg"}


class ChartFormatError(Problems, ValueError):
    """The chart file name does not end in .png or .svg."""

    def __init__(self, path: Path) -> None:
        super().__init__([f"the file must end in .png or .svg (got {path.name!r})"])
        self.path = path


def chart_format(path: Path) -> str:
    """matplotlib's format name for ``path`` (``png`` or ``svg``), from its suffix."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ChartFormatError(path)
    return fmt
