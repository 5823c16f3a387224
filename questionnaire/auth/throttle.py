"""Sign-in lockout per account and address: after N failed attempts from one address
within a window, that account's sign-in from that address is refused for the same
window. Failures from elsewhere never lock a clinician out of their own address, so no
outsider can keep them out. Failures are read from the audit log, the one record of
them. Admins see the locks in force and can lift them. Helpers never commit."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import has_request_context, request
from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import AuditEvent, Clinician, SignInLock


def client_address() -> str:
    """The address a request comes from, as the app sees it (after PROXY_FIX_HOPS)."""
    return (request.remote_addr or "") if has_request_context() else ""


def _lock(clinician: Clinician, address: str) -> SignInLock | None:
    return db.session.scalar(
        select(SignInLock).where(
            SignInLock.clinician_id == clinician.id, SignInLock.address == address
        )
    )


def is_locked(clinician: Clinician, now: datetime, address: str | None = None) -> bool:
    lock = _lock(clinician, client_address() if address is None else address)
    return lock is not None and lock.locked_until > now


def note_failure(clinician: Clinician, now: datetime, attempts: int, window: timedelta) -> bool:
    """Call after recording a failure; locks the account for this address and returns
    True at the limit."""
    address = client_address()
    lock = _lock(clinician, address)
    since = now - window
    if lock is not None and lock.locked_until > since:
        since = lock.locked_until  # failures before a lockout ended do not count again
    db.session.flush()
    failures = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.actor_id == clinician.id,
            AuditEvent.action == "sign-in-failed",
            AuditEvent.remote_addr == (address or None),
            AuditEvent.at > since,
        )
    )
    if failures < attempts:
        return False
    if lock is None:
        db.session.add(SignInLock(clinician=clinician, address=address, locked_until=now + window))
    else:
        lock.locked_until = now + window
    return True


def locks_in_force(now: datetime) -> list[SignInLock]:
    return list(
        db.session.scalars(
            select(SignInLock)
            .where(SignInLock.locked_until > now)
            .order_by(SignInLock.locked_until.desc())
        )
    )


def unlock(clinician: Clinician) -> int:
    """Lift every lock on the account; how many there were."""
    return db.session.execute(
        delete(SignInLock).where(SignInLock.clinician_id == clinician.id)
    ).rowcount
