"""Server-side clinician sessions. The signed cookie holds a random key; the database
holds its hash with the times that enforce the idle and absolute timeouts, so signing
out (or a timeout) makes a copied cookie useless. Helpers never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_login import UserMixin
from sqlalchemy import select

from .. import tokens
from ..extensions import db
from ..models import Clinician, ClinicianSession

_hash = tokens.digest


@dataclass(frozen=True, slots=True)
class Limits:
    idle: timedelta
    absolute: timedelta


class Principal(UserMixin):
    """The signed-in person as Flask-Login sees them: a clinician in one session."""

    def __init__(self, record: ClinicianSession, key: str) -> None:
        self.record = record
        self.clinician: Clinician = record.clinician
        self.key = key

    def get_id(self) -> str:
        return self.key

    @property
    def is_active(self) -> bool:
        return self.clinician.active

    @property
    def second_factor_done(self) -> bool:
        return self.record.second_factor_at is not None

    @property
    def is_admin(self) -> bool:
        return self.clinician.is_admin


def start(clinician: Clinician, now: datetime) -> Principal:
    key = tokens.new()
    record = ClinicianSession(
        key_hash=_hash(key), clinician=clinician, created_at=now, last_seen_at=now
    )
    db.session.add(record)
    return Principal(record, key)


def find(key: str | None, now: datetime, limits: Limits) -> Principal | None:
    """The live session for a key; an idle or too old session is not returned."""
    if not tokens.plausible(key):
        return None
    record = db.session.scalar(
        select(ClinicianSession).where(ClinicianSession.key_hash == _hash(key))
    )
    if record is None or record.ended_at is not None:
        return None
    if now - record.last_seen_at > limits.idle or now - record.created_at > limits.absolute:
        return None
    if not record.clinician.active:
        return None
    return Principal(record, key)


def end(principal: Principal, now: datetime) -> None:
    principal.record.ended_at = now


def end_all(clinician: Clinician, now: datetime, *, keep: Principal | None = None) -> int:
    """End every open session of a clinician (disabled account, reset, a changed
    password), but ``keep`` if given; how many ended."""
    statement = select(ClinicianSession).where(
        ClinicianSession.clinician_id == clinician.id, ClinicianSession.ended_at.is_(None)
    )
    if keep is not None:
        statement = statement.where(ClinicianSession.id != keep.record.id)
    ended = db.session.scalars(statement).all()
    for record in ended:
        record.ended_at = now
    return len(ended)
