"""The clinicians' queue: filters, search, counts and keyset pagination.

Order: urgent submissions still waiting (new or in review) first, longest waiting
first; then the rest, newest first. Every sort key is descending, so one index per
filter serves the query and a page costs the same on row 1 or row 100,000.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    column,
    false,
    or_,
    select,
    table,
    tuple_,
)
from sqlalchemy.orm import joinedload

from .. import phq9
from ..counting import count
from ..extensions import db
from ..models import PRIORITY_URGENT, Submission, SubmissionFlag
from ..references import REFERENCE_ALPHABET
from ..rules import FLAGS, OUTCOMES
from ..vocabulary import Status

#: A search shorter than this finds nothing (too many people share 3 letters).
SEARCH_MIN = 4
SEARCH_MAX = 60
_REFERENCE_PART = re.compile(rf"[{REFERENCE_ALPHABET}]{{{SEARCH_MIN},8}}")


@dataclass(frozen=True, slots=True)
class Filters:
    status: str | None = None
    outcome: str | None = None
    flag: str | None = None
    #: The id of the signed-in clinician when "assigned to me" is chosen.
    assigned_to: int | None = None
    #: Only urgent submissions still waiting for someone to act.
    urgent_waiting: bool = False
    search: str = ""  # as typed (trimmed); never written to the audit log

    @classmethod
    def from_args(cls, args: Any, me: int | None = None) -> Filters:
        status = args.get("status") or None
        outcome = args.get("outcome") or None
        flag = args.get("flag") or None
        return cls(
            status=status if status in set(Status) else None,
            outcome=outcome if outcome in OUTCOMES else None,
            flag=flag if flag in FLAGS else None,
            assigned_to=me if args.get("assigned") == "me" else None,
            urgent_waiting=args.get("urgent") == "waiting",
            search=" ".join((args.get("q") or "").split())[:SEARCH_MAX],
        )

    def as_args(self) -> dict[str, str]:
        args = {
            "status": self.status,
            "outcome": self.outcome,
            "flag": self.flag,
            "assigned": "me" if self.assigned_to is not None else None,
            "urgent": "waiting" if self.urgent_waiting else None,
            "q": self.search,
        }
        return {k: v for k, v in args.items() if v}

    def describe(self) -> str:
        """For the audit log: which filters, and whether a search was made, but not the
        words searched (they may be a patient's name)."""
        args = self.as_args()
        if "q" in args:
            args["q"] = "(search)"
        return ", ".join(f"{k}={v}" for k, v in args.items()) or "none"


def search_terms(query: str) -> list[str]:
    """What to look for in ``Submission.search_text``: the words as typed (a name or an
    email), the reference without "KT-" and dashes, the phone number's digits. Nothing
    for fewer than 4 characters. "%" is dropped ("_" may stay: it matches itself too)."""
    text = " ".join(query.replace("%", "").lower().split())
    if len(text) < SEARCH_MIN:
        return []
    terms = [text]
    compact = re.sub(r"[\s\-]", "", text.upper()).removeprefix("KT")
    if _REFERENCE_PART.fullmatch(compact):
        terms.append(compact.lower())
    digits = re.sub(r"\D", "", text)
    if len(digits) >= SEARCH_MIN and not re.search(r"[^\d\s+().\-]", text):
        terms.append(digits)
    return list(dict.fromkeys(terms))


def search_condition(query: str) -> ColumnElement[bool]:
    """Matches a full or partial reference (with or without "KT-" and dashes), or the
    contact name, email or phone the person gave, through the search index: pg_trgm on
    PostgreSQL, the FTS5 trigram table on SQLite (migration 0007)."""
    terms = search_terms(query)
    if not terms:
        return false()
    if db.session.get_bind().dialect.name == "postgresql":
        # The matches first, through the trigram index, and only then the queue order:
        # left to itself, the planner walks the whole queue in order looking for a rare
        # match (seconds at a million rows).
        hits = (
            select(Submission.id)
            .where(or_(*(Submission.search_text.like(f"%{term}%") for term in terms)))
            .cte("search_hits")
            .prefix_with("MATERIALIZED")
        )
        return Submission.id.in_(select(hits.c.id))
    index = table("submissions_search", column("rowid"), column("search_text"))
    return or_(
        *(
            Submission.id.in_(select(index.c.rowid).where(index.c.search_text.like(f"%{term}%")))
            for term in terms
        )
    )


def filtered(filters: Filters) -> Select[tuple[Submission]]:
    statement = select(Submission)
    if filters.status:
        statement = statement.where(Submission.status == filters.status)
    if filters.outcome:
        statement = statement.where(Submission.outcome == filters.outcome)
    if filters.flag:
        statement = statement.where(
            Submission.id.in_(
                select(SubmissionFlag.submission_id).where(SubmissionFlag.flag_id == filters.flag)
            )
        )
    if filters.assigned_to is not None:
        statement = statement.where(Submission.assigned_to_id == filters.assigned_to)
    if filters.urgent_waiting:
        statement = statement.where(Submission.priority == PRIORITY_URGENT)
    if filters.search:
        statement = statement.where(search_condition(filters.search))
    return statement


def ordered(statement: Select[tuple[Submission]]) -> Select[tuple[Submission]]:
    """Urgent submissions still waiting first, longest waiting first; then the rest,
    newest first (see ``models.queue_rank``)."""
    return statement.order_by(
        Submission.priority.desc(), Submission.queue_rank.desc(), Submission.id.desc()
    )


_KEY = (Submission.priority, Submission.queue_rank, Submission.id)


@dataclass(frozen=True, slots=True)
class Cursor:
    """A row's place in the queue, (priority, queue_rank, id), and its position (1-based)
    for "51–100 of N". The position is only shown, never trusted for the query."""

    priority: int
    rank: int
    id: int
    position: int = 1

    def encode(self) -> str:
        raw = f"{self.priority}|{self.rank}|{self.id}|{self.position}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        if not text or len(text) > 80:
            return None
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            priority, rank, row_id, position = raw.split("|")
            return cls(int(priority), int(rank), int(row_id), max(1, int(position)))
        except (ValueError, UnicodeDecodeError):
            return None

    @classmethod
    def of(cls, submission: Submission, position: int) -> Cursor:
        return cls(submission.priority, submission.queue_rank, submission.id, position)

    def key(self) -> Any:
        return tuple_(self.priority, self.rank, self.id)


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[Submission]
    #: Where the next and the previous pages start (None at either end).
    next: Cursor | None
    previous: Cursor | None
    #: "first–last of total", 1-based.
    first: int
    last: int
    total: int


def page(
    session: Any,
    filters: Filters,
    size: int,
    *,
    after: Cursor | None = None,
    before: Cursor | None = None,
) -> Page:
    """One page of the queue: the rows after ``after`` (or, going back, the ones just
    before ``before``), where they stand, and the cursors to either side."""
    base = filtered(filters)
    # First the page's ids, from an index alone; then those rows. (Asked for whole rows
    # at once, PostgreSQL may walk the whole queue in order, reading every row, to find
    # the few that match a filter.)
    ids = base.with_only_columns(Submission.id)
    if before is not None:
        ids = ids.where(tuple_(*_KEY) > before.key()).order_by(
            Submission.priority, Submission.queue_rank, Submission.id
        )
        wanted = size
    else:
        ids = ordered(ids)
        if after is not None:
            ids = ids.where(tuple_(*_KEY) < after.key())
        wanted = size + 1
    fetched = list(
        session.scalars(
            ordered(select(Submission))
            .where(Submission.id.in_(ids.limit(wanted)))
            .options(joinedload(Submission.assigned_to))
        )
    )
    if before is not None:
        rows = fetched
        first = max(1, before.position - len(rows))
        more_after = True
    else:
        rows, more_after = fetched[:size], len(fetched) > size
        first = after.position + 1 if after is not None else 1
    total = count(session, base)
    if not rows:
        return Page([], None, None, 0, 0, total)
    last = first + len(rows) - 1
    return Page(
        rows,
        next=Cursor.of(rows[-1], last) if more_after else None,
        previous=Cursor.of(rows[0], first) if first > 1 else None,
        first=first,
        last=last,
        total=total,
    )


@dataclass(frozen=True, slots=True)
class Row:
    """One queue row, as a clinician triages from it."""

    submission: Submission
    waited: str
    item9: str
    contact: str

    @classmethod
    def of(cls, submission: Submission, now: datetime) -> Row:
        answers = submission.answers
        return cls(
            submission,
            waited=waited(now - submission.created_at),
            item9=phq9.answer_label(answers.get("phq9_9")) or "Not answered",
            contact=how_to_reach(answers),
        )


def waited(span: timedelta) -> str:
    """How long a submission has waited, to the precision triage needs."""
    minutes = max(0, int(span.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min"
    days = hours // 24
    return "1 day" if days == 1 else f"{days} days"


def how_to_reach(answers: dict[str, Any]) -> str:
    """Whether the person agreed to contact, and how they can be reached."""
    if answers.get("wants_contact") != "yes":
        return "No contact"
    ways = [
        name
        for name, field in (("Phone", "contact_phone"), ("Email", "contact_email"))
        if (answers.get(field) or "").strip()
    ]
    return ", ".join(ways) or "No details"
