"""Typed SQLAlchemy 2.0 models. The schema is built only by the migrations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
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
    UniqueConstraint,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .auth.secret_box import EncryptedText
from .extensions import db
from .vocabulary import (
    STORED_OUTCOMES,
    WAITING,
    AlertKind,
    ContactMethod,
    ContactResult,
    Language,
    OutcomeId,
    Role,
    Source,
    Status,
    one_of,
)

JSONType = JSON().with_variant(JSONB(), "postgresql")


#: Queue order (clinician.md): urgent submissions still waiting (``new`` or
#: ``in-review``) first, longest waiting first; then everything else, newest first.
#: Both are one descending sort on (priority, queue_rank, id), so one index serves the
#: queue and a page costs the same on row 1 or row 100,000: the rank is the time in
#: milliseconds, negated for the urgent ones so that the oldest comes first.
PRIORITY_URGENT = 1
PRIORITY_NORMAL = 0
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def priority_for(outcome: str, status: str) -> int:
    urgent = outcome == OutcomeId.URGENT_SUPPORT and status in WAITING
    return PRIORITY_URGENT if urgent else PRIORITY_NORMAL


def queue_rank(priority: int, created_at: datetime) -> int:
    moment = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
    millis = (moment - _EPOCH) // timedelta(milliseconds=1)
    return -millis if priority == PRIORITY_URGENT else millis


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


class DraftMove(db.Model):
    """A "come back later" link moved a draft to another browser: the key the first
    browser still holds and the link's token (hashes), so that each can be told what
    happened, even after the draft was sent. Removed with expired drafts' leftovers."""

    __tablename__ = "draft_moves"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    previous_key_hash: Mapped[str] = mapped_column(String(64), index=True)
    used_resume_token_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    moved_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Submission(db.Model):
    """A completed screening, stored once with the assessment it got."""

    __tablename__ = "submissions"
    __table_args__ = (
        CheckConstraint(one_of("status", Status), name="status_known"),
        CheckConstraint(one_of("outcome", STORED_OUTCOMES), name="outcome_known"),
        CheckConstraint(one_of("source", Source), name="source_known"),
        CheckConstraint(one_of("language", Language), name="language_known"),
        Index("ix_submissions_queue", "priority", "queue_rank", "id"),
        Index("ix_submissions_status_queue", "status", "priority", "queue_rank", "id"),
        Index("ix_submissions_outcome_queue", "outcome", "priority", "queue_rank", "id"),
        Index("ix_submissions_status_outcome", "status", "outcome", "priority", "queue_rank", "id"),
        Index("ix_submissions_closed", "status", "closed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    result_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Hash of the draft key it came from: a second submit of one draft finds this row.
    draft_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="new")
    outcome: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(Integer, default=PRIORITY_NORMAL)
    queue_rank: Mapped[int] = mapped_column(BigInteger)
    # When it was closed (None unless closed): retention counts from here.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the patient deleted their answers, leaving this tombstone for the clinicians.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
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
    #: What the queue's search looks in (``submissions.search_text``), lower case; served
    #: by pg_trgm on PostgreSQL and an FTS5 trigram table on SQLite (migration 0007).
    search_text: Mapped[str | None] = mapped_column(Text)
    #: Where it came from: "web" (the patient pages) or "fhir" (a FHIR forms client).
    source: Mapped[str] = mapped_column(String(16), default="web", server_default="web")
    #: The language the person answered in: "en" or "es" (migration 0011; earlier
    #: submissions were all in English).
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")

    flags: Mapped[list[SubmissionFlag]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", passive_deletes=True
    )
    notes: Mapped[list[Note]] = relationship(
        back_populates="submission",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Note.created_at, Note.id)",
    )
    contact_attempts: Mapped[list[ContactAttempt]] = relationship(
        back_populates="submission",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(ContactAttempt.created_at, ContactAttempt.id)",
    )
    assigned_to: Mapped[Clinician | None] = relationship()

    @property
    def urgent(self) -> bool:
        """Urgent for good: whatever its status, an urgent-support outcome stays marked."""
        return self.outcome == OutcomeId.URGENT_SUPPORT

    def set_status(self, status: str, now: datetime) -> None:
        self.status = status
        self.priority = priority_for(self.outcome, status)
        self.queue_rank = queue_rank(self.priority, self.created_at)
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
    #: Encrypted at rest (MFA_ENCRYPTION_KEY): code reads and writes it in clear.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText())
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Emails about urgent screenings (on by default; each clinician's own choice).
    alerts_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class AccountLink(db.Model):
    """A one-time link with which a person sets their own password and enrols their own
    authenticator: an invitation to a new account, or a reset of an existing one. Only
    the hash of its token is kept; it works once, for ``LINK_HOURS``."""

    __tablename__ = "account_links"
    __table_args__ = (CheckConstraint("purpose IN ('invite', 'reset')", name="purpose_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    clinician_id: Mapped[int] = mapped_column(
        ForeignKey("clinicians.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The authenticator key shown on the set-up page, until a code confirms it.
    pending_totp_secret: Mapped[str | None] = mapped_column(EncryptedText())

    clinician: Mapped[Clinician] = relationship()


class SignInLock(db.Model):
    """Sign-in refused to one account from one address, until a time: failures from
    elsewhere never lock a clinician out of their own address."""

    __tablename__ = "sign_in_locks"
    __table_args__ = (UniqueConstraint("clinician_id", "address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("clinicians.id", ondelete="CASCADE"))
    #: The client address as the app sees it (through PROXY_FIX_HOPS); "" when unknown.
    address: Mapped[str] = mapped_column(String(45))
    locked_until: Mapped[datetime] = mapped_column(UTCDateTime())

    clinician: Mapped[Clinician] = relationship()


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
    pending_totp_secret: Mapped[str | None] = mapped_column(EncryptedText())
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


class ContactAttempt(db.Model):
    """A clinician's attempt to reach the person (a call, an email or a text)."""

    __tablename__ = "contact_attempts"
    __table_args__ = (
        CheckConstraint(one_of("method", ContactMethod), name="contact_method_known"),
        CheckConstraint(one_of("result", ContactResult), name="contact_result_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("clinicians.id", ondelete="SET NULL"))
    method: Mapped[str] = mapped_column(String(8))
    result: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="contact_attempts")
    author: Mapped[Clinician | None] = relationship()


class OutboxMessage(db.Model):
    """An email to send: written in the same transaction as what it is about, sent by
    the outbox worker, marked sent once. It names a submission by reference only; the
    text is composed when it is sent, and never holds health information.

    Alerts go to a clinician's address (``recipient``). A person's reference email
    (kind ``reference``) keeps their address only encrypted (``sealed_recipient``), only
    until it is sent, and at most until ``expires_at``: then the address is erased."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(one_of("kind", AlertKind), name="alert_kind_known"),
        # A person's address is never written in clear: only alerts have a recipient.
        CheckConstraint(
            "(kind = 'reference' AND recipient IS NULL) "
            "OR (kind <> 'reference' AND recipient IS NOT NULL)",
            name="recipient_only_for_alerts",
        ),
        Index("ix_outbox_due", "sent_at", "failed_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: One message per purpose and person, e.g. "urgent:KT-ABCD-EFGH:3": never queued twice.
    dedupe_key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(12))
    #: A clinician's address (alerts); None for a person's reference email.
    recipient: Mapped[str | None] = mapped_column(String(254))
    #: A person's address, encrypted with MFA_ENCRYPTION_KEY (Fernet), while their
    #: reference email waits to be sent; erased (None) once it is sent or given up.
    sealed_recipient: Mapped[str | None] = mapped_column(Text)
    #: The language of a reference email ("en" or "es"), the page's it was asked from.
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: A reference email not sent by then is dropped, address and all (None: alerts).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: While a worker is sending it: another worker leaves it alone until then.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The kind of the last error (never the server's message, which may quote the mail).
    last_error: Mapped[str | None] = mapped_column(String(80))


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
