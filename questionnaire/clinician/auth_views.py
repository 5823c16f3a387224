"""Sign-in: a password, then a one-time code from an authenticator app."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from flask import (
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from .. import accounts as account_service
from .. import audit, clock
from ..auth import passwords, sessions, throttle, totp
from ..extensions import db, limiter
from ..forms.clinician import CodeForm, SetUpForm, SignInForm
from ..models import Clinician
from . import bp
from .access import password_done, public, safe_return

WRONG_CREDENTIALS = "Enter a correct email address and password"
#: Session key: the page to go back to once both factors are done.
RETURN_TO = "return_to"
WRONG_CODE = "The code is not right. Enter the current code from your authenticator app"


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOCKOUT_MINUTES"])


def _failed(clinician: Clinician, detail: str) -> bool:
    """Record a failed attempt; True when it locks the account."""
    now = clock.now()
    audit.record("sign-in-failed", actor=clinician, detail=detail)
    if detail == "locked":
        return False
    attempts = current_app.config["LOCKOUT_ATTEMPTS"]
    if throttle.note_failure(clinician, now, attempts, _window()):
        audit.record("locked-out", actor=clinician, detail=f"for {_window()}")
        return True
    return False


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@public
def sign_in() -> Response:
    if current_user.is_authenticated and current_user.second_factor_done:
        return redirect(url_for(".queue"))
    form = SignInForm()
    back_to = safe_return(request.values.get("next"))
    if form.validate_on_submit():
        now = clock.now()
        email = form.email.data.strip().lower()
        clinician = db.session.scalar(select(Clinician).where(Clinician.email == email))
        matches = passwords.verify(
            clinician.password_hash if clinician else None, form.password.data
        )
        if clinician is None:
            audit.record("sign-in-failed", detail="unknown account")
        elif throttle.is_locked(clinician, now):
            _failed(clinician, "locked")
        elif not clinician.active:
            _failed(clinician, "account disabled")
        elif not matches:
            _failed(clinician, "wrong password")
        else:
            if passwords.needs_rehash(clinician.password_hash):
                clinician.password_hash = passwords.hash_password(form.password.data)
            session.clear()  # a new session at sign-in
            login_user(sessions.start(clinician, now))
            if back_to:
                session[RETURN_TO] = back_to
            db.session.commit()
            return redirect(url_for(".code"), code=303)
        db.session.commit()
        form.email.errors = [WRONG_CREDENTIALS]
    status = 422 if form.is_submitted() else 200
    html = render_template("clinician/sign_in.html", form=form, back_to=back_to)
    return make_response(html, status)


@bp.route("/code", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@password_done
def code() -> Response:
    principal = current_user._get_current_object()
    clinician, record = principal.clinician, principal.record
    if principal.second_factor_done:
        return redirect(url_for(".queue"))
    enrolling = clinician.totp_secret is None
    if enrolling and record.pending_totp_secret is None:
        record.pending_totp_secret = totp.new_secret()
        db.session.commit()
    # Set just above when enrolling; set at enrolment otherwise.
    secret = cast(str, record.pending_totp_secret if enrolling else clinician.totp_secret)

    form = CodeForm()
    if form.validate_on_submit():
        now = clock.now()
        locked = throttle.is_locked(clinician, now)
        last = None if enrolling else clinician.totp_last_step
        step = None if locked else totp.accept(secret, form.code.data, now, last)
        if step is not None and not totp.use(clinician, step):
            step = None  # the same code, a moment earlier, in another request
        if step is not None:
            if enrolling:
                clinician.totp_secret = secret
                audit.record("mfa-enrolled", actor=clinician)
            # A new session for the signed-in clinician: a cookie copied before the
            # code (or before the password) is worth nothing after it.
            back_to = safe_return(session.get(RETURN_TO))
            sessions.end(principal, now)
            renewed = sessions.start(clinician, now)
            renewed.record.second_factor_at = now
            audit.record("signed-in", actor=clinician)
            db.session.commit()
            session.clear()
            login_user(renewed)
            return redirect(back_to or url_for(".queue"), code=303)
        if _failed(clinician, "locked" if locked else "wrong code") or locked:
            sessions.end(principal, now)
            db.session.commit()
            logout_user()
            session.clear()
            return redirect(url_for(".sign_in"), code=303)
        db.session.commit()
        form.code.errors = [WRONG_CODE]
    uri = totp.provisioning_uri(secret, clinician.email) if enrolling else None
    html = render_template(
        "clinician/code.html",
        form=form,
        enrolling=enrolling,
        secret=secret if enrolling else None,
        qr=totp.qr_svg(uri) if uri else None,
    )
    return make_response(html, 422 if form.is_submitted() else 200)


@bp.post("/sign-out")
@password_done
def sign_out() -> Response:
    principal = current_user._get_current_object()
    sessions.end(principal, clock.now())
    audit.record("signed-out", actor=principal.clinician)
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for(".sign_in", signed_out=1), code=303)


@bp.route("/welcome/<token>", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@public
def welcome(token: str) -> Response:
    """An invited or reset account: its owner chooses a password and enrols their
    authenticator, in one go, with a link that works once for 24 hours."""
    now = clock.now()
    link = account_service.open_link(token, now)
    if link is None:
        html = render_template(
            "clinician/error.html",
            title="This set-up link does not work",
            message="It has been used already, or it is more than "
            f"{account_service.LINK_HOURS} hours old. Ask an admin of the clinic for a new one.",
            link=url_for(".sign_in"),
            link_text="Go to the sign-in page",
        )
        return _private(make_response(html, 404))
    if link.pending_totp_secret is None:
        link.pending_totp_secret = totp.new_secret()
        db.session.commit()
    secret = cast(str, link.pending_totp_secret)
    clinician = link.clinician
    form = SetUpForm()
    if form.validate_on_submit():
        step = totp.matching_step(secret, form.code.data, now)
        if step is None:
            form.code.errors = [WRONG_CODE]
        elif not account_service.use_link(link, now):
            db.session.rollback()
            return redirect(url_for(".welcome", token=token), code=303)  # used meanwhile
        else:
            clinician.password_hash = passwords.hash_password(form.password.data)
            clinician.totp_secret = secret
            clinician.totp_last_step = step
            audit.record(
                "mfa-enrolled", actor=clinician, detail=f"set up with a {link.purpose} link"
            )
            db.session.commit()
            return redirect(url_for(".sign_in", ready=1), code=303)
    uri = totp.provisioning_uri(secret, clinician.email)
    html = render_template(
        "clinician/welcome.html",
        form=form,
        email=clinician.email,
        secret=secret,
        qr=totp.qr_svg(uri),
        token=token,
    )
    return _private(make_response(html, 422 if form.is_submitted() else 200))


def _private(response: Response) -> Response:
    """A page reached by a secret link: the link never leaves in a Referer header."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
