"""The clinicians' queue: filters, search and keyset pagination.

Order: urgent submissions still ``new`` first, then newest first. Every sort key is
descending, so one index per filter serves the query and a page costs the same on
row 1 or row 100,000. The cursor is the last row's (priority, created_at, id).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, exists, false, select, tuple_
from sqlalchemy.orm import joinedload

from ..models import Submission, SubmissionFlag
from ..references import normalise_reference
from ..rules import FLAGS, OUTCOMES
from ..vocabulary import Status


@dataclass(frozen=True, slots=True)
class Filters:
    status: str | None = None
    outcome: str | None = None
    flag: str | None = None
    reference: str | None = None  # normalised KT-XXXX-XXXX
    search: str = ""  # as typed; when it is not a reference, nothing matches

    @classmethod
    def from_args(cls, args: Any) -> Filters:
        status = args.get("status") or None
        outcome = args.get("outcome") or None
        flag = args.get("flag") or None
        search = (args.get("q") or "").strip()[:40]
        return cls(
            status=status if status in set(Status) else None,
            outcome=outcome if outcome in OUTCOMES else None,
            flag=flag if flag in FLAGS else None,
            reference=normalise_reference(search) if search else None,
            search=search,
        )

    def as_args(self) -> dict[str, str]:
        args = {"status": self.status, "outcome": self.outcome, "flag": self.flag, "q": self.search}
        return {k: v for k, v in args.items() if v}

    def describe(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.as_args().items()) or "none"


def filtered(filters: Filters) -> Select[tuple[Submission]]:
    statement = select(Submission)
    if filters.status:
        statement = statement.where(Submission.status == filters.status)
    if filters.outcome:
        statement = statement.where(Submission.outcome == filters.outcome)
    if filters.flag:
        statement = statement.where(
            exists().where(
                SubmissionFlag.submission_id == Submission.id,
                SubmissionFlag.flag_id == filters.flag,
            )
        )
    if filters.reference:
        statement = statement.where(Submission.reference == filters.reference)
    elif filters.search:
        statement = statement.where(false())  # not a reference: nothing can match
    return statement


def ordered(statement: Select[tuple[Submission]]) -> Select[tuple[Submission]]:
    return statement.order_by(
        Submission.priority.desc(), Submission.created_at.desc(), Submission.id.desc()
    )


@dataclass(frozen=True, slots=True)
class Cursor:
    priority: int
    created_at: datetime
    id: int

    def encode(self) -> str:
        raw = f"{self.priority}|{self.created_at.isoformat()}|{self.id}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        if not text or len(text) > 80:
            return None
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            priority, stamp, row_id = raw.split("|")
            created_at = datetime.fromisoformat(stamp)
            if created_at.tzinfo is None:
                return None
            return cls(int(priority), created_at.astimezone(UTC), int(row_id))
        except (ValueError, UnicodeDecodeError):
            return None

    @classmethod
    def after(cls, submission: Submission) -> Cursor:
        return cls(submission.priority, submission.created_at, submission.id)


def page(session: Any, filters: Filters, after: Cursor | None, size: int):
    """One page of the queue and the cursor of the next page (None on the last)."""
    statement = ordered(filtered(filters)).options(joinedload(Submission.assigned_to))
    if after is not None:
        key = tuple_(Submission.priority, Submission.created_at, Submission.id)
        statement = statement.where(key < tuple_(after.priority, after.created_at, after.id))
    rows = list(session.scalars(statement.limit(size + 1)))
    next_cursor = Cursor.after(rows[size - 1]).encode() if len(rows) > size else None
    return rows[:size], next_cursor
