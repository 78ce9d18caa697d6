"""XML activity files read as a stream of events, within a depth limit (GPX and TCX readers).

Why: a tree parser takes any nesting, and 200,000 nested elements can crash a reader that walks
or copies the tree in C (gpxpy did). Here the standard library's pull parser is fed the text in
chunks of :data:`CHUNK_CHARS`, and an element nested deeper than the limit stops the read with
a refusal before the next chunk is parsed. Entity expansion is not a risk: expat refuses
external entities and the standard library's expat limits internal ones.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import TYPE_CHECKING, cast

from heavylegs.training.model import ActivityFileError

MAX_DEPTH = 32
"""GPX nests about 8 deep (gpx/trk/trkseg/trkpt/extensions/…/hr), TCX about 12
(…/Activity/Lap/Track/Trackpoint/Extensions/TPX/Speed); deeper files are refused."""
CHUNK_CHARS = 1 << 16

if TYPE_CHECKING:
    _Parser = ET.XMLPullParser[ET.Element]


def xml_events(
    text: str, max_depth: int = MAX_DEPTH
) -> Iterator[tuple[str, ET.Element, list[ET.Element]]]:
    """``("start" | "end", element, open elements)`` for each element of ``text``, in order.

    On ``start`` the element is the last of the open elements; on ``end`` it has been taken off,
    so the last open element is its parent. A consumer may remove a finished element from its
    parent (``del stack[-1][-1]``) so the tree does not grow with the file. Raises
    :class:`ET.ParseError` for malformed XML (the caller names the format) and
    :class:`ActivityFileError` for nesting beyond ``max_depth``.
    """
    parser: _Parser = ET.XMLPullParser(events=("start", "end"))
    stack: list[ET.Element] = []
    for begin in range(0, len(text), CHUNK_CHARS):
        parser.feed(text[begin : begin + CHUNK_CHARS])
        yield from _read(parser, stack, max_depth)
    parser.close()
    yield from _read(parser, stack, max_depth)


def _read(
    parser: _Parser, stack: list[ET.Element], max_depth: int
) -> Iterator[tuple[str, ET.Element, list[ET.Element]]]:
    events = cast("Iterator[tuple[str, ET.Element]]", parser.read_events())
    for event, element in events:
        if event == "start":
            stack.append(element)
            if len(stack) > max_depth:
                raise ActivityFileError(f"refused: XML elements nested more than {max_depth} deep")
        else:
            stack.pop()
        yield event, element, stack
