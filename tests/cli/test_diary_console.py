"""The lines ``log`` and ``done`` write without Rich, against Rich's console, their reference:
the same text gives the same characters at every width, plain or styled, in a terminal or not,
and the width taken is the one Rich's console takes."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.markup import escape

from heavylegs.cli import diary_console
from heavylegs.cli.diary_console import lines_at, rich_width
from heavylegs.cli.output import console

words = st.text(st.sampled_from("abcxyz-.,;!?()'/0189“”‘’–—…:[]\\"), min_size=1, max_size=14)
spaces = st.sampled_from([" ", " ", " ", "  ", "   "])
texts = st.builds(
    lambda first, rest, lead, tail: lead + first + "".join(s + w for s, w in rest) + tail,
    words,
    st.lists(st.tuples(spaces, words), max_size=30),
    st.sampled_from(["", "", " ", "  "]),
    st.sampled_from(["", "", " ", "   "]),
)


def _rich(text: str, width: int, *, markup: bool = False, terminal: bool = False) -> str:
    out = io.StringIO()
    kind = {"force_terminal": True, "color_system": "truecolor"} if terminal else {}
    Console(file=out, width=width, highlight=False, **kind).print(text, markup=markup)  # type: ignore[arg-type]
    return out.getvalue()


@settings(max_examples=1500, deadline=None)
@given(texts, st.integers(min_value=1, max_value=120))
def test_a_line_is_wrapped_as_rich_wraps_it(text: str, width: int) -> None:
    plain = lines_at(text, width)
    if plain is None and diary_console._EMOJI.search(text) is None:
        first = len(text) - len(text.lstrip(" ")) + len(text.split()[0])  # with the spaces before
        assert max(first, *map(len, text.split())) > width  # only a word too long is left to Rich
    if plain is None:
        return
    assert plain == _rich(text, width)
    assert plain == _rich(text, width, terminal=True), "no style: no colour in a terminal"


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(["URGENT", "ROUTINE", "Careful:"]), texts, st.integers(20, 120))
def test_a_warning_off_a_terminal_is_its_plain_text(bold: str, text: str, width: int) -> None:
    rest = (": " if bold.isupper() else " ") + text
    plain = None if diary_console.marked(bold + rest) else lines_at(bold + rest, width)
    if plain is not None:
        assert plain == _rich(f"[bold red]{bold}[/]{escape(rest)}", width, markup=True)


def test_text_rich_would_change_is_left_to_it() -> None:
    for text in (":smile: today", "note “:thumbs_up:”", "tab\there", "wide 漢字", "é", "a\nb", ""):
        assert lines_at(text, 80) is None, text


@pytest.fixture
def fresh_console() -> Iterator[None]:
    console.cache_clear()
    yield
    console.cache_clear()


@pytest.mark.parametrize("columns", [None, "", "abc", "0", "1", "57", "200"])
@pytest.mark.parametrize("sizes", [{}, {0: 132}, {1: 90, 2: 70}, {2: 0}, {0: 0, 1: 45}])
@pytest.mark.parametrize("term", ["xterm-256color", "dumb", None])
def test_the_width_is_the_one_rich_takes(
    fresh_console: None,
    monkeypatch: pytest.MonkeyPatch,
    columns: str | None,
    sizes: dict[int, int],
    term: str | None,
) -> None:
    for name in ("COLUMNS", "LINES", "TERM", *diary_console._RICH_ENV):
        monkeypatch.delenv(name, raising=False)
    if columns is not None:
        monkeypatch.setenv("COLUMNS", columns)
    if term is not None:
        monkeypatch.setenv("TERM", term)

    def size(fd: int) -> os.terminal_size:
        if fd not in sizes:
            raise OSError("not a terminal")
        return os.terminal_size((sizes[fd], 24))

    monkeypatch.setattr(os, "get_terminal_size", size)
    mine = rich_width()
    assert console.cache_info().currsize == 0
    if mine is not None:
        assert mine == Console(highlight=False).width
    assert mine is not None or term == "dumb" or columns == "0"
    console()
    assert rich_width() is None, "a console made (and maybe resized) decides"
