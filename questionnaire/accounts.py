"""Clinician accounts: creating (the first admin, from the command line), inviting,
resetting with a one-time link, and disabling, the same way
from the command line and from the admin pages. Each change is audited with who made it.
These helpers change the session and never commit: the caller decides."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from . import audit, tokens
from .auth import passwords, sessions
from .extensions import db
from .models import AccountLink, Clinician, ClinicianSession
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


#: How long a set-up link works, and the password hash no password ever matches (an
#: account waiting for its owner to set their own).
LINK_HOURS = 24
NO_PASSWORD = "!"  # noqa: S105  # nosec B105 (a hash that no password matches)


def invite(
    email: str, role: Role, now: datetime, *, by: Clinician | None, by_name: str = ""
) -> tuple[Clinician, str]:
    """A new account with no password yet, and the one-time link (its token) with which
    its owner sets their own password and enrols their own authenticator."""
    email = normalise_email(email)
    if find(email) is not None:
        raise AccountError("An account with this email address already exists")
    clinician = Clinician(
        email=email, role=Role(role), password_hash=NO_PASSWORD, active=True, created_at=now
    )
    db.session.add(clinician)
    db.session.flush()
    _audit("account-created", by, by_name, f"{email} as {clinician.role}, invited")
    return clinician, _new_link(clinician, "invite", now)


def reset(clinician: Clinician, now: datetime, *, by: Clinician | None, by_name: str = "") -> str:
    """Forget the password and the authenticator, end every session, and give a new
    one-time link: the old password no longer opens anything, enrolment included."""
    clinician.password_hash = NO_PASSWORD
    clinician.totp_secret = None
    clinician.totp_last_step = None
    sessions.end_all(clinician, now)
    _audit("mfa-reset", by, by_name, f"{clinician.email}: password and authenticator")
    return _new_link(clinician, "reset", now)


def _new_link(clinician: Clinician, purpose: str, now: datetime) -> str:
    # Any earlier link of the account stops working: only the newest one counts.
    db.session.execute(
        update(AccountLink)
        .where(AccountLink.clinician_id == clinician.id, AccountLink.used_at.is_(None))
        .values(expires_at=now)
    )
    token = tokens.new()
    db.session.add(
        AccountLink(
            token_hash=tokens.digest(token),
            clinician=clinician,
            purpose=purpose,
            created_at=now,
            expires_at=now + timedelta(hours=LINK_HOURS),
        )
    )
    return token


def link_url(token: str) -> str:
    """The set-up link, on the service's public address (never the request's Host)."""
    return f"{current_app.config['APP_BASE_URL']}/clinician/welcome/{token}"


def open_link(token: str | None, now: datetime) -> AccountLink | None:
    """The link for a token if it can still be used: never used, not expired, for an
    account that is still active."""
    if not tokens.plausible(token):
        return None
    link = db.session.scalar(
        select(AccountLink).where(AccountLink.token_hash == tokens.digest(token))
    )
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    return link if link.clinician.active else None


def use_link(link: AccountLink, now: datetime) -> bool:
    """Mark the link used, atomically: of two requests at once, one gets True."""
    done = db.session.execute(
        update(AccountLink)
        .where(
            AccountLink.id == link.id,
            AccountLink.used_at.is_(None),
            AccountLink.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return done == 1


def _audit(action: str, by: Clinician | None, by_name: str, detail: str) -> None:
    audit.record(action, actor=by, actor_email=by_name or None, detail=detail)


def reencrypt_secrets() -> int:
    """Read every authenticator secret (any key opens it) and write it back (the first
    key seals it): after a new key is put first in MFA_ENCRYPTION_KEY."""
    done = 0
    for model, column in (
        (Clinician, Clinician.totp_secret),
        (ClinicianSession, ClinicianSession.pending_totp_secret),
        (AccountLink, AccountLink.pending_totp_secret),
    ):
        rows = db.session.execute(select(model.id, column).where(column.is_not(None))).all()
        for row_id, plain in rows:
            db.session.execute(update(model).where(model.id == row_id).values({column: plain}))
            done += 1
    return done
