"""The whole ``heavylegs`` command as a new user meets it: --db mistakes, --version, info, help
summaries, explain --list, output at 80 columns, plain words."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from heavylegs.cli.main import app
from heavylegs.cli.output import console, duration_text, first_sentence, plural
from heavylegs.knowledge import load_knowledge


def run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Any:
    return CliRunner().invoke(app, list(args), env=env, input=input)


@pytest.fixture(autouse=True)
def _no_env_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HEAVYLEGS_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(console(), "width", 80)


# ------------------------------------------------------------------------------------ --db


def test_an_unknown_kind_of_database_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    for args in (["diary", "--db", "bogus://x"], ["--db", "bogus://x", "log", "--heaviness", "3"]):
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert result.stderr.splitlines() == [
            "error: --db: unknown kind of database 'bogus' in 'bogus://x'; use a file path, "
            "sqlite:///FILE or postgresql://USER@HOST/NAME"
        ]
        assert "Traceback" not in result.output


def test_a_database_that_does_not_exist_is_refused_and_not_created(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "dir" / "x.db"
    for command in (["diary"], ["trends"], ["insights"], ["activities"], ["profile"]):
        result = run(*command, "--db", f"sqlite:///{target}")
        assert result.exit_code == 1, (command, result.output)
        assert result.stderr.startswith(f"error: no database at {target}"), result.stderr
        assert "No diary entries" not in result.stdout
    assert not target.parent.exists(), "no folders made for a read"


def test_a_command_that_records_creates_the_database_and_says_so(tmp_path: Path) -> None:
    target = tmp_path / "new.db"
    result = run("log", "--heaviness", "3", "--db", str(target))  # a plain path is SQLite
    assert result.exit_code == 0, result.output
    assert f"created the database {target}" in result.stderr
    again = run("diary", "--db", str(target), "--json")
    assert again.exit_code == 0 and "created" not in again.stderr
    assert json.loads(again.stdout)["entries"][0]["heaviness"] == 3


def test_a_refused_write_leaves_no_new_database_behind(tmp_path: Path) -> None:
    target = tmp_path / "new.db"
    result = run("log", "--ankle-left-cm", "23", "--db", str(target))  # no heaviness: refused
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["error: heaviness: required for a new entry"]
    assert not target.exists()


def test_db_before_the_command_name_and_after_it(tmp_path: Path) -> None:
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    assert run("--db", str(first), "log", "--heaviness", "2").exit_code == 0
    assert run("--db", str(first), "log", "--heaviness", "5", "--db", str(second)).exit_code == 0
    one = json.loads(run("--db", str(first), "diary", "--json").stdout)["entries"]
    two = json.loads(run("diary", "--json", "--db", str(second)).stdout)["entries"]
    assert [e["heaviness"] for e in one] == [2] and [e["heaviness"] for e in two] == [5]


def test_assess_checks_db_before_anything(tmp_path: Path, shared: Path) -> None:
    answers = shared / "spec" / "examples" / "office-worker.json"
    result = run("--db", "bogus://x", "assess", "--answers", str(answers))
    assert result.exit_code == 2 and "unknown kind of database" in result.stderr


# ------------------------------------------------------------------------ version, info, help


def test_version() -> None:
    from importlib.metadata import version

    result = run("--version")
    assert result.exit_code == 0 and result.stdout == f"heavylegs {version('heavylegs')}\n"


def test_info_says_where_the_data_lives_without_creating_it(tmp_path: Path) -> None:
    target = tmp_path / "info.db"
    result = run("info", "--db", str(target))
    assert result.exit_code == 0, result.output
    assert f"database:     sqlite:///{target}" in result.stdout
    assert "nothing yet" in result.stdout and not target.exists()
    assert "data folder:" in result.stdout and "heavylegs" in result.stdout.splitlines()[0]
    run("log", "--heaviness", "3", "--db", str(target))
    facts = json.loads(run("info", "--json", "--db", str(target)).stdout)
    assert facts["counts"]["diary_entries"] == 1 and facts["size_bytes"] > 0
    text = run("info", "--db", str(target)).stdout
    assert "  1 diary entry\n" in text and "  0 activities\n" in text


def test_info_json_keeps_a_non_ascii_path_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every ``--json`` prints through one ``print_json``: text as it is, not ``\\u`` escapes."""
    folder = tmp_path / "données é"
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    result = run("info", "--json")
    assert result.exit_code == 0, result.output
    assert "données é" in result.stdout and "\\u00e9" not in result.stdout
    assert json.loads(result.stdout)["data_folder"].startswith(str(folder))


