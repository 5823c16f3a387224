"""Error pages: calm words, crisis contacts in the footer, never a trace or a setting."""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, g, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from . import drafts
from .extensions import db, login_manager
from .i18n import N_, _

log = logging.getLogger(__name__)

#: What the database raises when it cannot be reached (down, restarting, pool full).
DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeout)

MESSAGES: dict[int, tuple[str, str]] = {
    400: (N_("Something was wrong with that request"), N_("Please go back and try again.")),
    404: (
        N_("Page not found"),
        N_(
            "If you typed the web address, check it is correct. "
            "If you followed a link to a result, the link may be wrong or no longer work."
        ),
    ),
    405: (N_("That did not work"), N_("Please go back and try again.")),
    413: (N_("That was too much to send"), N_("Please shorten what you typed and try again.")),
    422: (N_("Something was wrong with that request"), N_("Please go back and try again.")),
    429: (N_("Too many tries"), N_("Please wait a few minutes, then try again.")),
    500: (N_("Sorry, something went wrong on our side"), N_("Please try again in a few minutes.")),
    503: (
        N_("Sorry, the service is not available right now"),
        N_("Please try again in a few minutes."),
    ),
}


#: The same errors as the clinic's staff need to hear them.
CLINICIAN_MESSAGES: dict[int, tuple[str, str]] = {
    400: ("That request could not be read", "Go back, reload the page and try again."),
    403: ("Only admins can open this page", "Ask an admin of the clinic if you need it."),
    404: (
        "No such page or submission",
        "Check the reference. A submission may also have been removed after the retention "
        "period, or by the patient before anyone acted on it (the audit log records both).",
    ),
    409: (
        "That cannot be done to this submission",
        "The person did not ask to be contacted, or withdrew their answers.",
    ),
    413: ("That was too much to send", "Shorten the note and try again."),
    429: ("Too many tries", "Wait a few minutes, then try again."),
    500: (
        "Something went wrong on the server",
        "Nothing you saved before this was lost. Try again; if it keeps happening, tell "
        "whoever runs the service (the error is in its log, without patient data).",
    ),
    503: (
        "The service cannot reach its database",
        "Try again in a minute. If it keeps happening, tell whoever runs the service.",
    ),
}


def _for_staff() -> bool:
    return request.path == "/clinician" or request.path.startswith("/clinician/")


def _page(status: int, title: str, message: str, *, worded: bool = False) -> Response:
    """The error page (clinicians get theirs, in their own words, unless ``worded``)."""
    if request.path == "/fhir" or request.path.startswith("/fhir/"):
        # The FHIR API answers in FHIR: an OperationOutcome, never an HTML page.
        from .interop.outcomes import error_response

        return error_response(status, f"{title}. {message}")
    if _for_staff():
        if not worded:
            title, message = CLINICIAN_MESSAGES.get(status, (title, message))
        html = render_template("clinician/error.html", title=title, message=message)
    else:
        html = render_template(
            "errors/error.html",
            title=_(title),
            message=_(message),
            # A server error: help first, and where the answers given so far are kept.
            server_error=status >= 500,
            answers=_answers_so_far(),
            sent=request.method == "POST",
            draft_days=current_app.config["DRAFT_TTL_DAYS"],
        )
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _answers_so_far() -> str:
    """ "kept" when this browser has a screening under way, "none" when it is on the
    screening's pages without one, "unknown" elsewhere (the draft cookie is only sent
    to the screening's pages). Read from the cookie alone: the database may be down."""
    if request.cookies.get(drafts.COOKIE_NAME):
        return "kept"
    return "none" if request.path.startswith("/screening") else "unknown"


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Response:
        if _for_staff():
            return _page(
                400, "Your session timed out", "Reload the page and try again.", worded=True
            )
        return _page(
            400,
            N_("Your session timed out"),
            N_("Your session timed out, your answers so far are saved, please try again."),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        title, message = MESSAGES.get(status, MESSAGES[400 if status < 500 else 500])
        response = _page(status, title, message)
        if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
            response.headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def database_down(error: Exception) -> Response:
        db.session.rollback()
        # Render as signed out: loading the signed-in clinician needs the database too.
        g._login_user = login_manager.anonymous_user()
        log.warning("database unavailable: %s", type(error).__name__)
        response = _page(503, *MESSAGES[503])
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        db.session.rollback()
        log.exception("unhandled error")
        return _page(500, *MESSAGES[500])
