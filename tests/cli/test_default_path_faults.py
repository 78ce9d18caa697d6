"""Faults found red-teaming the default (stored) path of the commands: each test fails without
its fix. Real SQLite files, the console script's own command group."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import heavylegs.cli.diary as diary_cli
from heavylegs.cli.main import app
from heavylegs.cli.output import console
from tests.conftest import SHARED

NOW = dt.datetime(2026, 11, 21, 18, 30, tzinfo=dt.UTC)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TZ", "UTC")
    import time

    time.tzset()
    monkeypatch.setattr(diary_cli, "now", lambda: NOW)
    monkeypatch.setattr(console(), "width", 100)
    path = tmp_path / "heavylegs.sqlite3"
    monkeypatch.setenv("HEAVYLEGS_DB", f"sqlite:///{path}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return path


def run(*args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(app, list(args), input=input)


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return str(result.stdout)


def _notes(path: Path) -> list[Any]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT note FROM diary_entries ORDER BY day, part")]


# ------------------------------------------------------------------------------ blank notes


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_a_blank_note_is_no_note_on_both_write_paths(db: Path, blank: str) -> None:
    """The first ``log`` creates the file (the store's path), the second finds it (the fast
    path without SQLAlchemy): neither keeps an empty note nor shows ``note “”``."""
    for day in ("2026-11-19", "2026-11-20"):
        out = ok("log", "--date", day, "--part", "morning", "--heaviness", "4", "--note", blank)
        assert "note" not in out, out
    assert _notes(db) == [None, None]


def test_a_blank_note_keeps_the_note_an_entry_has(db: Path) -> None:
    ok("log", "--date", "2026-11-20", "--part", "evening", "--heaviness", "6", "--note", "hot")
    ok("log", "--date", "2026-11-20", "--part", "evening", "--heaviness", "5", "--note", " ")
    assert _notes(db) == ["hot"]


def test_editing_an_entry_to_a_blank_note_clears_it(db: Path) -> None:
    ok("log", "--date", "2026-11-20", "--part", "evening", "--heaviness", "6", "--note", "hot")
    ok("edit", "entry", "1", "--note", "  ")
    (entry,) = json.loads(ok("diary", "--json"))["entries"]
    assert (entry["heaviness"], entry["note"]) == (6, None)
    assert _notes(db) == [None]


def test_a_note_with_text_is_kept_as_typed(db: Path) -> None:
    ok("log", "--date", "2026-11-20", "--part", "evening", "--heaviness", "6", "--note", " hot ")
    assert _notes(db) == [" hot "]


# ------------------------------------------------------------------- who may read the file


@pytest.fixture
def own_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """heavylegs' own database (no --db, no $HEAVYLEGS_DB), as an older version left it:
    readable by everyone, in a folder everyone may list."""
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.delenv("HEAVYLEGS_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(diary_cli, "now", lambda: NOW)
    ok("log", "--heaviness", "4", "--date", "2026-11-20")
    path = tmp_path / "xdg" / "heavylegs" / "heavylegs.sqlite3"
    path.chmod(0o644)
    path.parent.chmod(0o755)
    return path


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.parametrize("command", [["diary", "--json"], ["log", "--heaviness", "3"], ["info"]])
def test_heavylegs_own_database_is_made_private_when_opened(
    own_db: Path, command: list[str]
) -> None:
    result = run(*command)
    assert result.exit_code == 0, result.output
    assert (_mode(own_db), _mode(own_db.parent)) == (0o600, 0o700)
    assert result.stderr.count("made it readable by you only") == 1
    assert "could be read by other users" not in run(*command).stderr, "said once"


def test_a_read_only_own_database_stays_read_only(own_db: Path) -> None:
    own_db.chmod(0o444)
    run("diary")
    assert _mode(own_db) == 0o400


def test_a_link_in_the_data_folder_is_not_followed(own_db: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "synced" / "heavylegs.sqlite3"
    elsewhere.parent.mkdir()
    own_db.rename(elsewhere)
    own_db.symlink_to(elsewhere)
    assert run("diary", "--json").exit_code == 0
    assert _mode(elsewhere) == 0o644, "someone set that link up: their arrangement"


def test_a_file_in_the_way_of_the_data_folder_is_not_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file where the data folder should be: the error names the default database (not
    ``--db``, which nobody gave), and the file is not taken for heavylegs' own (it was made
    0600 with a note about the database)."""
    monkeypatch.delenv("HEAVYLEGS_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    in_the_way = tmp_path / "heavylegs"
    in_the_way.write_text("")
    in_the_way.chmod(0o644)
    result = run("log", "--heaviness", "3")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: database: cannot create {in_the_way / 'heavylegs.sqlite3'}: a file is in the"
        f" way of its folder ({in_the_way})"
    ]
    assert _mode(in_the_way) == 0o644