def test_help_offers_completion_and_whole_first_sentences() -> None:
    result = run("-h")
    assert result.exit_code == 0
    assert "--install-completion" in result.stdout and "--version" in result.stdout
    assert "..." not in result.stdout.split("Commands:")[1], "a summary was cut"
    summaries = re.findall(r"^  (\S+)\s{2,}(.+?)(?=^  \S|\Z)", result.stdout.split("Commands:")[1],
                           flags=re.S | re.M)  # fmt: skip
    assert len(summaries) >= 15
    for name, text in summaries:
        assert " ".join(text.split()).endswith((".", "?", ")")), (name, text)
    done = dict((n, " ".join(t.split())) for n, t in summaries)["done"]
    assert done == "Record a measure you did (e.g. heavylegs done ankle_pumps --reps 20)."


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("Record a measure (e.g. this one). More.", "Record a measure (e.g. this one)."),
        ("Is it better? Then go on.", "Is it better?"),
        ("One line\n    folded. Two.", "One line folded."),
        ("No end at all", "No end at all"),
    ],
)
def test_first_sentence(text: str, first: str) -> None:
    assert first_sentence(text) == first


def test_explain_list_names_every_cause_measure_and_warning_sign() -> None:
    kb = load_knowledge()
    result = run("explain", "--list")
    assert result.exit_code == 0
    for table in (kb.causes, kb.measures, kb.red_flags):
        for entry_id in table:
            assert re.search(rf"^{re.escape(entry_id)}\s", result.stdout, re.M), entry_id
    doc = json.loads(run("explain", "--list", "--json").stdout)
    assert {f["id"] for f in doc["red_flags"]} == set(kb.red_flags)
    assert all(f["level"] in ("emergency", "urgent", "routine") for f in doc["red_flags"])


# ---------------------------------------------------------------------------- 80 columns


def _at_80(draw: Any) -> str:
    out = Console(width=80, file=io.StringIO(), record=True, color_system=None)
    draw(out)
    return out.export_text()


def test_sources_and_explain_fit_80_columns_with_whole_links() -> None:
    from heavylegs.cli.render import render_entry, render_sources

    kb = load_knowledge()
    texts = {"sources": _at_80(lambda c: render_sources(c, kb))}
    for entry_id in ("suspected_dvt", "ankle_pumps", "chronic_venous_insufficiency"):
        entry = kb.entry(entry_id)
        if entry is not None:
            texts[entry_id] = _at_80(lambda c, e=entry: render_entry(c, kb, e))
    for name, text in texts.items():
        assert max(len(line) for line in text.splitlines()) <= 80, name
        assert "…" not in text, name
    squeezed = re.sub(r"[\s│]", "", texts["sources"])
    for source in kb.sources.values():
        if source.url:
            assert source.url in squeezed, source.url


def test_the_diary_table_fits_80_columns(tmp_path: Path) -> None:
    target = str(tmp_path / "d.db")
    run("log", "--heaviness", "4", "--part", "evening", "--ankle-left-cm", "24", "--db", target,
        "--ankle-right-cm", "24.5", "--swelling", "both", "--sleep-h", "7", "--water-l", "1.5",
        "--note", "long day at the desk, legs like lead by the evening")  # fmt: skip
    run("done", "legs_up_the_wall", "--minutes", "12", "--db", target)
    result = run("diary", "--ids", "--db", target)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80 and "…" not in result.stdout
    assert "#1 legs_up_the_wall 12 min" in re.sub(r"\s*│\s*", " ", result.stdout) or any(
        "#1" in line for line in lines
    )


