"""Hostile command lines on the stored path: files that cannot be written or are far too big,
JSON beyond the limits, a database another program holds. Each is one line on stderr naming
the option and the file, a non-zero exit code, and no traceback (a sweep of every command)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from heavylegs.cli import output
from heavylegs.cli.output import Fail, write_atomically
from tests.cli.conftest import Invoke
from tests.store.databases import write_lock_held

EXAMPLE = {"schema_version": 1, "symptoms": {"legs": "both", "heaviness": 3}}


def _one_line(stderr: str, *words: str) -> None:
    assert stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    for word in words:
        assert word in stderr, stderr


def _stopped(result: object, code: int) -> None:
    """The command stopped itself (typer.Exit), it did not crash."""
    assert getattr(result, "exit_code", None) == code, getattr(result, "output", "")
    assert isinstance(getattr(result, "exception", None), SystemExit | None)


def test_an_empty_out_file_name_is_refused(heavylegs: Invoke) -> None:
    heavylegs("log", "--heaviness", "3")
    result = heavylegs("export", "--out", "")
    _stopped(result, 2)
    _one_line(result.stderr, "--out: give a file name")


def test_out_under_a_file_is_one_line_and_leaves_nothing(heavylegs: Invoke, tmp_path: Path) -> None:
    """A path whose folder is a file: writing fails, and so does removing the temporary file
    that was never made (ENOTDIR, like EROFS on a read-only disk): still one line."""
    heavylegs("log", "--heaviness", "3")
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("mine")
    for args in (["export"], ["export", "--format", "fhir"], ["calendar"]):
        result = heavylegs(*args, "--out", str(not_a_folder / "out.json"))
        assert result.exit_code in (1, 2), result.output
        assert isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.stderr
    assert not_a_folder.read_text() == "mine"


def test_write_atomically_on_a_read_only_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a read-only file system even ``unlink(missing_ok=True)`` raises (EROFS, not ENOENT)."""
    import errno
    import tempfile

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    monkeypatch.setattr(Path, "unlink", refuse)
    with pytest.raises(Fail) as caught:
        write_atomically(str(tmp_path / "report.pdf"), b"%PDF")
    assert caught.value.problems == [
        f"--out: cannot write {tmp_path / 'report.pdf'}: Read-only file system"
    ]
    assert caught.value.code == 1


@pytest.mark.parametrize("command", [["trends"], ["training"]])
def test_a_chart_that_cannot_be_written_is_one_line(
    heavylegs: Invoke, tmp_path: Path, command: list[str]
) -> None:
    heavylegs("log", "--heaviness", "3")
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("mine")
    chart = not_a_folder / "chart.png"
    result = heavylegs(*command, "--plot", str(chart))
    _stopped(result, 1)
    _one_line(result.stderr, f"--plot: cannot write {chart}")


@pytest.mark.parametrize(
    "command",
    [
        ["log", "--heaviness", "3"],
        ["done", "ankle_pumps", "--reps", "5"],
        ["profile", "--age", "40"],
    ],
)
def test_a_database_under_a_file_is_one_line(
    heavylegs: Invoke, tmp_path: Path, command: list[str]
) -> None:
    """Its folder cannot be made: a FileExistsError traceback from the store."""
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("mine")
    result = heavylegs(*command, "--db", str(not_a_folder / "db.sqlite3"))
    _stopped(result, 1)
    _one_line(
        result.stderr,
        f"--db: cannot create {not_a_folder / 'db.sqlite3'}: a file is in the way of its folder",
    )
    assert not_a_folder.read_text() == "mine"


@pytest.mark.parametrize(
    ("command", "suffix"),
    [(["export"], ""), (["report"], ""), (["calendar"], ""), (["export"], "-wal")],
)
def test_out_never_writes_over_the_database(
    heavylegs: Invoke, cli_db: str, shared: Path, command: list[str], suffix: str
) -> None:
    """``export --out`` given the database's own name replaced the diary with its backup;
    ``report`` or ``calendar`` would have left a PDF or a plan where the data was."""
    heavylegs("assess", "--answers", str(shared / "spec/examples/office-worker.json"))
    heavylegs("log", "--heaviness", "3")
    database = Path(cli_db.removeprefix("sqlite:///"))
    before = database.read_bytes()
    target = database.with_name(database.name + suffix)
    if suffix:
        target.write_bytes(b"wal")
    result = heavylegs(*command, "--out", str(target))
    _stopped(result, 2)
    _one_line(result.stderr, f"--out: {target} is a database (SQLite)")
    assert database.read_bytes() == before
    assert "3" in heavylegs("diary").stdout


