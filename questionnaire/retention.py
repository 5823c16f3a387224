"""Retention: remove expired drafts, submissions closed longer ago than the retention
period, and old clinician session records. Safe to run at any time: each batch is one
transaction, and a second run finds nothing more to remove."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, or_, select

from . import audit
from .extensions import db
from .models import ClinicianSession, Draft, DraftMove, Submission

#: How long a moved draft's note is kept for the browser it left.
MOVES_KEPT = timedelta(days=90)

BATCH = 500


@dataclass(frozen=True, slots=True)
class Purged:
    drafts: int
    submissions: int
    sessions: int


def _in_batches(ids_query: Select, remove: Callable[[list[int]], None]) -> int:
    total = 0
    while True:
        ids = list(db.session.scalars(ids_query.limit(BATCH)))
        if not ids:
            return total
        remove(ids)
        db.session.commit()
        total += len(ids)


def purge(now: datetime, retention_days: int, session_hours: int) -> Purged:
    def remove_drafts(ids: list[int]) -> None:
        db.session.execute(delete(Draft).where(Draft.id.in_(ids)))

    def remove_moves(ids: list[int]) -> None:
        db.session.execute(delete(DraftMove).where(DraftMove.id.in_(ids)))

    def remove_submissions(ids: list[int]) -> None:
        references = db.session.scalars(
            select(Submission.reference).where(Submission.id.in_(ids))
        ).all()
        for reference in references:
            audit.record(
                "purged", reference=reference, detail=f"closed more than {retention_days} days ago"
            )
        # Notes and flags go with them (ON DELETE CASCADE).
        db.session.execute(delete(Submission).where(Submission.id.in_(ids)))

    def remove_sessions(ids: list[int]) -> None:
        db.session.execute(delete(ClinicianSession).where(ClinicianSession.id.in_(ids)))

    cutoff = now - timedelta(days=retention_days)
    old_session = now - timedelta(hours=session_hours) - timedelta(days=1)
    return Purged(
        # A moved draft's note for the browser it left goes once that browser's cookie
        # has certainly expired (the draft's days and the cookie's 30 more, well past).
        drafts=_in_batches(
            select(Draft.id).where(Draft.expires_at <= now).order_by(Draft.id), remove_drafts
        )
        + _in_batches(
            select(DraftMove.id)
            .where(DraftMove.moved_at < now - MOVES_KEPT)
            .order_by(DraftMove.id),
            remove_moves,
        ),
        submissions=_in_batches(
            select(Submission.id)
            .where(Submission.status == "closed", Submission.closed_at < cutoff)
            .order_by(Submission.id),
            remove_submissions,
        ),
        sessions=_in_batches(
            select(ClinicianSession.id)
            .where(
                or_(
                    ClinicianSession.ended_at.is_not(None),
                    ClinicianSession.created_at < old_session,
                )
            )
            .where(ClinicianSession.last_seen_at < old_session)
            .order_by(ClinicianSession.id),
            remove_sessions,
        ),
    )
