"""The lines ``log`` and ``done`` print, written as the shared Rich console writes them, without
importing Rich when that is sure to give the same characters.

Why: importing Rich and building its console was about a sixth of ``log``'s start-up (issue 15),
to print one or two lines of plain text. :func:`say` and :func:`flag` write those lines
themselves in the ordinary case: a line of ordinary characters (no emoji code, no markup, nothing
wider or narrower than one cell), wrapped at the width Rich would use, on an output where Rich
would add nothing (no colour: a styled line only when the output is not a terminal). In every
other case (a console already made, an unusual terminal or environment, other characters, a
word longer than the line) they hand the line to Rich as before.
``tests/cli/test_diary_console.py`` keeps Rich as the oracle: the same text gives the same
characters at every width, and the width is the one Rich's console takes.
"""

from __future__ import annotations

import builtins
import os
import re
import sys

from heavylegs.cli.output import console

_ORDINARY = frozenset(map(chr, range(0x20, 0x7F))) | frozenset("“”‘’–—…")
"""One cell each, and nothing Rich treats specially (other than the patterns below)."""
_EMOJI = re.compile(r":\S*?:")
"""Covers every ``:name:`` Rich could replace with an emoji."""
_WORD = re.compile(r" *[^ ]+ *")
_RICH_ENV = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS", "JUPYTER_LINES")


def say(text: str) -> None:
    """``console().print(text, markup=False)``."""
    lines = _plain(text, styled=False)
    if lines is None:
        console().print(text, markup=False)
    else:
        sys.stdout.write(lines)


def flag(bold: str, colour: str, rest: str) -> None:
    """``console().print(f"[bold {colour}]{bold}[/]{escape(rest)}")``: a warning's head in bold
    colour (no colour when the output is not a terminal), then the rest of the line."""
    lines = None if marked(bold + rest) else _plain(bold + rest)
    if lines is not None:
        sys.stdout.write(lines)
        return
    from rich.markup import escape

    console().print(f"[bold {colour}]{bold}[/]{escape(rest)}")


def marked(text: str) -> bool:
    """Whether Rich's markup, or its escaping, could change ``text`` (Rich writes it then)."""
    return "[" in text or "\\" in text


def _plain(text: str, *, styled: bool = True) -> str | None:
    """What Rich's console would write for ``text`` here (no style on it); ``None`` when Rich
    must write it."""
    if not text.isascii() and not str(getattr(sys.stdout, "encoding", "")).lower().startswith(
        "utf"
    ):
        return None
    if styled and _is_terminal():
        return None  # Rich adds colour
    width = rich_width()
    return None if width is None else lines_at(text, width)


def lines_at(text: str, width: int) -> str | None:
    """The characters Rich's console writes for ``text`` (no style on it) at ``width``, wrapped
    and ending in a line break; ``None`` when Rich must write it."""
    if not set(text) <= _ORDINARY or _EMOJI.search(text) is not None or not text.strip(" "):
        return None
    lines = wrap(text, width)
    return None if lines is None else "".join(line + "\n" for line in lines)


def _is_terminal() -> bool:
    isatty = getattr(sys.stdout, "isatty", None)
    try:
        return True if isatty is None else bool(isatty())
    except ValueError:
        return True


def rich_width() -> int | None:
    """The width the shared console would take (``None``: only Rich can tell). Rich reads
    ``$COLUMNS``, else the size of the first of stdin, stdout and stderr that is a terminal,
    else 80; Jupyter, Windows, a dumb terminal and forced terminals are left to it."""
    if console.cache_info().currsize:
        return None  # made already (and maybe resized): it decides
    env = os.environ
    if (
        sys.platform == "win32"
        or hasattr(builtins, "get_ipython")
        or any(map(env.__contains__, _RICH_ENV))
    ):
        return None
    if env.get("TERM", "").lower() in ("dumb", "unknown"):
        return None
    columns = env.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns) or None
    for stream in (0, 1, 2):
        try:
            width = os.get_terminal_size(stream).columns
        except (AttributeError, ValueError, OSError):
            continue
        return width or 80
    return 80


def wrap(text: str, width: int) -> list[str] | None:
    """``text`` (of one-cell characters) in lines of at most ``width`` as Rich wraps it: a word
    that does not fit starts the next line, the spaces after it staying on the line before as
    far as they fit; ``None`` for a word longer than a line (Rich folds it)."""
    lines: list[str] = []
    line, used = "", 0
    for word in _WORD.findall(text):
        length = len(word.rstrip(" "))
        if length > width:
            return None
        if used + length <= width:
            line, used = line + word, used + len(word)
            continue
        if line:
            lines.append(line)
        line, used = word, len(word)
    lines.append(line)
    return [_fit(line, width) for line in lines]


def _fit(line: str, width: int) -> str:
    excess = len(line) - width
    if excess <= 0:
        return line
    spaces = len(line) - len(line.rstrip(" "))
    return line[: len(line) - min(spaces, excess)]