def test_out_to_a_pipe_writes_into_it_not_over_it(tmp_path: Path) -> None:
    """``--out >(gzip > x)`` or ``/dev/stdout``: the pipe is written; it was replaced by a file
    (as root, ``--out /dev/full`` put a regular file in /dev)."""
    import os
    import stat

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_atomically(str(fifo), b"BEGIN:VCALENDAR")
        assert os.read(reader, 100) == b"BEGIN:VCALENDAR"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_out_to_a_closed_standard_output_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(sys, "stdout", None)
    with pytest.raises(Fail) as caught:
        write_atomically("-", b"{}")
    assert caught.value.problems == ["--out: standard output is closed"]


@pytest.mark.parametrize(
    "command", [["diary"], ["log", "--heaviness", "3"], ["export", "--out", "-"], ["info"]]
)
def test_another_programs_database_is_left_alone(
    heavylegs: Invoke, tmp_path: Path, command: list[str]
) -> None:
    """A mistyped --db naming another program's SQLite file got seventeen heavylegs tables."""
    import sqlite3

    other = tmp_path / "places.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    before = other.read_bytes()
    result = heavylegs(*command, "--db", str(other))
    _stopped(result, 1)
    _one_line(result.stderr, f"--db: {other} is another program's database (tables moz_places)")
    assert other.read_bytes() == before


def test_a_chart_of_the_diary_is_the_owners_only(heavylegs: Invoke, tmp_path: Path) -> None:
    """A chart of heaviness is health data, like the backup (it was 0644)."""
    heavylegs("log", "--heaviness", "3")
    new, old = tmp_path / "new.png", tmp_path / "old.svg"
    old.write_text("an older chart")
    old.chmod(0o644)
    for chart in (new, old):
        result = heavylegs("trends", "--plot", str(chart))
        assert result.exit_code == 0, result.stderr
        assert chart.stat().st_mode & 0o777 == 0o600


def test_answers_past_a_megabyte_are_refused_unread(heavylegs: Invoke, tmp_path: Path) -> None:
    """A wrong file (a video, /dev/zero) must not be read until memory runs out."""
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (output_limit() + 1))
    for source, stdin in ((str(big), None), ("-", " " * (output_limit() + 1))):
        result = heavylegs("assess", "--answers", source, "--json", input=stdin)
        _stopped(result, 2)
        _one_line(result.stderr, "--answers:", "larger than 1 MB")
        assert result.stdout == ""


def output_limit() -> int:
    from heavylegs.cli.assess import ANSWERS_MAX_BYTES

    return ANSWERS_MAX_BYTES


def test_an_empty_answers_file_name_is_not_called_a_folder(heavylegs: Invoke) -> None:
    result = heavylegs("assess", "--answers", "", "--json")
    _stopped(result, 2)
    _one_line(result.stderr, "--answers: give a file name")


@pytest.mark.parametrize("command", ["import-backup", "import-fhir"])
def test_a_backup_past_the_limit_is_refused_unread(
    heavylegs: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    from heavylegs.cli import backup

    monkeypatch.setattr(backup, "BACKUP_MAX_BYTES", 1000)
    big = tmp_path / "big.json"
    big.write_bytes(b"{" + b" " * 2000 + b"}")
    result = heavylegs(command, str(big))
    _stopped(result, 2)
    _one_line(result.stderr, "file:", "larger than 0 KB")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"resourceType": ' + "9" * 5000 + "}", "5000 digits"),
        ('{"resourceType": NaN}', "NaN"),
    ],
)
def test_import_fhir_reads_json_within_limits(
    heavylegs: Invoke, tmp_path: Path, text: str, problem: str
) -> None:
    bundle = tmp_path / "bundle.json"
    bundle.write_text(text)
    result = heavylegs("import-fhir", str(bundle))
    _stopped(result, 2)
    _one_line(result.stderr, "$: not JSON", problem)