def test_a_named_database_is_left_as_it_is_and_info_says_who_may_read_it(db: Path) -> None:
    ok("log", "--heaviness", "4", "--date", "2026-11-20")
    db.chmod(0o640)
    text = ok("info")
    assert _mode(db) == 0o640
    assert (
        f"access:       other users of this machine may read it (mode 0640); to keep it to you:"
        f" chmod 600 {db}" in text
    )
    facts = json.loads(ok("info", "--json"))
    assert (facts["mode"], facts["private"]) == ("0640", False)
    db.chmod(0o600)
    assert "access:" not in ok("info")
    assert json.loads(ok("info", "--json"))["private"] is True


# --------------------------------------------------------------- terminal control characters

HOSTILE = "a\x1b]0;owned\x07b\x1b[2J\x1b[8mhidden\u202eevil\r\x9b1m"


@pytest.mark.parametrize("width", [100, 30])  # the table, and a line per row when too narrow
def test_a_note_cannot_steer_the_terminal(db: Path, width: int) -> None:
    """A note (typed, or from a backup or the web form) holding ESC sequences retitled and
    cleared the terminal when ``log`` echoed it and ``diary`` showed it; it is shown with
    visible stand-ins, and stored as it was given."""
    logged = ok("log", "--date", "2026-11-20", "--part", "evening", "--heaviness", "6",
                "--note", HOSTILE)  # fmt: skip
    console().width = width
    shown = ok("diary", "--days", "30")
    for out in (logged, shown):
        assert not set(out) & {"\x1b", "\x07", "\r", "\x9b", "\u202e"}, repr(out)
    assert "a␛]0;owned␇b␛[2J" in "".join(shown.split())
    assert _notes(db) == [HOSTILE]


# ------------------------------------------------------------------ standard output closed


@pytest.mark.parametrize(
    ("args", "stored"),
    [
        (["log", "--heaviness", "3", "--date", "2026-11-20"], 1),
        (["diary"], 0),
        (["export", "--out", "-"], 0),
        (["--version"], 0),
    ],
)
def test_closed_standard_output_is_one_line_and_the_work_is_kept(
    tmp_path: Path, args: list[str], stored: int
) -> None:
    """Started with standard output closed (``>&-``: Python sets ``sys.stdout`` to ``None``),
    every command ended in a traceback from its last flush; ``log`` keeps its entry."""
    import os
    import subprocess
    import sys

    path = tmp_path / "db.sqlite3"
    ok("log", "--heaviness", "4", "--date", "2026-11-19", "--db", str(path))
    env = {**os.environ, "HEAVYLEGS_DB": str(path), "HEAVYLEGS_CACHE_DIR": str(tmp_path / "c")}
    done = subprocess.run(
        [sys.executable, "-c", "from heavylegs.cli.main import run; run()", *args],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        check=False,
        preexec_fn=lambda: os.close(1),
    )
    assert (done.returncode, done.stderr) == (
        1,
        "error: cannot write the output: standard output is closed\n",
    )
    assert len(_notes(path)) == 1 + stored


