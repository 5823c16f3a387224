"""Review statuses and the moves between them: new → in-review → contacted → closed,
and a closed submission can be reopened."""

from __future__ import annotations

from ..vocabulary import Status

STATUS_LABELS: dict[str, str] = {
    Status.NEW: "New",
    Status.IN_REVIEW: "In review",
    Status.CONTACTED: "Contacted",
    Status.CLOSED: "Closed",
}

TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.NEW: (Status.IN_REVIEW,),
    Status.IN_REVIEW: (Status.CONTACTED, Status.CLOSED),
    Status.CONTACTED: (Status.CLOSED,),
    Status.CLOSED: (Status.IN_REVIEW,),  # reopen
}


def allowed_next(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())