def test_save_to_a_missing_folder_is_refused_before_the_questions(
    heavylegs: Invoke, tmp_path: Path
) -> None:
    """Nobody answers sixty questions to lose them to a typo in --save."""
    result = heavylegs(
        "assess",
        "--save",
        str(tmp_path / "no" / "answers.json"),
        input="1\n",
        env={"HEAVYLEGS_INTERACTIVE": "1"},
    )
    _stopped(result, 2)
    _one_line(result.stderr, "--save: no such folder")
    assert "Which legs" not in result.stdout


@pytest.fixture
def held(heavylegs: Invoke, cli_db: str) -> Iterator[Path]:
    """The test's database at the current schema, its write lock held by another connection."""
    assert heavylegs("log", "--date", "2026-01-05", "--heaviness", "3").exit_code == 0
    with write_lock_held(Path(cli_db.removeprefix("sqlite:///"))) as path:
        yield path


def _no_second_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store is not asked to wait for the same lock again after the quick write did."""

    def second_wait(*args: object, **kwargs: object) -> None:
        raise AssertionError("the store waited for the lock a second time")

    from heavylegs.cli import diary_entry

    monkeypatch.setattr(diary_entry, "open_db", second_wait)
    monkeypatch.setattr(output, "open_db", second_wait)


@pytest.mark.parametrize(
    "args", [["log", "--heaviness", "4"], ["done", "ankle_pumps", "--reps", "20"]]
)
def test_a_busy_database_is_said_after_one_wait(
    heavylegs: Invoke, held: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    _no_second_wait(monkeypatch)
    result = heavylegs(*args, env={"HEAVYLEGS_BUSY_TIMEOUT_MS": "100"})
    _stopped(result, 1)
    _one_line(result.stderr, "is busy (another program is writing to it)")


def test_assess_prints_its_result_when_the_database_is_busy(
    heavylegs: Invoke, held: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _no_second_wait(monkeypatch)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(EXAMPLE))
    result = heavylegs(
        "assess", "--answers", str(answers), "--json", env={"HEAVYLEGS_BUSY_TIMEOUT_MS": "100"}
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["triage"]["level"]
    _one_line(result.stderr, "warning: assessment not stored", "is busy")


# --- what a person reads on an ordinary terminal ---------------------------------------------


def test_an_empty_plan_says_so_under_its_heading(shared: Path) -> None:
    """A self-care result whose answers give no measure: the heading is not left over nothing."""
    from rich.console import Console

    from heavylegs.assessment.engine import assess_document
    from heavylegs.assessment.result import from_document
    from heavylegs.assessment.validation import parse_answers_json
    from heavylegs.cli.render import render_assessment
    from heavylegs.knowledge import load_knowledge

    answers = (shared / "spec" / "examples" / "office-worker.json").read_bytes()
    document = assess_document(parse_answers_json(answers))
    assert document["triage"]["level"] == "self_care"
    document["plan"]["do"] = []
    out = Console(width=100, record=True, file=io.StringIO())
    render_assessment(out, from_document(document), load_knowledge())
    text = out.export_text()
    after = text.split("Your plan", 1)[1].strip().splitlines()[0]
    assert after.startswith("No measure to suggest from these answers")


@pytest.mark.parametrize("width", [60, 80, 100, 200])
def test_the_diary_never_breaks_a_value_over_lines(
    heavylegs: Invoke, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    """At 100 columns the table broke dates ('2026-1' / '2-01') and parts ('evenin' / 'g'),
    and a narrower one squeezed columns to nothing: every value is shown whole, in a table
    when it fits, else one line per row."""
    from heavylegs.cli.output import console

    heavylegs(
        "log", "--date", "2026-01-05", "--part", "evening", "--heaviness", "5",
        "--ankle-left-cm", "24", "--ankle-right-cm", "24.5", "--cramps", "1", "--sleep-h", "7",
        "--water-l", "1.5", "--walk-min", "20", "--note", "long day at the till",
    )  # fmt: skip
    heavylegs("done", "legs_up_the_wall", "--minutes", "12", "--date", "2026-01-05")
    monkeypatch.setattr(console(), "width", width)
    result = heavylegs("diary", "--ids", "--days", "10000")
    assert result.exit_code == 0, result.output
    for value in ("2026-01-05", "evening", "24/24.5", "1.5", "20 min", "legs_up_the_wall"):
        assert value in result.stdout, (value, result.stdout)
    assert "…" not in result.stdout
    assert ("┃ heavy" in result.stdout) is (width == 200)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["diary", "--days", "1000000"], "--days"),
        (["diary", "--days", "99999999999"], "--days"),
        (["trends", "--days", "99999999999"], "--days"),
        (["activities", "--limit", "99999999999999999999"], "--limit"),
        (["insights", "--as-of", "0001-01-01"], "as_of: must be between 1900-01-01"),
        (["insights", "--json", "--as-of", "0001-01-01"], "as_of: must be between 1900-01-01"),
        (["done", "ankle_pumps", "--date", "0001-01-01"], "date: must be between 1900-01-01"),
        (["training", "--since", "0001-01-01"], "--since: must be between 1900-01-01"),
        (["activities", "--until", "9999-12-31"], "--until: must be between 1900-01-01"),
        (["diary", "--db", ""], "--db: empty"),
        (["--db", "", "diary"], "--db: empty"),
    ],
)
def test_out_of_range_numbers_and_days_are_refused_not_overflowed(
    heavylegs: Invoke, args: list[str], words: str
) -> None:
    """Year 1, a million days back or a 20-digit limit overflowed Python's dates or SQLite's
    integers (OverflowError tracebacks); an empty --db quietly meant the default file."""
    heavylegs("log", "--date", "2026-01-05", "--heaviness", "3")
    result = heavylegs(*args)
    _stopped(result, 2)
    assert words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_an_activity_name_is_text_not_markup(heavylegs: Invoke, tmp_path: Path) -> None:
    """A title with a closing tag made every later ``heavylegs activities`` a MarkupError."""
    from tests.training.helpers import START, fit_run

    heavylegs("log", "--heaviness", "3")
    assert heavylegs("activities").stdout.startswith("No activities yet: import")
    run = tmp_path / "run.fit"
    run.write_bytes(fit_run(START))
    assert heavylegs("import", str(run)).exit_code == 0
    assert heavylegs("edit", "activity", "1", "--title", "[/bold] hill [red]reps").exit_code == 0
    result = heavylegs("activities")
    assert result.exit_code == 0, result.output
    assert "[/bold] hill [red]reps" in result.stdout
    assert heavylegs("activities", "--since", "2000-01-01", "--until", "2000-01-02").stdout == (
        "No activities in that period.\n"
    )


def test_a_chart_path_is_text_not_markup(heavylegs: Invoke, tmp_path: Path) -> None:
    heavylegs("log", "--heaviness", "3")
    folder = tmp_path / "["
    folder.mkdir()
    chart = folder / "[" / ".." / "legs [/b].png"
    (folder / "[").mkdir()
    result = heavylegs("trends", "--plot", str(chart))
    assert result.exit_code == 0, result.output
    assert f"Chart written to {chart}" in result.stdout.replace("\n", "")
    result = heavylegs("export", "--out", str(folder / "[" / "[bold]b.json"))
    assert result.exit_code == 0, result.output
    assert "[/[bold]b.json" in result.stdout.replace("\n", "")


def test_interactive_log_stopped_by_the_end_of_input_says_so(heavylegs: Invoke) -> None:
    """Ctrl-D (or Ctrl-C) at a prompt printed click's bare 'Aborted!' with exit 1."""
    heavylegs("log", "--date", "2026-01-05", "--heaviness", "3")
    result = heavylegs("log", "-i", "--date", "2026-01-06", input="4\n")
    assert result.exit_code == 130, result.output
    assert "Stopped — nothing was logged." in result.stdout
    assert "Aborted" not in result.output
    listed = json.loads(heavylegs("diary", "--json", "--days", "10000").stdout)
    assert [e["day"] for e in listed["entries"]] == ["2026-01-05"]


