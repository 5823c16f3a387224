"""The queue, one submission, and the actions on it. Every access writes one audit row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import audit, clock, counting, outbox, rulebook, submissions
from ..body_limits import sized_for
from ..content import section
from ..extensions import db
from ..forms.clinician import AssignForm, ContactAttemptForm, NoteForm, StatusForm
from ..models import Clinician, ContactAttempt, Note, Submission
from ..rules import FLAGS, OUTCOMES, PHQ9_BAND_LABELS, RULES_VERSION, SECTION_ORDER
from ..vocabulary import Status
from . import bp, page_size
from .access import bad_cursor, clinician_required, found
from .detail import view_model
from .exports import BUNDLE_LIMIT
from .queue import Cursor, Filters, Row, page
from .workflow import STATUS_LABELS, allowed_next, may_contact, needs_reason_to_close


def _me() -> Clinician:
    return current_user.clinician


@bp.get("/")
@clinician_required
def queue() -> str | Response:
    me = _me()
    filters = Filters.from_args(request.args, me=me.id)
    after = Cursor.decode(request.args.get("after"))
    before = None if after else Cursor.decode(request.args.get("before"))
    if (after is None and request.args.get("after")) or (
        before is None and request.args.get("before")
    ):
        return bad_cursor(url_for(".queue"))
    shown = page(db.session, filters, page_size(), after=after, before=before)
    audit.record("queue-viewed", actor=me, detail=f"filters: {filters.describe()}")
    db.session.commit()
    now = clock.now()
    args = filters.as_args()
    return render_template(
        "clinician/queue.html",
        page=shown,
        rows=[Row.of(s, now) for s in shown.rows],
        filters=filters,
        counts=counting.figures(db.session, me.id),
        count_text=counting.as_text,
        next_url=url_for(".queue", **args, after=shown.next.encode()) if shown.next else None,
        previous_url=url_for(".queue", **args, before=shown.previous.encode())
        if shown.previous
        else None,
        statuses=STATUS_LABELS,
        outcomes={o: OUTCOMES[o].title for o in OUTCOMES},
        flags=sorted(FLAGS),
        bands=PHQ9_BAND_LABELS,
        failed_alerts=outbox.failed_count() if me.is_admin else 0,
        bundle_limit=BUNDLE_LIMIT,
    )


def _active_clinicians() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Clinician.id, Clinician.email).where(Clinician.active).order_by(Clinician.email)
    )
    return [(row.id, row.email) for row in rows]


def _forms(submission: Submission, **bound: Any) -> dict[str, Any]:
    return {
        "status_form": bound.get("status_form")
        or StatusForm(allowed_next(submission.status), STATUS_LABELS, formdata=None),
        "assign_form": bound.get("assign_form")
        or AssignForm(
            _active_clinicians(),
            formdata=None,
            data={"clinician_id": str(submission.assigned_to_id or "none")},
        ),
        "note_form": bound.get("note_form") or NoteForm(formdata=None),
        "attempt_form": bound.get("attempt_form") or ContactAttemptForm(formdata=None),
    }


def _render(submission: Submission, status: int = 200, **bound: Any) -> Response:
    html = render_template(
        "clinician/submission.html",
        s=view_model(submission),
        bands=PHQ9_BAND_LABELS,
        has_errors=status == 422,
        error_form=next(iter(bound.values()), None),
        me_id=_me().id,
        closing_needs_reason=needs_reason_to_close(submission, Status.CLOSED)
        and Status.CLOSED in allowed_next(submission.status),
        **_forms(submission, **bound),
    )
    return make_response(html, status)


def _back(submission: Submission, message: str) -> Response:
    flash(message)
    return redirect(url_for(".submission", reference=submission.reference), code=303)


@bp.get("/submissions/<reference>")
@clinician_required
def submission(reference: str) -> Response:
    """The page itself; each view of it is audited here, once (not when an action's
    form comes back with an error)."""
    submission = found(submissions.by_reference(reference))
    audit.record("viewed", actor=_me(), submission=submission)
    db.session.commit()
    return _render(submission)


@bp.get("/submissions/<reference>/print")
@clinician_required
def print_view(reference: str) -> str:
    """The submission on paper: clinic, print time, a confidentiality line, no controls."""
    submission = found(submissions.by_reference(reference))
    audit.record("printed", actor=_me(), submission=submission)
    db.session.commit()
    return render_template(
        "clinician/print.html",
        s=view_model(submission),
        bands=PHQ9_BAND_LABELS,
        printed_at=clock.now(),
        printed_by=_me().email,
    )


@bp.post("/submissions/<reference>/status")
@sized_for(StatusForm)
@clinician_required
def change_status(reference: str) -> Response:
    submission = found(submissions.by_reference(reference))
    form = StatusForm(allowed_next(submission.status), STATUS_LABELS)
    if not form.validate():
        return _render(submission, 422, status_form=form)
    reason = (form.reason.data or "").strip()
    now = clock.now()
    if needs_reason_to_close(submission, form.status.data) and not reason:
        form.reason.errors = [
            "Record a contact attempt first, or give the reason for closing this urgent "
            "submission without one"
        ]
        return _render(submission, 422, status_form=form)
    if needs_reason_to_close(submission, form.status.data):
        _note(submission, f"Closed without a contact attempt: {reason}", now)
    _set_status(submission, form.status.data, now)
    db.session.commit()
    return _back(submission, f"Status changed to {STATUS_LABELS[submission.status]}")


def _set_status(submission: Submission, status: str, now: datetime) -> None:
    before = submission.status
    submission.set_status(status, now)
    audit.record(
        "status-changed",
        actor=_me(),
        submission=submission,
        detail=f"{STATUS_LABELS[before]} → {STATUS_LABELS[submission.status]}",
    )


def _note(submission: Submission, body: str, now: datetime) -> Note:
    note = Note(submission=submission, author=_me(), body=body, created_at=now)
    db.session.add(note)
    db.session.flush()
    audit.record("noted", actor=_me(), submission=submission, detail=f"note {note.id}")
    return note


@bp.post("/submissions/<reference>/contact-attempts")
@sized_for(ContactAttemptForm)
@clinician_required
def contact_attempt(reference: str) -> Response:
    """Log a call, email or text, answered or not. Acting on a new submission moves it
    to "in review"; reaching the person offers to mark it "contacted"."""
    submission = found(submissions.by_reference(reference))
    if not may_contact(submission):
        abort(409)
    form = ContactAttemptForm()
    if not form.validate():
        return _render(submission, 422, attempt_form=form)
    now = clock.now()
    attempt = ContactAttempt(
        submission=submission,
        author=_me(),
        method=form.method.data,
        result=form.result.data,
        note=(form.note.data or "").strip() or None,
        created_at=now,
    )
    db.session.add(attempt)
    audit.record(
        "contact-attempt",
        actor=_me(),
        submission=submission,
        detail=f"{form.method.data}, {form.result.data}",
    )
    if submission.status == Status.NEW:
        _set_status(submission, Status.IN_REVIEW, now)
    db.session.commit()
    return _back(submission, "Contact attempt recorded")


@bp.post("/submissions/<reference>/assign")
@clinician_required
def assign(reference: str) -> Response:
    submission = found(submissions.by_reference(reference))
    clinicians = _active_clinicians()
    form = AssignForm(clinicians)
    if not form.validate():
        return _render(submission, 422, assign_form=form)
    chosen = None if form.clinician_id.data == "none" else int(form.clinician_id.data)
    submission.assigned_to_id = chosen
    email = dict(clinicians).get(chosen) if chosen else None
    audit.record(
        "assigned",
        actor=_me(),
        submission=submission,
        detail=f"to {email}" if email else "to nobody",
    )
    db.session.commit()
    return _back(submission, f"Assigned to {email}" if email else "Assigned to nobody")


@bp.post("/submissions/<reference>/notes")
@sized_for(NoteForm)
@clinician_required
def add_note(reference: str) -> Response:
    submission = found(submissions.by_reference(reference))
    form = NoteForm()
    if not form.validate():
        return _render(submission, 422, note_form=form)
    _note(submission, form.body.data, clock.now())
    db.session.commit()
    return _back(submission, "Note added")


@bp.get("/rules")
@clinician_required
def rules() -> str:
    """Every flag, outcome and section rule with its source and the version it last
    changed in, and the changelog."""
    sources = {s: section(s).sources for s in SECTION_ORDER}
    return render_template(
        "clinician/rules.html",
        version=RULES_VERSION,
        flags=rulebook.flag_entries(),
        outcomes=[(r, OUTCOMES[r.id].title) for r in rulebook.OUTCOME_RULES],
        sections=[(r, section(r.id).title) for r in rulebook.section_entries(sources)],
        changelog=rulebook.CHANGELOG,
    )
