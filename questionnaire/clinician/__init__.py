"""Blueprint "clinician": sign-in with a second factor, the queue, submissions, exports,
the audit log and accounts. Nothing here is cached by browsers or proxies."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, current_app
from flask_login import current_user

from .. import clock
from ..extensions import db

bp = Blueprint("clinician", __name__, url_prefix="/clinician")


#: The idle timeout is kept to this precision, so most requests write nothing.
SEEN_PRECISION = timedelta(seconds=30)


@bp.before_request
def refresh_session() -> None:
    """Activity moves the idle timeout on (one write every SEEN_PRECISION at most)."""
    if current_user.is_authenticated:
        now = clock.now()
        if now - current_user.record.last_seen_at >= SEEN_PRECISION:
            current_user.record.last_seen_at = now
            db.session.commit()


@bp.after_request
def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def page_size() -> int:
    return int(current_app.config["QUEUE_PAGE_SIZE"])


from . import account, admin, auth_views, exports, views  # noqa: E402,F401  (routes on bp)
