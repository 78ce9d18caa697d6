"""``heavylegs users invite`` and ``users list`` (server mode, issue 13), in process."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from heavylegs.cli.main import app
from heavylegs.store import open_store
from heavylegs.store.accounts import Role, sign_up


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_invite_prints_a_code_that_signs_up_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    code, out, err = _run(
        "users", "invite", "Doc@Clinic.example", "--role", "clinician", "--db", url
    )
    assert code == 0, err
    invite = out.strip()
    assert len(invite) >= 24 and "\n" not in invite
    assert "clinician invite for doc@clinic.example" in err
    with open_store(url) as store:
        now = dt.datetime.now(dt.UTC)
        account = sign_up(store, invite, "doc@clinic.example", "a long enough password", now)
    assert account.role is Role.CLINICIAN
    code, out, _ = _run("users", "list", "--json", "--db", url)
    assert code == 0
    assert json.loads(out) == [
        {"id": 1, "email": "local@localhost", "role": "admin"},
        {"id": account.id, "email": "doc@clinic.example", "role": "clinician"},
    ]
    code, out, _ = _run("users", "list", "--db", url)
    assert code == 0 and "doc@clinic.example" in out and "clinician" in out


def test_bad_invites_name_the_field_and_exit_2(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    code, out, err = _run("users", "invite", "not-an-email", "--db", url)
    assert (code, out) == (2, "")
    assert "error: email: not an email address" in err
    code, _, err = _run("users", "invite", "p@x.org", "--role", "root", "--db", url)
    assert code == 2 and "error: role: one of person, clinician, admin" in err
    _run("users", "invite", "p@x.org", "--db", url)
    code, _, err = _run("users", "invite", "local@localhost", "--db", url)
    assert code == 2 and "already has an account" in err


def test_list_on_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "typo.sqlite3"
    code, _, err = _run("users", "list", "--db", f"sqlite:///{target}")
    assert code == 1 and "no database" in err
    assert not target.exists()


def test_reset_and_disable_shut_an_account_out_now(tmp_path: Path) -> None:
    from heavylegs.store.accounts import create_invite, new_session, session_account

    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    now = dt.datetime.now(dt.UTC)
    with open_store(url) as store:
        invite = create_invite(store, "pat@example.org", Role.PERSON, now)
        sign_up(store, invite, "pat@example.org", "a long enough password", now)
        browser = new_session(store, 2, now)
    code, out, err = _run("users", "reset", "Pat@example.org", "--db", url)
    assert code == 0, err
    assert "signed out everywhere" in err
    with open_store(url) as store:
        assert session_account(store, browser, now) is None
        again = sign_up(store, out.strip(), "pat@example.org", "a brand new password", now)
        assert again.id == 2
    code, _, err = _run("users", "disable", "pat@example.org", "--db", url)
    assert code == 0 and "disabled" in err
    code, _, err = _run("users", "reset", "nobody@example.org", "--db", url)
    assert code != 0 and "email" in err and "Traceback" not in err
