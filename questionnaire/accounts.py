"""Clinician accounts: creating, disabling and resetting the second factor, the same way
from the command line and from the admin pages. Each change is audited with who made it.
These helpers change the session and never commit: the caller decides."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from . import audit
from .auth import passwords, sessions
from .extensions import db
from .models import Clinician, ClinicianSession
from .vocabulary import Role


class AccountError(ValueError):
    """A change that cannot be made, with the message to show."""


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise AccountError("Enter a valid email address")
    return email


def find(email: str) -> Clinician | None:
    return db.session.scalar(select(Clinician).where(Clinician.email == email.strip().lower()))


def create(
    email: str, password: str, role: Role, now: datetime, *, by: Clinician | None, by_name: str = ""
) -> Clinician:
    """A new, active account; the person sets up their authenticator at first sign-in."""
    email = normalise_email(email)
    if find(email) is not None:
        raise AccountError("An account with this email address already exists")
    problem = passwords.problem(password)
    if problem:
        raise AccountError(problem)
    clinician = Clinician(
        email=email,
        role=Role(role),
        password_hash=passwords.hash_password(password),
        active=True,
        created_at=now,
    )
    db.session.add(clinician)
    db.session.flush()
    _audit("account-created", by, by_name, f"{email} as {clinician.role}")
    return clinician


def disable(
    clinician: Clinician, now: datetime, *, by: Clinician | None, by_name: str = ""
) -> None:
    """No more sign-ins, and every open session ends now."""
    clinician.active = False
    sessions.end_all(clinician, now)
    _audit("account-disabled", by, by_name, clinician.email)


def reset_second_factor(
    clinician: Clinician, now: datetime, *, by: Clinician | None, by_name: str = ""
) -> None:
    """Forget the authenticator (set up again at next sign-in) and end every session."""
    clinician.totp_secret = None
    clinician.totp_last_step = None
    sessions.end_all(clinician, now)
    _audit("mfa-reset", by, by_name, clinician.email)


def _audit(action: str, by: Clinician | None, by_name: str, detail: str) -> None:
    audit.record(action, actor=by, actor_email=by_name or None, detail=detail)


def reencrypt_secrets() -> int:
    """Read every authenticator secret (any key opens it) and write it back (the first
    key seals it): after a new key is put first in MFA_ENCRYPTION_KEY."""
    done = 0
    for model, column in (
        (Clinician, Clinician.totp_secret),
        (ClinicianSession, ClinicianSession.pending_totp_secret),
    ):
        rows = db.session.execute(select(model.id, column).where(column.is_not(None))).all()
        for row_id, plain in rows:
            db.session.execute(update(model).where(model.id == row_id).values({column: plain}))
            done += 1
    return done
