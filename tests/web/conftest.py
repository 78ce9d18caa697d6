"""Web tests with Starlette's TestClient: the API contract, 422s naming fields, pages and forms.

Each test gets its own app; ``db_client`` has a fresh SQLite database, ``client`` none.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from heavylegs.web.app import create_app
from tests.conftest import SHARED

NOW = dt.datetime(2026, 11, 21, 18, 30, tzinfo=dt.UTC)
TODAY = NOW.astimezone().date()


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (SHARED / "spec" / "examples" / f"{name}.json").read_text(encoding="utf-8")
    )
    return data


@pytest.fixture(scope="session")
def stateless_app() -> Any:
    return create_app(None, clock=lambda: NOW, secret=b"test-secret")


@pytest.fixture
def client(stateless_app: Any) -> Iterator[TestClient]:
    with TestClient(stateless_app) as test_client:
        yield test_client


@pytest.fixture
def db_client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(f"sqlite:///{tmp_path / 'web.sqlite3'}", clock=lambda: NOW)
    with TestClient(app) as test_client:
        yield test_client
