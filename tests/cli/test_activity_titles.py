"""``heavylegs activities`` never writes terminal controls from a stored activity name.

Why: import now stores names as one line of visible text, but a database filled before that (or
restored from an old backup) can hold a name with ``ESC [2J`` (clear the screen) or ``ESC ]0;``
(retitle the window); the list printed it as it was.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import update
from typer.testing import CliRunner

from heavylegs.cli.main import app
from heavylegs.store import open_store
from heavylegs.training.importer import import_paths
from heavylegs.training.rows import DETAILS
from tests.training.helpers import gpx_text

NOW = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)


def test_an_old_name_with_terminal_controls_is_shown_with_stand_ins(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    path = tmp_path / "walk.gpx"
    path.write_bytes(gpx_text(NOW - dt.timedelta(days=2), 1200))
    store = open_store(url)
    try:
        assert import_paths(store, [path], now=NOW).activities == 1
        with store.session() as session:  # as a version before the cleaning stored it
            session.execute(update(DETAILS).values(title="\x1b[2J\x1b]0;pwned\x07 morning walk"))
    finally:
        store.close()
    result = CliRunner().invoke(app, ["activities", "--db", url], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "␛[2J␛]0;pwned␇" in result.output  # (the table may wrap the name after it)
