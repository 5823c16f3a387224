"""Blueprint "clinician": sign-in with a second factor, the queue, submissions, exports,
the audit log and accounts. Nothing here is cached by browsers or proxies."""

from __future__ import annotations

from flask import Blueprint, Response, current_app
from flask_login import current_user

from .. import clock
from ..extensions import db

bp = Blueprint("clinician", __name__, url_prefix="/clinician")


@bp.before_request
def refresh_session() -> None:
    """Each request of a signed-in clinician moves the idle timeout on."""
    if current_user.is_authenticated:
        current_user.record.last_seen_at = clock.now()
        db.session.commit()


@bp.after_request
def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def page_size() -> int:
    return int(current_app.config["QUEUE_PAGE_SIZE"])


from . import admin, auth_views, exports, views  # noqa: E402,F401  (routes register on bp)
