"""Helpers for the clinician area: accounts, a controllable clock and a signed-in client."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from questionnaire.auth import passwords
from questionnaire.extensions import db
from questionnaire.models import AuditEvent, Clinician

from .helpers import CSRF, text

PASSWORD = "a long and unusual passphrase"


class FakeClock:
    def __init__(self) -> None:
        self.moment = datetime.now(UTC).replace(microsecond=0)

    def now(self) -> datetime:
        return self.moment

    def advance(self, **kwargs: float) -> None:
        self.moment += timedelta(**kwargs)


def make_clinician(
    app: Flask,
    email: str = "sam@clinic.example",
    *,
    role: str = "clinician",
    enrolled: bool = True,
    password: str = PASSWORD,
) -> dict[str, Any]:
    secret = pyotp.random_base32() if enrolled else None
    with app.app_context():
        clinician = Clinician(
            email=email,
            role=role,
            password_hash=passwords.hash_password(password),
            active=True,
            totp_secret=secret,
            created_at=datetime.now(UTC),
        )
        db.session.add(clinician)
        db.session.commit()
        return {"id": clinician.id, "email": email, "password": password, "secret": secret}


def audit_rows(app: Flask, **where: Any) -> list[AuditEvent]:
    with app.app_context():
        statement = select(AuditEvent).order_by(AuditEvent.id)
        for name, value in where.items():
            statement = statement.where(getattr(AuditEvent, name) == value)
        rows = db.session.scalars(statement).all()
        db.session.expunge_all()
        return rows


def audit_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent))


class Staff:
    """A browser in the clinician area."""

    def __init__(self, client: FlaskClient, clock: FakeClock) -> None:
        self.client = client
        self.clock = clock
        self.token = ""

    def _token_from(self, response: TestResponse) -> None:
        match = CSRF.search(text(response))
        if match:
            self.token = match.group(1)

    def sign_in(self, email: str, password: str) -> TestResponse:
        self._token_from(self.client.get("/clinician/sign-in"))
        response = self.client.post(
            "/clinician/sign-in",
            data={"csrf_token": self.token, "email": email, "password": password},
        )
        if response.status_code == 303:
            self.token = ""  # a new session: the old CSRF token no longer counts
        return response

    def code_page(self) -> TestResponse:
        page = self.client.get("/clinician/code")
        self._token_from(page)
        return page

    def enter_code(self, code: str) -> TestResponse:
        if not self.token:
            self.code_page()
        return self.client.post("/clinician/code", data={"csrf_token": self.token, "code": code})

    def current_code(self, secret: str) -> str:
        return pyotp.TOTP(secret).at(self.clock.now())

    def full_sign_in(self, account: dict[str, Any]) -> None:
        response = self.sign_in(account["email"], account["password"])
        assert response.status_code == 303, text(response)
        page = self.code_page()
        secret = account["secret"] or re.search(r"data-totp-secret>([A-Z2-7]+)<", text(page)).group(
            1
        )
        account["secret"] = secret
        done = self.enter_code(self.current_code(secret))
        assert (done.status_code, done.location) == (303, "/clinician/"), text(done)
        # the session was renewed after the code: its pages carry a new CSRF token
        self._token_from(self.client.get("/clinician/rules"))  # a page that audits nothing
        self.clock.advance(seconds=31)  # the next sign-in needs a fresh code

    def post(self, url: str, data: dict[str, Any] | None = None) -> TestResponse:
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})})


def make_submission(
    app: Flask,
    *,
    created_at: datetime | None = None,
    status: str = "new",
    language: str = "en",
    **changes: Any,
) -> str:
    """Store a submission straight from answers (worked example 1 plus changes)."""
    import secrets

    from questionnaire import drafts, submissions
    from questionnaire.models import Draft

    from .examples import EXAMPLE_1_ANSWERS as BASE

    answers = {**BASE, **changes}
    key = secrets.token_urlsafe(16)
    moment = created_at or datetime.now(UTC)
    with app.app_context():
        # every answer under one step is enough: the draft is flattened on submit
        draft = Draft(
            key_hash=drafts.hash_key(key),
            answers={"start": answers},
            created_at=moment,
            expires_at=moment + timedelta(days=1),
        )
        db.session.add(draft)
        db.session.flush()
        submission = submissions.create(draft, key, app.config["SECRET_KEY"], moment, language)
        submission.set_status(status, moment)
        db.session.commit()
        return submission.reference
