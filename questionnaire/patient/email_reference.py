""" "Email me my reference" (issue 23): from their result, a person may send themselves one
email with their reference code, the clinic's contact and the crisis contacts. The email
goes through the outbox; its address is kept encrypted only until it is sent (see
``reference_email``). Endpoints ``patient.email_reference`` (the form) and
``patient.email_reference_sent`` (the confirmation)."""

from __future__ import annotations

import logging

from flask import (
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from .. import clock, reference_email
from ..body_limits import sized_for
from ..extensions import db, limiter
from ..forms.email_reference import EmailReferenceForm
from ..i18n import language
from ..models import Submission
from ..rules import crisis_support_needed
from . import bp
from .views import by_result_link

log = logging.getLogger(__name__)


def _limit() -> str:
    return current_app.config["REFERENCE_EMAIL_RATE_LIMIT"]


@bp.app_template_global()
def reference_email_keep_hours() -> int:
    """How long an address may wait for its email, as the pages say it (privacy too)."""
    return int(reference_email.KEEP.total_seconds() // 3600)


@bp.app_template_global("reference_email_offered")
def offered() -> bool:
    """Whether this site can send the email: a production site with no MAIL_SERVER
    would only write it to its log, so there the page says it cannot be sent."""
    config = current_app.config
    return bool(config["MAIL_SERVER"]) or config["APP_ENV"] != "production"


def _private(html: str, status: int = 200) -> Response:
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _submission(token: str) -> Submission | Response:
    """The submission of a result link, exactly as the result page finds it."""
    return by_result_link(token)


def _render(template: str, submission: Submission, token: str, status: int = 200, **kw) -> Response:
    html = render_template(
        template,
        submission=submission,
        token=token,
        crisis=crisis_support_needed(submission.answers),
        **kw,
    )
    return _private(html, status)


@bp.route("/screening/result/<token>/email", methods=["GET", "POST"])
@sized_for(EmailReferenceForm)
@limiter.limit(_limit, methods=["POST"])
def email_reference(token: str) -> Response:
    found = _submission(token)
    if isinstance(found, Response):
        return found
    if not offered():
        return _render("patient/email_reference.html", found, token, form=None)
    if reference_email.requested(found.reference):
        status = 409 if request.method == "POST" else 200
        return _render("patient/email_reference_sent.html", found, token, status, already=True)
    form = EmailReferenceForm()
    if request.method == "GET" or not form.validate():
        status = 200 if request.method == "GET" else 422
        return _render("patient/email_reference.html", found, token, status, form=form)
    if not reference_email.request(found.reference, form.address(), language(), clock.now()):
        # Asked for at the same moment from elsewhere: that one goes, this one does not.
        db.session.rollback()
        return _render("patient/email_reference_sent.html", found, token, 409, already=True)
    db.session.commit()
    log.info("reference email queued")
    return redirect(url_for(".email_reference_sent", token=token), code=303)


@bp.get("/screening/result/<token>/email/sent")
def email_reference_sent(token: str) -> Response:
    found = _submission(token)
    if isinstance(found, Response):
        return found
    if not reference_email.requested(found.reference):
        return redirect(url_for(".email_reference", token=token), code=303)
    return _render("patient/email_reference_sent.html", found, token, already=False)
