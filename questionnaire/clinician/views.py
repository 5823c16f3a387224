"""The queue, one submission, and the actions on it. Every access writes one audit row."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import audit, clock, outbox, rulebook, submissions
from ..content import section
from ..extensions import db
from ..forms.clinician import AssignForm, NoteForm, StatusForm
from ..models import Clinician, Note, Submission
from ..rules import FLAGS, OUTCOMES, PHQ9_BAND_LABELS, RULES_VERSION, SECTION_ORDER
from . import bp, page_size
from .access import clinician_required, found
from .detail import view_model
from .queue import Cursor, Filters, Row, counts, page
from .workflow import STATUS_LABELS, allowed_next


def _me() -> Clinician:
    return current_user.clinician


@bp.get("/")
@clinician_required
def queue() -> str:
    me = _me()
    filters = Filters.from_args(request.args, me=me.id)
    after = Cursor.decode(request.args.get("after"))
    before = None if after else Cursor.decode(request.args.get("before"))
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
        counts=counts(db.session, me.id),
        next_url=url_for(".queue", **args, after=shown.next.encode()) if shown.next else None,
        previous_url=url_for(".queue", **args, before=shown.previous.encode())
        if shown.previous
        else None,
        statuses=STATUS_LABELS,
        outcomes={o: OUTCOMES[o].title for o in OUTCOMES},
        flags=sorted(FLAGS),
        bands=PHQ9_BAND_LABELS,
        failed_alerts=outbox.failed_count() if me.is_admin else 0,
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
    }


def _render(submission: Submission, status: int = 200, **bound: Any) -> Response:
    html = render_template(
        "clinician/submission.html",
        s=view_model(submission),
        bands=PHQ9_BAND_LABELS,
        has_errors=status == 422,
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


@bp.post("/submissions/<reference>/status")
@clinician_required
def change_status(reference: str) -> Response:
    submission = found(submissions.by_reference(reference))
    form = StatusForm(allowed_next(submission.status), STATUS_LABELS)
    if not form.validate():
        return _render(submission, 422, status_form=form)
    before = submission.status
    submission.set_status(form.status.data, clock.now())
    audit.record(
        "status-changed",
        actor=_me(),
        submission=submission,
        detail=f"{STATUS_LABELS[before]} → {STATUS_LABELS[submission.status]}",
    )
    db.session.commit()
    return _back(submission, f"Status changed to {STATUS_LABELS[submission.status]}")


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
@clinician_required
def add_note(reference: str) -> Response:
    submission = found(submissions.by_reference(reference))
    form = NoteForm()
    if not form.validate():
        return _render(submission, 422, note_form=form)
    note = Note(submission=submission, author=_me(), body=form.body.data, created_at=clock.now())
    db.session.add(note)
    db.session.flush()
    audit.record("noted", actor=_me(), submission=submission, detail=f"note {note.id}")
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
