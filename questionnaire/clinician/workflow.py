"""Review statuses and the moves between them (clinician.md): new → in-review →
contacted or unable-to-contact → closed; a closed submission can be reopened; a
submission the patient withdrew can only be closed."""

from __future__ import annotations

from ..models import Submission
from ..vocabulary import ContactResult, Status

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


def may_contact(submission: Submission) -> bool:
    """Only a person who asked to be contacted is offered a call (and never after they
    withdrew: their details are gone)."""
    return (
        submission.status != Status.WITHDRAWN and submission.answers.get("wants_contact") == "yes"
    )


def needs_reason_to_close(submission: Submission, status: str) -> bool:
    """An urgent submission is closed only after a contact attempt, or with a reason."""
    return (
        status == Status.CLOSED
        and submission.urgent
        and submission.status != Status.WITHDRAWN
        and not submission.contact_attempts
    )


def offers_contacted(submission: Submission) -> bool:
    """After the person was reached, offer to mark the submission "contacted"."""
    attempts = submission.contact_attempts
    return (
        bool(attempts)
        and attempts[-1].result == ContactResult.REACHED
        and Status.CONTACTED in allowed_next(submission.status)
    )
