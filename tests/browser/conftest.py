"""Browser tests: Playwright drives Debian's Chromium (``/usr/bin/chromium``) against a real server.

The app runs under uvicorn in a thread on a free 127.0.0.1 port, with a fresh SQLite database and
a fixed clock for each test. ``scripts/ensure-chromium.sh`` (run by ``make test``) installs the
browser; without it these tests skip and say why. Never ``playwright install``.

Screenshots go to a temporary folder, or to ``$HEAVYLEGS_SCREENSHOTS`` when set: regenerate the
README's pictures with
``HEAVYLEGS_SCREENSHOTS=docs/screenshots .venv/bin/python -m pytest tests/browser``.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NOW = dt.datetime(2026, 11, 21, 18, 30, tzinfo=dt.UTC)
"""The server's clock in every browser test (an evening, so the diary defaults to 'evening')."""
SHOTS = Path(os.environ.get("HEAVYLEGS_SCREENSHOTS") or tempfile.mkdtemp(prefix="heavylegs-shots-"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1100, "height": 860}, "locale": "en-GB"}


class LiveServer:
    """The app served by uvicorn in a background thread."""

    def __init__(self, db_path: Path, **app_options: Any) -> None:
        import uvicorn

        from heavylegs.web.app import create_app

        self.app = create_app(f"sqlite:///{db_path}", clock=lambda: NOW, **app_options)
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=0, log_level="warning", access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The base URL of a fresh app (empty SQLite database)."""
    live = LiveServer(tmp_path / "web.sqlite3")
    url = live.start()
    try:
        yield url
    finally:
        live.stop()


@pytest.fixture
def shot() -> Any:
    """``shot(page, "name")`` saves ``name.png`` (whole page unless ``full_page=False``)."""

    def take(page: Any, name: str, full_page: bool = True) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page, animations="disabled")
        return path

    return take
