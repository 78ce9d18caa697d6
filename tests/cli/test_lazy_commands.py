"""The console script builds each command only when it runs (start-up, issue 15): its help, its
command list and its commands must be exactly what Typer's eagerly built group gives."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer import _click as click

from heavylegs.cli.main import _lazy_group, app


def _helps(group: click.Command, ctx: click.Context) -> dict[str, str]:
    """Help text of ``group`` and of every command under it, by command path."""
    helps = {ctx.command_path: group.get_help(ctx)}
    names = getattr(group, "list_commands", lambda _ctx: [])(ctx)
    for name in names:
        command = group.get_command(ctx, name)  # type: ignore[attr-defined]
        assert command is not None, name
        helps.update(_helps(command, click.Context(command, info_name=name, parent=ctx)))
    return helps


def test_help_lists_commands_without_building_them() -> None:
    lazy = _lazy_group()
    text = lazy.get_help(click.Context(lazy, info_name="heavylegs"))
    assert lazy.commands == {}
    for name in ("assess", "diary", "training", "edit", "delete"):
        assert f"\n  {name} " in text


def test_lazy_group_matches_typer_group() -> None:
    eager = typer.main.get_command(app)
    lazy = _lazy_group()
    assert lazy.list_commands(click.Context(lazy)) == eager.list_commands(click.Context(eager))  # type: ignore[attr-defined]
    expected = _helps(eager, click.Context(eager, info_name="heavylegs"))
    assert len(expected) > 25
    assert _helps(lazy, click.Context(lazy, info_name="heavylegs")) == expected
    assert [p.name for p in lazy.params] == [p.name for p in eager.params]


def test_lazy_group_runs_the_command_asked_for_only() -> None:
    lazy = _lazy_group()
    try:
        lazy.main(["sources", "--json"], prog_name="heavylegs", standalone_mode=False)
    except click.exceptions.Exit as done:
        assert done.exit_code == 0
    assert list(lazy.commands) == ["sources"]


# --- option values without pydantic (heavylegs.cli.params): Typer's adapters are the oracle ---

ORDINARY = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.sampled_from(["", " 3", "3 ", "+3", "1_000", "1e3", "٣", "0x10", "-0", "007", "3.", ".5"]),
    st.text(max_size=12),
)


def _options() -> list[tuple[click.Command, click.Parameter]]:
    eager = typer.main.get_command(app)
    found = []
    todo: list[click.Command] = [eager]
    while todo:
        command = todo.pop()
        todo.extend(getattr(command, "commands", {}).values())
        found.extend((command, p) for p in command.params if hasattr(p, "type_descriptor"))
    return found


OPTIONS = _options()


def _outcome(runtime: Any, value: Any, param: click.Parameter, ctx: click.Context) -> Any:
    try:
        result = runtime.coerce(value, param=param, ctx=ctx)
    except click.exceptions.BadParameter as exc:
        return ("refused", exc.format_message())
    return ("value", type(result).__name__, result)


def test_every_option_kind_is_seen() -> None:
    kinds = {repr(p.type_descriptor.annotation) for _, p in OPTIONS}  # type: ignore[attr-defined]
    assert {"<class 'str'>", "<class 'int'>", "<class 'float'>", "<class 'pathlib.Path'>"} <= kinds
    assert "list[str]" in kinds


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(0, len(OPTIONS) - 1),
    text=ORDINARY,
    many=st.booleans(),
    default=st.booleans(),
)
def test_plain_values_convert_as_typer_adapters_do(
    index: int, text: str, many: bool, default: bool
) -> None:
    from typer._coercion import build_runtime_param

    from heavylegs.cli.params import plain_runtime_param

    command, param = OPTIONS[index]
    descriptor = param.type_descriptor  # type: ignore[attr-defined]
    value: Any = (text, text) if param.multiple or param.nargs == -1 else text
    if descriptor.annotation is bool:
        value = many
    if default and param.default is not None:  # defaults written in the code are converted too
        value = param.default
    ctx = click.Context(command, info_name=command.name)
    expected = _outcome(build_runtime_param(descriptor), value, param, ctx)
    assert _outcome(plain_runtime_param(descriptor), value, param, ctx) == expected


def test_numbers_and_paths_in_the_code_convert_as_typer_adapters_do() -> None:
    from typer._coercion import build_runtime_param

    from heavylegs.cli.params import plain_runtime_param

    command, _ = OPTIONS[0]
    ctx = click.Context(command, info_name=command.name)
    seen = 0
    for _, param in OPTIONS:
        descriptor = param.type_descriptor  # type: ignore[attr-defined]
        if descriptor.annotation in (int, float):
            values: list[Any] = [0, 1, 14, -3, 2**52, 2**60, 1.5]
        elif descriptor.annotation is Path:
            values = [Path("x.json"), Path("-"), Path("")]
        else:
            continue
        seen += 1
        for value in values:
            expected = _outcome(build_runtime_param(descriptor), value, param, ctx)
            assert _outcome(plain_runtime_param(descriptor), value, param, ctx) == expected
    assert seen >= 5


def test_console_script_converts_options_without_pydantic_adapters(tmp_path: Path) -> None:
    """``heavylegs diary`` (an int option with a bound, given and by default) never builds a
    TypeAdapter."""
    code = (
        "import atexit, sys\n"
        "sys.argv = ['heavylegs', *sys.argv[1:]]\n"
        "atexit.register(lambda: print('ADAPTERS' if 'typer._adapters' in sys.modules else 'NONE'))\n"
        "from heavylegs.cli.main import run\n"
        "run()\n"
    )
    env = {**os.environ, "HEAVYLEGS_DB": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    for args in (["diary", "--days", "3", "--json"], ["diary", "--json"]):
        done = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env
        )
        assert done.stdout.strip().endswith("NONE"), done.stdout + done.stderr