def test_an_empty_import_path_is_refused_not_read_as_the_working_folder(
    heavylegs: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``heavylegs import "$UNSET"`` imported every activity file under the working folder."""
    from tests.training.helpers import START, fit_run

    (tmp_path / "someone else's run.fit").write_bytes(fit_run(START))
    monkeypatch.chdir(tmp_path)
    result = heavylegs("import", "", "--json")
    assert result.exit_code == 2, result.output
    assert "an empty path" in result.stderr
    assert result.stdout == ""
    assert heavylegs("activities", "--json").exit_code == 1  # no database was created either


def test_a_twenty_digit_activity_id_is_not_found_not_overflowed(heavylegs: Invoke) -> None:
    heavylegs("log", "--heaviness", "3")
    result = heavylegs("edit", "activity", "99999999999999999999", "--rpe", "5")
    _stopped(result, 1)
    _one_line(result.stderr, "ID: no activity 99999999999999999999")


def test_a_new_database_is_readable_by_its_owner_only(heavylegs: Invoke, tmp_path: Path) -> None:
    """Symptoms and medicines are health data: a new file was 0644 in a 0755 folder."""
    path = tmp_path / "new folder" / "heavylegs.sqlite3"
    result = heavylegs("log", "--heaviness", "3", "--db", str(path))
    assert result.exit_code == 0, result.output
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        assert not extra.exists() or extra.stat().st_mode & 0o777 == 0o600


def test_a_file_uri_makes_no_folder_under_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sqlite:///file:/x/db?mode=ro&uri=true`` made the folder ``./file:/x`` (found in the
    repository after the test run)."""
    from heavylegs.store import open_store

    db = tmp_path / "db.sqlite3"
    open_store(f"sqlite:///{db}").close()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    open_store(f"sqlite:///file:{db}?mode=ro&uri=true", migrate=False).close()
    assert list(work.iterdir()) == []


def test_info_and_profile_agree_after_an_assessment(heavylegs: Invoke, shared: Path) -> None:
    """``profile`` showed sex and age from the answers while ``info`` said 'no profile yet'."""
    example = shared / "spec" / "examples" / "office-worker.json"
    assert heavylegs("assess", "--answers", str(example), "--json").exit_code == 0
    assert "age:" in heavylegs("profile").stdout
    assert json.loads(heavylegs("info", "--json").stdout)["profile"] is True
    assert "  a profile" in heavylegs("info").stdout


def test_a_session_ended_by_sigterm_keeps_what_was_done(
    heavylegs: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``kill`` or a closed terminal ended the process and lost the reps already done; now
    it stops the session as Ctrl-C does. (Before the session takes SIGTERM, a handler of the
    test's own keeps the test process alive.)"""
    import os
    import signal

    from heavylegs.cli import diary as cli

    clock = [0.0]
    sleeps = [0]

    def sleep(seconds: float) -> None:
        clock[0] += seconds
        sleeps[0] += 1
        if sleeps[0] == 6:
            os.kill(os.getpid(), signal.SIGTERM)

    def not_taken(_signum: int, _frame: object) -> None:
        raise RuntimeError("SIGTERM reached the process: the session did not take it")

    monkeypatch.setattr(cli, "monotonic", lambda: clock[0])
    monkeypatch.setattr(cli, "sleep", sleep)
    previous = signal.signal(signal.SIGTERM, not_taken)
    try:
        result = heavylegs("session", "ankle_pumps", "--yes")
        assert signal.getsignal(signal.SIGTERM) is not_taken  # the session gave it back
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert result.exit_code == 0, (result.output, result.exception)
    assert "Stopped early. Recorded: ankle_pumps" in result.stdout
    (done,) = json.loads(heavylegs("diary", "--json").stdout)["measures"]
    assert done["source"] == "session" and 1 <= done["reps"] < 20


@pytest.mark.parametrize(
    "args",
    [
        ["diary", "--json", "--days", "3650"],
        ["info", "--json"],
        ["activities", "--json"],
        ["insights", "--json"],
        ["trends"],
        ["export", "--out", "-"],
        ["export", "--format", "fhir", "--out", "-"],
    ],
)
def test_commands_that_only_read_answer_while_another_program_writes(
    heavylegs: Invoke, held: Path, args: list[str]
) -> None:
    """A long import holds the write lock: a command that only shows data reads beside it."""
    result = heavylegs(*args, env={"HEAVYLEGS_BUSY_TIMEOUT_MS": "100"})
    assert result.exit_code == 0, result.stderr
    assert "busy" not in result.stderr
