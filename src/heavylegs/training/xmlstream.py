"""XML activity files read as a stream of events, within a depth limit (GPX and TCX readers).

Why: a tree parser takes any nesting, and 200,000 nested elements can crash a reader that walks
or copies the tree in C (gpxpy did). Here the standard library's pull parser is fed the text in
chunks of :data:`CHUNK_CHARS`, and an element nested deeper than the limit stops the read with
a refusal before the next chunk is parsed. Entity expansion is not a risk: expat refuses
external entities and the standard library's expat limits internal ones.

The bytes become text by :func:`xml_text`: a byte-order mark (UTF-8, UTF-16, UTF-32), UTF-16
without one, or the declared encoding (``ISO-8859-1``…); anything else is read as UTF-8 with
undecodable bytes replaced (a damaged name must not cost the whole track).
"""

from __future__ import annotations

import codecs
import re
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

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its mark starts the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(rb"""^<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")


def xml_encoding(data: bytes) -> str:
    """The codec of an XML file's bytes (see the module docstring); ``utf-8`` by default."""
    for mark, codec in _BOMS:
        if data.startswith(mark):
            return codec
    if data[:1] == b"<" and data[1:2] == b"\0":
        return "utf-16-le"
    if data[:1] == b"\0" and data[1:2] == b"<":
        return "utf-16-be"
    declared = _DECLARED.match(data.lstrip()[:256])
    if declared is not None:
        try:
            codec = codecs.lookup(declared.group(1).decode("ascii")).name
        except LookupError:
            return "utf-8"
        if not codec.startswith(("utf-16", "utf-32")):  # declared so, but no mark: not it
            return codec
    return "utf-8"


def xml_text(data: bytes, errors: str = "replace") -> str:
    """The text of an XML file's bytes, without its byte-order mark."""
    try:
        text = data.decode(xml_encoding(data), errors=errors)
    except (LookupError, UnicodeError, ValueError):  # "rot13", "idna": not a file's encoding
        text = data.decode("utf-8", errors=errors)
    return text.removeprefix("\ufeff")


def xml_events(
    text: str, max_depth: int = MAX_DEPTH
) -> Iterator[tuple[str, ET.Element, list[ET.Element]]]:
    """``("start" | "end", element, open elements)`` for each element of ``text``, in order.

    On ``start`` the element is the last of the open elements; on ``end`` it has been taken off,
    so the last open element is its parent. A consumer may remove a finished element from its
    parent (:func:`drop`) so the tree does not grow with the file. Raises
    :class:`ET.ParseError` for malformed XML (the caller names the format) and
    :class:`ActivityFileError` for nesting beyond ``max_depth``.
    """
    parser: _Parser = ET.XMLPullParser(events=("start", "end"))
    stack: list[ET.Element] = []
    begin, size = 0, CHUNK_CHARS
    while begin < len(text):
        parser.feed(text[begin : begin + size])
        begin += size
        before = len(stack)
        produced = False
        for item in _read(parser, stack, max_depth):
            produced = True
            yield item
        # No element came out: a token longer than the chunk (a 50 MB attribute), which expat
        # scans again from its start on every feed. Doubling the chunk keeps that linear.
        size = CHUNK_CHARS if produced or len(stack) != before else 2 * size
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


def drop(element: ET.Element, stack: list[ET.Element]) -> None:
    """Take a finished ``element`` out of its parent (the last open element), or at least empty
    it.

    Not ``del parent[-1]``: the parser builds the tree a chunk ahead of the events, so when an
    element's end is read its parent already holds the siblings that follow it (the tree of a
    million-point TCX grew to 4 million elements). Readers drop finished elements in order, so
    it is the parent's first child; anywhere else, finding it would scan (quadratic in a
    hostile file), so it is only emptied.
    """
    if stack and len(stack[-1]) and stack[-1][0] is element:
        del stack[-1][0]
    else:
        element.clear()
