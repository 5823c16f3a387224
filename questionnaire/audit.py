"""The audit log: one append-only row per access or change. Never the answers."""

from __future__ import annotations

from flask import has_request_context, request

from . import clock
from .extensions import db
from .models import AuditEvent, Clinician, Submission

ACTIONS: dict[str, str] = {
    "viewed": "Viewed a submission",
    "printed": "Opened a submission's print view",
    "queue-viewed": "Viewed the queue",
    "status-changed": "Changed status",
    "assigned": "Assigned",
    "noted": "Added a note",
    "exported": "Exported",
    "signed-in": "Signed in",
    "signed-out": "Signed out",
    "sign-in-failed": "Failed sign-in",
    "locked-out": "Locked out",
    "unlocked": "Sign-in unlocked by an admin",
    "alerts-changed": "Changed their alert emails",
    "password-changed": "Changed their password",
    "sessions-ended": "Signed out their other sessions",
    "mfa-enrolled": "Second factor enrolled",
    "mfa-reset": "Second factor reset",
    "account-created": "Account created",
    "account-disabled": "Account disabled",
    "audit-viewed": "Viewed the audit log",
    "deleted-by-patient": "Deleted by the patient",
    "purged": "Removed after the retention period",
    "alert-retried": "Sent a failed alert again",
    "contact-attempt": "Recorded a contact attempt",
}


def record(
    action: str,
    *,
    actor: Clinician | None = None,
    actor_email: str | None = None,
    submission: Submission | None = None,
    reference: str | None = None,
    detail: str = "",
) -> AuditEvent:
    """Add one audit row to the session (the caller commits with its change)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        at=clock.now(),
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else actor_email,
        action=action,
        submission_id=submission.id if submission else None,
        reference=submission.reference if submission else reference,
        detail=detail[:200],
        remote_addr=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
