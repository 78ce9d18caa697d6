"""``heavylegs training --json`` with the remembered older part of the load series prints what
the whole computation prints: cold, warm, after a delete, with other heart rates or period."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import typer
from typer.testing import CliRunner

import heavylegs.cli.training as cli
from heavylegs.store import open_store
from heavylegs.training import overview
from heavylegs.training.prefix import forget
from tests.training.helpers import histories_read, insert_heart_rate_run

NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)


def test_training_json_is_the_whole_computations_json(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "now", lambda: NOW)
    app = typer.Typer()
    cli.register(app)
    rng = random.Random(2)
    with open_store(sqlite_url) as store, store.session() as session:
        when, ident = NOW - dt.timedelta(days=1000), 0
        while when < NOW - dt.timedelta(days=1):
            ident += 1
            insert_heart_rate_run(session, ident, when, rng, rng.choice((0, 7200, None)))
            when += dt.timedelta(hours=rng.uniform(20, 60))
    forget()

    def training(*extra: str) -> str:
        """The printed document, after checking it against the whole computation's."""
        args = ["training", "--json", "--db", sqlite_url, *extra]
        printed = CliRunner().invoke(app, args)
        with monkeypatch.context() as patch:
            patch.setattr(overview, "detail_since", lambda now, shown: None)
            oracle = CliRunner().invoke(app, args)
        assert printed.exit_code == oracle.exit_code == 0, printed.output
        assert printed.stdout == oracle.stdout
        return printed.stdout

    first = training()
    assert training() == training() == first  # the prefix worked out, then remembered
    with histories_read(monkeypatch) as read:
        assert CliRunner().invoke(app, ["training", "--json", "--db", sqlite_url]).exit_code == 0
    assert read and read[-1].prefix is not None
    assert training("--hr-rest", "52") != first
    assert training("--weeks", "30", "--seed-load", "35")
    assert training("--since", (NOW - dt.timedelta(days=800)).date().isoformat())
    with open_store(sqlite_url) as store, store.session() as session:
        from heavylegs.training.repository import delete_activity

        assert delete_activity(session, 5) is not None
    assert training() != first
    forget()
    assert training() == training()
