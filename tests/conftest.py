"""Fixtures: an app on a fresh database built by the migrations, and a test client
with CSRF protection switched on (as in production)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from questionnaire import create_app
from questionnaire.extensions import db

from .helpers import Patient
from .staff import FakeClock, Staff, make_clinician


def _make_app(database_url: str) -> Flask:
    return create_app({"APP_ENV": "testing", "DATABASE_URL": database_url})


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file upgraded to head once; each test gets its own copy."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    app = _make_app(f"sqlite:///{path}")
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture
def app(tmp_path: Path, migrated_template: Path) -> Iterator[Flask]:
    path = tmp_path / "test.sqlite3"
    shutil.copyfile(migrated_template, path)
    app = _make_app(f"sqlite:///{path}")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


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
