"""Typed SQLAlchemy 2.0 models. The schema is built only by the migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .vocabulary import STORED_OUTCOMES, OutcomeId, Role, Source, Status, one_of

JSONType = JSON().with_variant(JSONB(), "postgresql")


#: Queue priority, sorted highest first: urgent submissions nobody has acted on (still
#: ``new``) come first. Every queue sort is descending so one index serves it.
PRIORITY_URGENT = 1
PRIORITY_NORMAL = 0


def priority_for(outcome: str, status: str) -> int:
    urgent = outcome == OutcomeId.URGENT_SUPPORT and status == Status.NEW
    return PRIORITY_URGENT if urgent else PRIORITY_NORMAL


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, hands back aware UTC, on SQLite and PostgreSQL alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Draft(db.Model):
    """A screening in progress. The browser holds only a random key; we keep its hash."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # {step_id: {field: value}}: one entry per completed step.
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # Hash of the one-time "come back later" link's token, when one has been given.
    resume_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)


class Submission(db.Model):
    """A completed screening, stored once with the assessment it got."""

    __tablename__ = "submissions"
    __table_args__ = (
        CheckConstraint(one_of("status", Status), name="status_known"),
        CheckConstraint(one_of("outcome", STORED_OUTCOMES), name="outcome_known"),
        CheckConstraint(one_of("source", Source), name="source_known"),
        Index("ix_submissions_queue", "priority", "created_at", "id"),
        Index("ix_submissions_status_queue", "status", "priority", "created_at", "id"),
        Index("ix_submissions_outcome_queue", "outcome", "priority", "created_at", "id"),
        Index("ix_submissions_closed", "status", "closed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    result_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Hash of the draft key it came from: a second submit of one draft finds this row.
    draft_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="new")
    outcome: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(Integer, default=PRIORITY_NORMAL)
    # When it was closed (None unless closed): retention counts from here.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("clinicians.id", ondelete="SET NULL"), index=True
    )
    phq9_total: Mapped[int | None] = mapped_column(Integer)
    phq9_band: Mapped[str | None] = mapped_column(String(24))
    contraindication_count: Mapped[int] = mapped_column(Integer, default=0)
    precaution_count: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType)
    assessment: Mapped[dict[str, Any]] = mapped_column(JSONType)
    rules_version: Mapped[str] = mapped_column(String(32))
    questionnaire_version: Mapped[str] = mapped_column(String(32))
    #: Where it came from: "web" (the patient pages) or "fhir" (a FHIR forms client).
    source: Mapped[str] = mapped_column(String(16), default="web", server_default="web")

    flags: Mapped[list[SubmissionFlag]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", passive_deletes=True
    )
    notes: Mapped[list[Note]] = relationship(
        back_populates="submission",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Note.created_at",
    )
    assigned_to: Mapped[Clinician | None] = relationship()

    def set_status(self, status: str, now: datetime) -> None:
        self.status = status
        self.priority = priority_for(self.outcome, status)
        self.closed_at = now if status == Status.CLOSED else None


class SubmissionFlag(db.Model):
    """One flag raised for one submission, for filtering the clinicians' queue."""

    __tablename__ = "submission_flags"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    flag_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    level: Mapped[str] = mapped_column(String(20))

    submission: Mapped[Submission] = relationship(back_populates="flags")

    __table_args__ = (Index("ix_submission_flags_flag", "flag_id", "submission_id"),)


class Clinician(db.Model):
    """A member of the clinic's staff who reviews submissions."""

    __tablename__ = "clinicians"
    __table_args__ = (CheckConstraint(one_of("role", Role), name="role_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="clinician")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class ClinicianSession(db.Model):
    """A signed-in session, kept on the server so that signing out really ends it."""

    __tablename__ = "clinician_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    clinician_id: Mapped[int] = mapped_column(
        ForeignKey("clinicians.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    second_factor_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The key shown while enrolling an authenticator, until a code confirms it.
    pending_totp_secret: Mapped[str | None] = mapped_column(String(64))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    clinician: Mapped[Clinician] = relationship()


class Note(db.Model):
    """A clinician's note on a submission."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("clinicians.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="notes")
    author: Mapped[Clinician | None] = relationship()


class AuditEvent(db.Model):
    """Append-only: who did what to which submission, and when. Never the answers.

    The migration adds database triggers that refuse UPDATE and DELETE.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_at", "at", "id"),
        Index("ix_audit_events_submission", "submission_id", "at"),
        Index("ix_audit_events_action", "action", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # No foreign keys: the record outlives the accounts and submissions it names.
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_email: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(32))
    submission_id: Mapped[int | None] = mapped_column(Integer)
    reference: Mapped[str | None] = mapped_column(String(12))
    detail: Mapped[str] = mapped_column(String(200), default="")
    remote_addr: Mapped[str | None] = mapped_column(String(45))
