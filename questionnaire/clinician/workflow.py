"""Review statuses and the moves between them (clinician.md): new → in-review →
contacted or unable-to-contact → closed; a closed submission can be reopened; a
submission the patient withdrew can only be closed."""

from __future__ import annotations

from ..vocabulary import Status

STATUS_LABELS: dict[str, str] = {
    Status.NEW: "New",
    Status.IN_REVIEW: "In review",
    Status.CONTACTED: "Contacted",
    Status.UNABLE_TO_CONTACT: "Unable to contact",
    Status.CLOSED: "Closed",
    Status.WITHDRAWN: "Withdrawn by the patient",
}

TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.NEW: (Status.IN_REVIEW,),
    Status.IN_REVIEW: (Status.CONTACTED, Status.UNABLE_TO_CONTACT, Status.CLOSED),
    Status.CONTACTED: (Status.CLOSED,),
    Status.UNABLE_TO_CONTACT: (Status.CONTACTED, Status.CLOSED),
    Status.CLOSED: (Status.IN_REVIEW,),  # reopen
    Status.WITHDRAWN: (Status.CLOSED,),
}


def allowed_next(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())
