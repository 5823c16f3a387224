"""Browser tests: Debian's Chromium driven by Playwright against the app served by a
real server on a free localhost port, with its own temporary database.

Without Chromium these tests are skipped with a message saying how to install it,
except under CI (CI=true), where a missing browser is a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from questionnaire import create_app
from questionnaire.extensions import db

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
INSTALL_HINT = (
    "Chromium is not installed: run `sudo apt-get install -y chromium` (Debian's package "
    "gives /usr/bin/chromium) or set CHROMIUM_PATH, then run the tests again."
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{INSTALL_HINT} (CI must run the browser tests, not skip them)")
        pytest.skip(INSTALL_HINT)
    return CHROMIUM


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


def migrated_app(folder: Path, **settings: object) -> Flask:
    """An app on a new SQLite database in ``folder``, built by the migrations, with the
    rate limits out of the way and ``settings`` on top."""
    app = create_app(
        {
            "APP_ENV": "testing",
            "DATABASE_URL": f"sqlite:///{folder / 'browser.sqlite3'}",
            "SCREENING_START_RATE_LIMIT": "10000 per minute",
            "SUBMIT_RATE_LIMIT": "10000 per minute",
            "SIGN_IN_RATE_LIMIT": "10000 per minute",
            **settings,
        }
    )
    with app.app_context():
        upgrade()
    return app


def serve(app: Flask) -> Iterator[LiveServer]:
    """Serve ``app`` for a fixture's lifetime, then close its database connections."""
    with LiveServer(app) as live:
        yield live
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return migrated_app(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="session")
def server(live_app: Flask) -> Iterator[LiveServer]:
    yield from serve(live_app)


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
