"""Admin pages: the audit log, clinician accounts and alerts that could not be sent."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import (
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import false, select, tuple_

from .. import accounts as account_service
from .. import audit, clock, outbox
from ..auth import throttle
from ..extensions import db
from ..forms.clinician import AccountForm
from ..models import AuditEvent, Clinician
from ..references import normalise_reference
from ..vocabulary import Role
from . import bp, page_size
from .access import admin_required, bad_cursor


def _day(text: str | None) -> date | None:
    """A date from a date field (YYYY-MM-DD); None when empty or not a date."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    """Midnight at the clinic on ``day``, in UTC."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def _audit_cursor(text: str | None) -> tuple[datetime, int] | None:
    """The (time, id) of the last row shown, from the "after" link; None if unreadable."""
    if not text or len(text) > 80:
        return None
    try:
        stamp, row_id = base64.urlsafe_b64decode(text.encode()).decode().split("|")
        at = datetime.fromisoformat(stamp)
        return (at.astimezone(UTC), int(row_id)) if at.tzinfo else None
    except (ValueError, UnicodeDecodeError, binascii.Error):
        return None


@bp.get("/alerts")
@admin_required
def alerts() -> str:
    """Alert emails that could not be sent, so that someone can fix the mail settings
    and send them again (and call the people they were about)."""
    return render_template("clinician/alerts.html", failed=outbox.failed())


@bp.post("/alerts/<int:message_id>/retry")
@admin_required
def retry_alert(message_id: int) -> Response:
    if outbox.retry(message_id, clock.now()):
        audit.record("alert-retried", actor=current_user.clinician, detail=f"alert {message_id}")
        db.session.commit()
        flash("The alert will be sent again within a minute.")
    return redirect(url_for(".alerts"), code=303)


@bp.get("/audit")
@admin_required
def audit_log() -> str | Response:
    action = request.args.get("action") or None
    actor = (request.args.get("actor") or "").strip().lower()[:254]
    if not actor.isprintable():
        actor = ""  # control characters cannot be in an address; never send them on
    reference = (request.args.get("reference") or "").strip()[:40]
    zone = ZoneInfo(current_app.config["CLINIC_TIMEZONE"])
    since, until = _day(request.args.get("from")), _day(request.args.get("to"))
    hide = request.args.get("hide") == "queue-viewed"
    statement = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if since is not None:
        statement = statement.where(AuditEvent.at >= _start_of(since, zone))
    if until is not None:
        statement = statement.where(AuditEvent.at < _start_of(until + timedelta(days=1), zone))
    if hide:
        statement = statement.where(AuditEvent.action != "queue-viewed")
    if action in audit.ACTIONS:
        statement = statement.where(AuditEvent.action == action)
    if actor:
        statement = statement.where(AuditEvent.actor_email == actor)
    if reference:
        wanted = normalise_reference(reference)
        statement = statement.where(AuditEvent.reference == wanted if wanted else false())
    after = _audit_cursor(request.args.get("after"))
    if after is None and request.args.get("after"):
        return bad_cursor(url_for(".audit_log"))
    if after is not None:
        statement = statement.where(tuple_(AuditEvent.at, AuditEvent.id) < tuple_(*after))
    size = page_size()
    events = list(db.session.scalars(statement.limit(size + 1)))
    chosen = {
        "action": action,
        "actor": actor,
        "reference": reference,
        "from": since.isoformat() if since else None,
        "to": until.isoformat() if until else None,
        "hide": "queue-viewed" if hide else None,
    }
    filters = {k: v for k, v in chosen.items() if v}
    next_url = None
    if len(events) > size:
        last = events[size - 1]
        cursor = base64.urlsafe_b64encode(f"{last.at.isoformat()}|{last.id}".encode()).decode()
        next_url = url_for(".audit_log", **filters, after=cursor)
    audit.record(
        "audit-viewed",
        actor=current_user.clinician,
        detail=", ".join(f"{k}={v}" for k, v in filters.items()) or "no filters",
    )
    db.session.commit()
    return render_template(
        "clinician/audit.html",
        events=events[:size],
        actions=audit.ACTIONS,
        filters=filters,
        next_url=next_url,
    )


def _accounts_page(
    form: AccountForm, status: int = 200, *, link_for: tuple[str, str] | None = None
) -> Response:
    """The accounts page; ``link_for`` (email, link) shows a new set-up link, once."""
    clinicians = db.session.scalars(select(Clinician).order_by(Clinician.email)).all()
    html = render_template(
        "clinician/accounts.html",
        clinicians=clinicians,
        form=form,
        locks=throttle.locks_in_force(clock.now()),
        link_for=link_for,
        link_hours=account_service.LINK_HOURS,
    )
    response = make_response(html, status)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/accounts")
@admin_required
def accounts() -> Response:
    return _accounts_page(AccountForm(formdata=None))


@bp.post("/accounts")
@admin_required
def create_account() -> Response:
    form = AccountForm()
    if form.validate():
        try:
            clinician, token = account_service.invite(
                form.email.data, Role(form.role.data), clock.now(), by=current_user.clinician
            )
        except account_service.AccountError as error:
            form.email.errors = [str(error)]
        else:
            db.session.commit()
            link = (clinician.email, account_service.link_url(token))
            return _accounts_page(AccountForm(formdata=None), link_for=link)
    return _accounts_page(form, 422)


def _account(clinician_id: int) -> Clinician:
    clinician = db.session.get(Clinician, clinician_id)
    if clinician is None:
        abort(404)
    return clinician


@bp.post("/accounts/<int:clinician_id>/disable")
@admin_required
def disable_account(clinician_id: int) -> Response:
    clinician = _account(clinician_id)
    if clinician.id == current_user.clinician.id:
        return _back_to_accounts("You cannot disable your own account")
    account_service.disable(clinician, clock.now(), by=current_user.clinician)
    db.session.commit()
    return _back_to_accounts(f"Account disabled for {clinician.email}")


def _back_to_accounts(message: str) -> Response:
    flash(message)
    return redirect(url_for(".accounts"), code=303)


@bp.post("/accounts/<int:clinician_id>/unlock")
@admin_required
def unlock_account(clinician_id: int) -> Response:
    clinician = _account(clinician_id)
    lifted = throttle.unlock(clinician)
    audit.record(
        "unlocked",
        actor=current_user.clinician,
        detail=f"{clinician.email}: {lifted} lock{'' if lifted == 1 else 's'} lifted",
    )
    db.session.commit()
    return _back_to_accounts(f"Sign-in unlocked for {clinician.email}")


@bp.post("/accounts/<int:clinician_id>/reset")
@admin_required
def reset_account(clinician_id: int) -> Response:
    """Forget the password and authenticator: the person sets both again with a link."""
    clinician = _account(clinician_id)
    token = account_service.reset(clinician, clock.now(), by=current_user.clinician)
    db.session.commit()
    link = (clinician.email, account_service.link_url(token))
    return _accounts_page(AccountForm(formdata=None), link_for=link)
