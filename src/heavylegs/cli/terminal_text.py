"""Text from the database or a file, made safe to write to a terminal.

Why: a diary note, a measure id or a name read from a backup is whatever its writer put in it.
Rich drops a few control characters (bell, carriage return) but writes ESC as it is, so a note
holding ``ESC ] 0 ; … BEL`` retitled the terminal, ``ESC [ 2 J`` cleared it, and others can
recolour or hide the lines after it (a warning among them); a bidi override (U+202E) shows the
rest of a line reversed. Each such character is shown as a visible stand-in instead: the
Unicode control picture of a C0 control (``␛`` for ESC), else U+FFFD. Line breaks and tabs are
kept (a note may have several lines). The stored text is never changed.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""C0 controls but tab and line feed, DEL, C1 controls, bidi embeddings, overrides, isolates."""


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟
    return "\u2421" if code == 0x7F else "\ufffd"


def terminal_text(text: str) -> str:
    """``text`` with every character that would steer the terminal shown as a stand-in."""
    return _UNSAFE.sub(_stand_in, text)
