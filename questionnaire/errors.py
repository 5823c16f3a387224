"""Error pages: calm words, crisis contacts in the footer, never a trace or a setting."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from .extensions import db, login_manager

log = logging.getLogger(__name__)

#: What the database raises when it cannot be reached (down, restarting, pool full).
DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeout)

MESSAGES: dict[int, tuple[str, str]] = {
    400: ("Something was wrong with that request", "Please go back and try again."),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. "
        "If you followed a link to a result, the link may be wrong or no longer work.",
    ),
    405: ("That did not work", "Please go back and try again."),
    413: ("That was too much to send", "Please shorten what you typed and try again."),
    422: ("Something was wrong with that request", "Please go back and try again."),
    429: ("Too many tries", "Please wait a few minutes, then try again."),
    500: (
        "Sorry, something went wrong on our side",
        "Your answers so far are saved. Please try again in a few minutes.",
    ),
    503: (
        "Sorry, the service is not available right now",
        "Your answers so far are saved. Please try again in a few minutes.",
    ),
}


def _page(status: int, title: str, message: str) -> Response:
    if request.path == "/fhir" or request.path.startswith("/fhir/"):
        # The FHIR API answers in FHIR: an OperationOutcome, never an HTML page.
        from .interop.outcomes import error_response

        return error_response(status, f"{title}. {message}")
    html = render_template("errors/error.html", title=title, message=message)
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Response:
        return _page(
            400,
            "Your session timed out",
            "Your session timed out, your answers so far are saved, please try again.",
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
