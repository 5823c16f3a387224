"""Blueprint "ops": health checks for load balancers and orchestrators."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, send_from_directory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db, limiter

log = logging.getLogger(__name__)
bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """The process answers. Touches nothing else."""
    return {"status": "ok"}, 200


#: What /readyz says of the rate limits while Redis cannot be reached.
LIMITS_DEGRADED = "Redis unreachable: limits are counted by each worker on its own until it is back"


def _limits_store_answers() -> bool:
    try:
        return bool(limiter.storage.check())
    except Exception:  # any failure to reach it means the same
        return False


@bp.get("/readyz")
def readyz() -> tuple[dict[str, str], int]:
    """Ready when the database answers (503 otherwise). Without the rate-limit store
    (Redis) the service still works, with per-worker limits: 200, "degraded", and the
    body names the part."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("readiness check: database unavailable")
        return {"status": "unavailable", "database": "unreachable"}, 503
    if not _limits_store_answers():
        return {"status": "degraded", "database": "ok", "rate_limits": LIMITS_DEGRADED}, 200
    return {"status": "ok", "database": "ok", "rate_limits": "ok"}, 200


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for it at the root whatever the page says: answer, not 404."""
    response = send_from_directory(current_app.static_folder or "", "favicon.ico", max_age=86400)
    response.mimetype = "image/vnd.microsoft.icon"
    return response
