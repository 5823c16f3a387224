"""Typed SQLAlchemy 2.0 models. The schema is built only by the migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    TypeDecorator,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db

JSONType = JSON().with_variant(JSONB(), "postgresql")

STATUSES = ("new", "in-review", "contacted", "closed")


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


class Submission(db.Model):
    """A completed screening, stored once with the assessment it got."""

    __tablename__ = "submissions"
    __table_args__ = (
        CheckConstraint(
            "status IN ('new', 'in-review', 'contacted', 'closed')", name="status_known"
        ),
        Index("ix_submissions_status_created", "status", "created_at"),
        Index("ix_submissions_outcome_created", "outcome", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    result_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Hash of the draft key it came from: a second submit of one draft finds this row.
    draft_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    status: Mapped[str] = mapped_column(String(16), default="new")
    outcome: Mapped[str] = mapped_column(String(32))
    phq9_total: Mapped[int | None] = mapped_column(Integer)
    phq9_band: Mapped[str | None] = mapped_column(String(24))
    contraindication_count: Mapped[int] = mapped_column(Integer, default=0)
    precaution_count: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType)
    assessment: Mapped[dict[str, Any]] = mapped_column(JSONType)
    rules_version: Mapped[str] = mapped_column(String(32))
    questionnaire_version: Mapped[str] = mapped_column(String(32))

    flags: Mapped[list[SubmissionFlag]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", passive_deletes=True
    )


class SubmissionFlag(db.Model):
    """One flag raised for one submission, for filtering the clinicians' queue."""

    __tablename__ = "submission_flags"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    flag_id: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
    level: Mapped[str] = mapped_column(String(20))

    submission: Mapped[Submission] = relationship(back_populates="flags")
