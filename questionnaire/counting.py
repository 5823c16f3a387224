"""How many submissions a view of the queue holds, counted from indexes alone and only
up to a cap: the counts above the queue, its pager, and the daily digest read them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from .models import PRIORITY_URGENT, Submission
from .vocabulary import Status

#: Counts stop here ("more than 1,000"): an exact count of a million rows would cost
#: more than the page it sits on, and nobody triages by the thousandth row.
COUNT_CAP = 1_000


def counting(statement: Select[tuple[Submission]]) -> Select[tuple[int]]:
    """How many rows a filtered queue holds, up to ``COUNT_CAP`` + 1, as one statement
    that its indexes answer (it never reads whole rows, which hold the answers)."""
    capped = statement.with_only_columns(Submission.id).order_by(None).limit(COUNT_CAP + 1)
    return select(func.count()).select_from(capped.subquery())


def count(session: Any, statement: Select[tuple[Submission]]) -> int:
    """The number of rows, or ``COUNT_CAP`` + 1 for "more than COUNT_CAP"."""
    return session.scalar(counting(statement))


def as_text(number: int) -> str:
    """A count as people read it: "42", or "more than 1,000" past the cap."""
    return f"more than {COUNT_CAP:,}" if number > COUNT_CAP else f"{number:,}"


def figures(session: Any, me: int | None = None) -> dict[str, int]:
    """Urgent waiting, new and in review (and assigned to ``me``): small counts, each
    served by an index."""
    everything = select(Submission)
    found = {
        "urgent": count(session, everything.where(Submission.priority == PRIORITY_URGENT)),
        "new": count(session, everything.where(Submission.status == Status.NEW)),
        "in_review": count(session, everything.where(Submission.status == Status.IN_REVIEW)),
    }
    if me is not None:
        found["mine"] = count(session, everything.where(Submission.assigned_to_id == me))
    return found
