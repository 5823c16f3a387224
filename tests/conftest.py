"""Fixtures: an app on a fresh database built by the migrations, and a test client
with CSRF protection switched on (as in production).

SQLite by default. With ``DATABASE_URL`` pointing at a PostgreSQL server, the run
creates its own database there, migrates it once, empties it before each test and
drops it at the end.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text

from questionnaire import create_app
from questionnaire.config import database_url
from questionnaire.extensions import db

from .helpers import Patient
from .staff import FakeClock, Staff, make_clinician

SERVER_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRESQL = SERVER_URL.startswith(("postgres://", "postgresql"))


def _make_app(url: str) -> Flask:
    return create_app({"APP_ENV": "testing", "DATABASE_URL": url})


class PostgresDatabases:
    """Fresh databases on the configured server, dropped when the run ends."""

    def __init__(self, server_url: str) -> None:
        self.server = make_url(database_url(server_url, ""))
        self.admin = create_engine(self.server, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def create(self) -> str:
        name = f"ks_test_{secrets.token_hex(6)}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.server.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases | None]:
    if not ON_POSTGRESQL:
        yield None
        return
    databases = PostgresDatabases(SERVER_URL)
    yield databases
    databases.drop_all()


@pytest.fixture
def empty_database_url(tmp_path: Path, postgres: PostgresDatabases | None) -> str:
    """A database with no tables at all, for the migration tests."""
    if postgres is not None:
        return postgres.create()
    return f"sqlite:///{tmp_path / 'empty.sqlite3'}"


@pytest.fixture
def server_database(empty_database_url: str) -> tuple[str, Flask]:
    """A migrated database of its own, for tests that start real server processes."""
    app = _make_app(empty_database_url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return empty_database_url, app


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory, postgres) -> str:
    """A database upgraded to head once: a SQLite file to copy, or a PostgreSQL URL."""
    if postgres is not None:
        url = postgres.create()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.sqlite3'}"
    app = _make_app(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def app(tmp_path: Path, migrated: str) -> Iterator[Flask]:
    if ON_POSTGRESQL:
        url = migrated
        app = _make_app(url)
        with app.app_context():
            tables = [t.name for t in db.metadata.sorted_tables]
            db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            db.session.commit()
    else:
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(make_url(migrated).database, path)
        app = _make_app(f"sqlite:///{path}")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """The app's command line (flask --app wsgi ...), on the test database."""
    return app.test_cli_runner()


@pytest.fixture
def patient(client: FlaskClient) -> Patient:
    return Patient(client)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    from questionnaire import clock as app_clock

    fake = FakeClock()
    monkeypatch.setattr(app_clock, "now", fake.now)
    return fake


@pytest.fixture
def staff(app: Flask, clock: FakeClock) -> Staff:
    return Staff(app.test_client(), clock)


@pytest.fixture
def account(app: Flask) -> dict:
    return make_clinician(app)


@pytest.fixture
def admin_account(app: Flask) -> dict:
    return make_clinician(app, "ada@clinic.example", role="admin")


@pytest.fixture
def signed_in(staff: Staff, account: dict) -> Staff:
    staff.full_sign_in(account)
    return staff


@pytest.fixture
def admin_in(staff: Staff, admin_account: dict) -> Staff:
    """Signed in as an admin (whole-queue exports, the audit log, accounts)."""
    staff.full_sign_in(admin_account)
    return staff