# ------------------------------------------------------------------ which database, named how


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_recording_into_a_database_in_memory_is_refused(
    db: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    """``log`` said "Logged" and the entry was gone with the process."""
    for source, args in (("--db", ["--db", url]), ("HEAVYLEGS_DB", [])):
        if not args:
            monkeypatch.setenv("HEAVYLEGS_DB", url)
        result = run("log", "--heaviness", "3", *args)
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr.startswith(f"error: {source}: {url} is a database in memory")
    shown = run("assess", "-a", str(SHARED / "spec" / "examples" / "runner.json"), "--json")
    assert shown.exit_code == 0, "the result still shows"
    assert "warning: assessment not stored: HEAVYLEGS_DB: sqlite" in shown.stderr
    assert "(Fail)" not in shown.stderr


def test_a_bad_heavylegs_db_variable_is_named_as_such(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for value, message in (("  ", "empty"), ("nope://x", "unknown kind of database 'nope'")):
        monkeypatch.setenv("HEAVYLEGS_DB", value)
        result = run("diary")
        assert result.exit_code == 2
        assert result.stderr.startswith(f"error: HEAVYLEGS_DB: {message}"), result.stderr
        assert run("diary", "--db", value).stderr.startswith(f"error: --db: {message}")


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (["log", "-i"], 130, "Stopped — nothing was logged."),
        (["log"], 2, "error: (entry): give at least --heaviness, or use --interactive"),
        (["assess", "-a", "-"], 2, "error: (document): not valid JSON"),
    ],
)
def test_closed_standard_input_reads_as_empty(
    tmp_path: Path, args: list[str], code: int, said: str
) -> None:
    """Started with standard input closed (``<&-``), ``log -i`` ended in a traceback
    (``input(): lost sys.stdin``); now it is an empty input, as ``< /dev/null``."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "HEAVYLEGS_DB": str(tmp_path / "db"), "HEAVYLEGS_CACHE_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", "from heavylegs.cli.main import run; run()", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        preexec_fn=lambda: os.close(0),
    )
    assert done.returncode == code, done.stderr
    assert said in done.stdout + done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "db").exists()


def test_closed_standard_error_does_not_fail_a_command_that_worked(tmp_path: Path) -> None:
    """``log`` on a new database says "created the database" on stderr: with stderr closed
    (``2>&-``) that line failed the command (exit 1) after the entry was kept."""
    import os
    import subprocess
    import sys

    path = tmp_path / "db.sqlite3"
    env = {**os.environ, "HEAVYLEGS_DB": str(path), "HEAVYLEGS_CACHE_DIR": str(tmp_path / "c")}
    done = subprocess.run(
        [sys.executable, "-c", "from heavylegs.cli.main import run; run()", "log", "--heaviness",
         "3", "--date", "2026-11-20", "--part", "morning"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        check=False,
        preexec_fn=lambda: os.close(2),
    )  # fmt: skip
    assert (done.returncode, done.stdout) == (0, "Logged 2026-11-20 morning: heaviness 3/10\n")
    assert _notes(path) == [None]


def test_an_export_cut_short_by_a_closed_pipe_fails_even_unbuffered(
    db: Path, tmp_path: Path
) -> None:
    """With ``PYTHONUNBUFFERED=1`` standard output was raw: its write wrote what the pipe took
    and Python ignored the rest, so ``export --out - | reader`` whose reader stopped (or a disk
    that filled) ended with exit 0 and a cut backup. Now it fails, exit 1."""
    import os
    import subprocess
    import sys

    small = tmp_path / "small.json"
    ok("log", "--heaviness", "3", "--date", "2026-11-20")
    ok("export", "--out", str(small))
    backup = json.loads(small.read_text())
    backup["tables"]["diary_entries"] = [
        {"id": i + 1, "day": f"2026-10-{i // 2 + 1:02d}", "part": ("morning", "evening")[i % 2],
         "heaviness": 3, "note": "n" * 2000, "created_at": NOW.isoformat(),
         "updated_at": NOW.isoformat()}
        for i in range(60)
    ]  # fmt: skip
    full = tmp_path / "full.json"
    full.write_text(json.dumps(backup))
    big = tmp_path / "big.sqlite3"
    ok("import-backup", str(full), "--db", str(big))
    env = {**os.environ, "HEAVYLEGS_DB": str(big), "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen(
        [sys.executable, "-c", "from heavylegs.cli.main import run; run()", "export", "--out", "-"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert child.stdout is not None and child.stderr is not None
    assert len(os.read(child.stdout.fileno(), 100)) > 0
    child.stdout.close()
    code = child.wait(timeout=60)
    with child.stderr:
        assert code == 1, child.stderr.read()


def test_a_pdf_report_is_not_written_into_a_terminal(db: Path) -> None:
    """``report --out -`` at a terminal wrote the PDF's bytes into it (garbled, and control
    sequences among them); it is refused, before anything is built."""
    import os
    import subprocess
    import sys

    ok("log", "--heaviness", "3", "--date", "2026-11-20")
    leader, follower = os.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-c", "from heavylegs.cli.main import run; run()",
             "report", "--out", "-"],
            stdout=follower,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "HEAVYLEGS_DB": str(db)},
            check=False,
        )  # fmt: skip
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    assert done.stderr.startswith("error: --out: standard output is a terminal"), done.stderr


def test_a_folder_that_cannot_be_written_is_named_as_the_reason(tmp_path: Path) -> None:
    """The file could be written but not its folder (SQLite makes its journal there): the
    error blamed the file ("read-only for this user"), and changing its mode did not help."""
    import os
    import shutil
    import subprocess
    import sys

    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "db.sqlite3"
    ok("log", "--heaviness", "4", "--date", "2026-11-19", "--db", str(path))
    command = [sys.executable, "-c", "from heavylegs.cli.main import run; run()", "log",
               "--heaviness", "3", "--date", "2026-11-20", "--db", str(path)]  # fmt: skip
    if os.geteuid() == 0:  # root writes anywhere: run it without that power
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("as root, this needs setpriv to drop the power to write anywhere")
        command = [setpriv, "--bounding-set=-all", "--inh-caps=-all", *command]
    folder.chmod(0o500)
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    finally:
        folder.chmod(0o700)
    assert done.returncode == 1, done.stderr
    assert f"may not write in its folder {folder} " in done.stderr
    assert len(_notes(path)) == 1


def test_profile_refuses_a_value_given_and_cleared_and_reads_hours_as_shown(db: Path) -> None:
    """``--clear age --age 40`` said "Profile saved." and dropped the 40 unsaid; hours typed
    back as the profile shows them (an en dash, 09:00–17:30) were refused."""
    refused = run("profile", "--clear", "age", "--age", "40", "--clear", "work_hours",
                  "--work-hours", "9:00-17:00")  # fmt: skip
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr.splitlines() == [
        "error: age: given and cleared at once; give one of --age or --clear",
        "error: work_hours: given and cleared at once; give one of --work-hours or --clear",
    ]
    assert not db.exists(), "nothing was written"
    ok("profile", "--work-hours", "09:00–17:30", "--age", "40")
    facts = json.loads(ok("profile", "--json"))
    assert (facts["age"], facts["work_start"], facts["work_end"]) == (40, "09:00:00", "17:30:00")


def test_an_export_to_a_link_writes_the_file_it_names(db: Path, tmp_path: Path) -> None:
    """``--out backup.json`` where backup.json links to a file elsewhere (a USB stick) replaced
    the link by a new file and left the file it names as it was, saying "Exported"."""
    ok("log", "--heaviness", "3", "--date", "2026-11-20")
    stick = tmp_path / "stick"
    stick.mkdir()
    (stick / "backup.json").write_text("old")
    link = tmp_path / "backup.json"
    link.symlink_to(stick / "backup.json")
    dangling = tmp_path / "new.json"
    dangling.symlink_to(stick / "new.json")
    for out in (link, dangling):
        ok("export", "--out", str(out))
        assert out.is_symlink()
    for name in ("backup.json", "new.json"):
        assert json.loads((stick / name).read_text())["format"] == "heavylegs-backup"


def test_a_note_of_several_lines_does_not_read_as_rows_when_narrow(db: Path) -> None:
    """Too narrow for the table, each entry is a line "date part: …": a note's second line
    "2026-11-19 morning: heavy 9" read as a record that does not exist."""
    ok("log", "--date", "2026-11-20", "--part", "evening", "--heaviness", "3",
       "--note", "line one\n2026-11-19 morning: heavy 9")  # fmt: skip
    console().width = 30
    lines = ok("diary", "--days", "30").splitlines()
    assert not any(line.startswith("2026-11-19") for line in lines), lines
    assert "line one ↵ 2026-11-19" in " ".join(lines)


def test_an_output_that_is_not_utf8_does_not_fail_the_command(tmp_path: Path) -> None:
    """On an output in another encoding (``PYTHONIOENCODING=ascii``, a Windows code page when
    redirected), ``log --note café`` kept the entry and then failed with a traceback, and
    ``diary --json`` too. Text becomes ``?``; JSON is written as UTF-8."""
    import os
    import subprocess
    import sys

    path = tmp_path / "db.sqlite3"
    env = {**os.environ, "HEAVYLEGS_DB": str(path), "PYTHONIOENCODING": "ascii"}

    def heavylegs(*args: str) -> subprocess.CompletedProcess[bytes]:
        code = "from heavylegs.cli.main import run; run()"
        command = [sys.executable, "-c", code, *args]
        return subprocess.run(command, capture_output=True, env=env, check=False)

    logged = heavylegs("log", "--heaviness", "3", "--date", "2026-11-20", "--note", "café")
    assert logged.returncode == 0 and b"Traceback" not in logged.stderr, logged.stderr
    assert logged.stdout.startswith(b"Logged 2026-11-20 ")
    assert _notes(path) == ["café"]
    shown = heavylegs("diary", "--json", "--days", "36600")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout.decode("utf-8"))["entries"][0]["note"] == "café"
    table = heavylegs("diary", "--days", "36600")
    assert table.returncode == 0 and b"Traceback" not in table.stderr, table.stderr


def test_a_report_is_written_while_another_program_holds_the_write_lock(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``report`` opened a writing session (to keep heart-rate figures it computes) and so
    failed "busy" while another program wrote, though it only needs to read."""
    ok("log", "--heaviness", "3", "--date", "2026-11-20")
    monkeypatch.setenv("HEAVYLEGS_BUSY_TIMEOUT_MS", "200")
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        out = tmp_path / "report.pdf"
        result = run("report", "--out", str(out))
        assert result.exit_code == 0, result.stderr
        assert out.read_bytes().startswith(b"%PDF")
    finally:
        holder.close()
