"""Ready for patients (issue 23, point 3): production will not start without a way for
patients to reach the clinic, and /readyz says "degraded" while no clinician would be
alerted about an urgent screening. Who is alerted is the outbox's one definition."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from questionnaire import accounts, config, create_app, outbox
from questionnaire.extensions import db
from questionnaire.models import Clinician, OutboxMessage, Submission
from questionnaire.vocabulary import Role

from .servers import FLASK, GUNICORN, ROOT, TEST_MFA_KEY, free_port
from .staff import make_clinician, make_submission

NO_CLINIC_CONTACT = (
    "CLINIC_PHONE or CLINIC_EMAIL must be set in production: "
    "patients need a way to reach the clinic."
)
#: Every other setting production needs.
PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "x" * 64,
    "FHIR_BASE_URL": "https://screening.example.org/fhir",
    "APP_BASE_URL": "https://screening.example.org",
    "MFA_ENCRYPTION_KEY": TEST_MFA_KEY,
}
CONTACT = ("CLINIC_PHONE", "CLINIC_EMAIL")


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch, tmp_path) -> pytest.MonkeyPatch:
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.sqlite3")
    for name in CONTACT:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    "phone, email",
    [(None, None), ("", ""), ("   ", "\t")],
    ids=["not set", "empty", "blank"],
)
def test_production_refuses_to_start_without_a_clinic_phone_or_email(production, phone, email):
    for name, value in zip(CONTACT, (phone, email), strict=True):
        if value is not None:
            production.setenv(name, value)
    with pytest.raises(config.ConfigError) as refused:
        create_app()
    assert str(refused.value) == NO_CLINIC_CONTACT


@pytest.mark.parametrize(
    "name, value",
    [("CLINIC_PHONE", "(555) 010-0199"), ("CLINIC_EMAIL", "screening@clinic.example")],
)
def test_production_starts_with_either_a_phone_or_an_email(production, name, value):
    production.setenv(name, f" {value} ")
    app = create_app()
    assert app.config["APP_ENV"] == "production"
    assert {n: app.config[n] for n in CONTACT} == {n: value if n == name else "" for n in CONTACT}


@pytest.mark.parametrize("env", ["development", "testing"])
def test_only_production_requires_the_clinic_contact(production, env):
    production.setenv("APP_ENV", env)
    assert (config.load()["CLINIC_PHONE"], config.load()["CLINIC_EMAIL"]) == ("", "")


def _production_without_contact(tmp_path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in CONTACT}
    return {**env, **PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3"}


def test_the_flask_command_says_what_is_missing_in_one_line(tmp_path):
    done = subprocess.run(  # noqa: S603 (our own flask command)
        [str(FLASK), "--app", "wsgi", "routes"],
        cwd=ROOT,
        env=_production_without_contact(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout, done.stderr) == (3, "", f"Error: {NO_CLINIC_CONTACT}\n")


@pytest.mark.slow
def test_gunicorn_says_what_is_missing_in_one_line_before_any_worker_starts(tmp_path):
    env = {
        **_production_without_contact(tmp_path),
        "GUNICORN_BIND": f"127.0.0.1:{free_port()}",
        "WEB_CONCURRENCY": "2",
    }
    done = subprocess.run(  # noqa: S603 (our own gunicorn)
        [str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert f"Error: {NO_CLINIC_CONTACT}" in done.stderr.splitlines(), output
    assert "Traceback" not in output
    assert "Booting worker" not in output


# --- /readyz: someone receives urgent alerts ----------------------------------------

READY = {"status": "ok", "database": "ok", "rate_limits": "ok", "alerts": "ok"}
NOBODY_ALERTED = {**READY, "status": "degraded", "alerts": "no clinician receives urgent alerts"}


def readiness(client) -> tuple[int, dict]:
    response = client.get("/readyz")
    return response.status_code, response.json


def change(app: Flask, account: dict, **values: object) -> None:
    with app.app_context():
        clinician = db.session.get(Clinician, account["id"])
        for name, value in values.items():
            setattr(clinician, name, value)
        db.session.commit()


def nobody(app: Flask) -> None:
    pass


def not_set_up(app: Flask) -> None:
    """Signed up with a password, never signed in: no authenticator enrolled yet."""
    make_clinician(app, "new@clinic.example", enrolled=False)


def invited(app: Flask) -> None:
    """Invited by an admin, set-up link not used yet: no password, no authenticator."""
    with app.app_context():
        accounts.invite("invited@clinic.example", Role.CLINICIAN, datetime.now(UTC), by=None)
        db.session.commit()


def reset(app: Flask) -> None:
    """Was set up; an admin reset the password and authenticator."""
    account = make_clinician(app, "reset@clinic.example")
    with app.app_context():
        clinician = db.session.get(Clinician, account["id"])
        accounts.reset(clinician, datetime.now(UTC), by=None, by_name="cli")
        db.session.commit()


def disabled(app: Flask) -> None:
    change(app, make_clinician(app, "gone@clinic.example"), active=False)


def alerts_off(app: Flask) -> None:
    change(app, make_clinician(app, "quiet@clinic.example"), alerts_enabled=False)
    change(app, make_clinician(app, "ada@clinic.example", role="admin"), alerts_enabled=False)


@pytest.mark.parametrize("team", [nobody, not_set_up, invited, reset, disabled, alerts_off])
def test_readyz_is_degraded_while_no_clinician_receives_urgent_alerts(app, client, team):
    team(app)
    assert readiness(client) == (200, NOBODY_ALERTED)


def urgent_alerts_queued(app: Flask) -> list[str]:
    """Store an urgent screening and return to whom its alert was queued."""
    reference = make_submission(app, phq9_9="1")
    with app.app_context():
        submission = db.session.scalar(select(Submission).where(Submission.reference == reference))
        assert submission.urgent
        outbox.alert_urgent(submission, datetime.now(UTC))
        db.session.commit()
        return list(
            db.session.scalars(
                select(OutboxMessage.recipient).where(OutboxMessage.reference == reference)
            )
        )


def test_readyz_is_ready_once_an_active_set_up_clinician_has_alerts_on(app, client):
    for team in (not_set_up, invited, reset, disabled):
        team(app)
    quiet = make_clinician(app, "quiet@clinic.example")
    change(app, quiet, alerts_enabled=False)
    assert readiness(client) == (200, NOBODY_ALERTED)
    assert urgent_alerts_queued(app) == []  # the outbox agrees: nobody to alert

    change(app, quiet, alerts_enabled=True)
    assert readiness(client) == (200, READY)
    assert urgent_alerts_queued(app) == ["quiet@clinic.example"]

    change(app, quiet, active=False)
    assert readiness(client) == (200, NOBODY_ALERTED)


def test_redis_and_alerts_degraded_together_are_both_named(app, client, monkeypatch):
    from questionnaire import ops

    monkeypatch.setattr(ops, "_limits_store_answers", lambda: False)
    assert readiness(client) == (200, {**NOBODY_ALERTED, "rate_limits": ops.LIMITS_DEGRADED})
