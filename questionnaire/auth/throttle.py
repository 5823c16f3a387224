"""Account lockout: after N failed attempts within a window, the account's sign-in is
refused for the same window. Failures are read from the audit log, the one record of
them. Helpers never commit."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditEvent, Clinician


def is_locked(clinician: Clinician, now: datetime) -> bool:
    return clinician.locked_until is not None and clinician.locked_until > now


def note_failure(clinician: Clinician, now: datetime, attempts: int, window: timedelta) -> bool:
    """Call after recording a failure; locks the account and returns True at the limit."""
    since = now - window
    if clinician.locked_until is not None and clinician.locked_until > since:
        since = clinician.locked_until  # failures before a lockout ended do not count again
    db.session.flush()
    failures = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.actor_id == clinician.id,
            AuditEvent.action == "sign-in-failed",
            AuditEvent.at > since,
        )
    )
    if failures >= attempts:
        clinician.locked_until = now + window
        return True
    return False
