"""Review statuses and the moves between them: new → in-review → contacted → closed,
and a closed submission can be reopened."""

from __future__ import annotations

STATUS_LABELS: dict[str, str] = {
    "new": "New",
    "in-review": "In review",
    "contacted": "Contacted",
    "closed": "Closed",
}

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("in-review",),
    "in-review": ("contacted", "closed"),
    "contacted": ("closed",),
    "closed": ("in-review",),  # reopen
}


def allowed_next(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())