# --------------------------------------------------------------------------- plain words


def test_plain_words_in_what_the_diary_says(tmp_path: Path) -> None:
    target = str(tmp_path / "w.db")
    logged = run("log", "--heaviness", "4", "--ankle-left-cm", "24", "--db", target).stdout
    assert "ankle left 24.0 cm" in logged and "ankle_left_cm" not in logged
    assert "heaviness 4/10" in logged
    done = run("done", "legs_up_the_wall", "--minutes", "12", "--db", target).stdout
    assert ": 12 min (id 1)" in done and done.startswith("Recorded Legs")
    trends = run("trends", "--db", target).stdout
    assert "1 day logged" in trends and "1 days" not in trends
    assert "left 24.0 cm, right not measured" in trends


def test_plural_and_durations() -> None:
    assert plural(1, "day", "days") == "1 day" and plural(2, "day", "days") == "2 days"
    assert [duration_text(s) for s in (45, 60, 720, 90)] == [
        "45 s",
        "1 min",
        "12 min",
        "1 min 30 s",
    ]


def test_ask_answers_fit_80_columns_with_whole_links() -> None:
    from heavylegs.ask import ask
    from heavylegs.cli.ask import render_answers

    kb = load_knowledge()
    for question in ("compression socks for flying", "Should I walk with a blood clot?"):
        result = ask(question, kb)
        text = _at_80(lambda c, r=result: render_answers(c, r, kb))
        assert max(len(line) for line in text.splitlines()) <= 80, question
        squeezed = re.sub(r"\s", "", text)
        for answer in result.answers:
            for source_id in answer.sources:
                url = kb.sources[source_id].url
                if url:
                    assert url in squeezed, url


def test_serve_refuses_an_unknown_kind_of_database_before_listening(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from heavylegs.cli.web import run_serve

    assert run_serve("127.0.0.1", 1, "bogus://x") == 2
    assert "error: --db: unknown kind of database 'bogus'" in capsys.readouterr().err


def test_insights_fit_80_columns_and_leave_out_what_cannot_be_compared(tmp_path: Path) -> None:
    import datetime as dt

    from heavylegs.diary.entries import record_entry, record_measure
    from heavylegs.diary.validation import parse_entry, parse_measure_done
    from heavylegs.store import open_store

    target = tmp_path / "i.db"
    today = dt.date.today()
    now = dt.datetime.now(dt.UTC)
    with open_store(f"sqlite:///{target}") as store, store.session() as session:
        for back in range(1, 29):
            day = today - dt.timedelta(days=back)
            entry = {"date": day, "part": "evening", "heaviness": back % 6 + 2}
            record_entry(session, parse_entry(entry, today=today), now)
            if back % 2 == 0:
                done = {"measure": "legs_up_the_wall", "date": day, "minutes": 12}
                record_measure(session, parse_measure_done(done, today=today))
    result = run("insights", "--db", str(target))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "│ not enough" not in result.stdout and "is left out" in result.stdout
    assert "Legs up the" in result.stdout


def test_shell_completion_script_is_offered() -> None:
    result = run("--show-completion", "bash")
    assert result.exit_code == 0 and "_heavylegs_completion()" in result.stdout


def test_assess_from_activities_does_not_create_a_missing_database(tmp_path: Path) -> None:
    target = tmp_path / "none.db"
    answers = str(Path(__file__).parents[2] / "docs" / "examples" / "answers.json")
    result = run("assess", "--from-activities", "--answers", answers, "--db", str(target))
    assert result.exit_code == 2 and "no database at" in result.stderr
    assert not target.exists()
