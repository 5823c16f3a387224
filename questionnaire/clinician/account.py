"""A clinician's own account: their password (with the current one and a code), alert
emails on or off, and their sessions (sign out the others)."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, make_response, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import audit, clock
from ..auth import passwords, sessions, totp
from ..extensions import db
from ..forms.clinician import AlertsForm, PasswordChangeForm
from ..models import ClinicianSession
from . import bp
from .access import clinician_required


def _page(status: int = 200, **forms: Any) -> Response:
    principal = current_user._get_current_object()
    clinician = principal.clinician
    open_sessions = db.session.scalars(
        select(ClinicianSession)
        .where(
            ClinicianSession.clinician_id == clinician.id,
            ClinicianSession.ended_at.is_(None),
            ClinicianSession.second_factor_at.is_not(None),
        )
        .order_by(ClinicianSession.last_seen_at.desc())
    ).all()
    html = render_template(
        "clinician/account.html",
        clinician=clinician,
        this_session=principal.record.id,
        open_sessions=open_sessions,
        alerts_form=forms.get("alerts_form")
        or AlertsForm(formdata=None, data={"alerts": "on" if clinician.alerts_enabled else "off"}),
        password_form=forms.get("password_form") or PasswordChangeForm(formdata=None),
        error_form=next(iter(forms.values()), None),
    )
    return make_response(html, status)


@bp.get("/account")
@clinician_required
def account() -> Response:
    return _page()


@bp.post("/account/alerts")
@clinician_required
def account_alerts() -> Response:
    form = AlertsForm()
    if not form.validate():
        return _page(422, alerts_form=form)
    clinician = current_user.clinician
    clinician.alerts_enabled = form.alerts.data == "on"
    audit.record("alerts-changed", actor=clinician, detail=f"alert emails {form.alerts.data}")
    db.session.commit()
    flash("Alert emails are on" if clinician.alerts_enabled else "Alert emails are off")
    return redirect(url_for(".account"), code=303)


@bp.post("/account/password")
@clinician_required
def account_password() -> Response:
    """A new password, with the current one and a code; every other session ends."""
    form = PasswordChangeForm()
    if not form.validate():
        return _page(422, password_form=form)
    principal = current_user._get_current_object()
    clinician, now = principal.clinician, clock.now()
    if not passwords.verify(clinician.password_hash, form.current_password.data):
        form.current_password.errors = ["Your current password is not right"]
        return _page(422, password_form=form)
    step = totp.accept(clinician.totp_secret or "", form.code.data, now, clinician.totp_last_step)
    if step is None or not totp.use(clinician, step):
        form.code.errors = ["The code is not right. Enter the current code from your app"]
        return _page(422, password_form=form)
    clinician.password_hash = passwords.hash_password(form.new_password.data)
    sessions.end_all(clinician, now, keep=principal)
    audit.record("password-changed", actor=clinician, detail="other sessions signed out")
    db.session.commit()
    flash("Your password is changed. Your other sessions are signed out")
    return redirect(url_for(".account"), code=303)


@bp.post("/account/sessions")
@clinician_required
def account_sessions() -> Response:
    principal = current_user._get_current_object()
    ended = sessions.end_all(principal.clinician, clock.now(), keep=principal)
    audit.record("sessions-ended", actor=principal.clinician, detail=f"{ended} other sessions")
    db.session.commit()
    flash("Your other sessions are signed out")
    return redirect(url_for(".account"), code=303)
