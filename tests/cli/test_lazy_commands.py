"""The console script builds each command only when it runs (start-up, issue 15): its help, its
command list and its commands must be exactly what Typer's eagerly built group gives."""

from __future__ import annotations

import typer
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
