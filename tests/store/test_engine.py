"""Opening databases from URLs: defaults, normalisation, and errors a person can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from heavylegs.store import StoreError, default_url, open_store
from heavylegs.store.engine import normalise_url


def test_default_url_is_sqlite_in_the_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("HEAVYLEGS_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_url() == f"sqlite:///{tmp_path / 'heavylegs' / 'heavylegs.sqlite3'}"


def test_environment_variable_selects_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEAVYLEGS_DB", "postgresql://u@h/db")
    assert default_url() == "postgresql://u@h/db"


def test_open_without_url_uses_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HEAVYLEGS_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    open_store().close()
    assert (tmp_path / "heavylegs" / "heavylegs.sqlite3").is_file()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h:5/d", "postgresql+psycopg://u@h:5/d"),
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_postgres_urls_use_psycopg3(given: str, expected: str) -> None:
    assert normalise_url(given) == expected


def test_not_a_url_names_the_option() -> None:
    with pytest.raises(StoreError, match="--db: not a database URL"):
        open_store("this is not a url")


def test_unreachable_server_is_a_store_error_without_password() -> None:
    with pytest.raises(StoreError) as info:
        open_store("postgresql://someone:secret@127.0.0.1:1/nothing?connect_timeout=2")
    assert "secret" not in str(info.value)
    assert "127.0.0.1" in str(info.value)
