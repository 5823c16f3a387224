"""Blueprint "ops": health checks for load balancers and orchestrators."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, send_from_directory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db, limiter
from ..outbox import anyone_receives_alerts

log = logging.getLogger(__name__)
bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """The process answers. Touches nothing else."""
    return {"status": "ok"}, 200


#: What /readyz says of the rate limits while Redis cannot be reached.
LIMITS_DEGRADED = "Redis unreachable: limits are counted by each worker on its own until it is back"
#: What /readyz says while no active, set-up clinician has alerts on: an urgent
#: screening would be stored and alert nobody.
ALERTS_DEGRADED = "no clinician receives urgent alerts"


def _limits_store_answers() -> bool:
    try:
        return bool(limiter.storage.check())
    except Exception:  # any failure to reach it means the same
        return False


@bp.get("/readyz")
def readyz() -> tuple[dict[str, str], int]:
    """Ready when the database answers (503 otherwise). Without the rate-limit store
    (Redis), or with nobody to receive urgent alerts, the service still works: 200,
    "degraded", and the body names each part that is not "ok"."""
    try:
        db.session.execute(text("SELECT 1"))
        alerted = anyone_receives_alerts()
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("readiness check: database unavailable")
        return {"status": "unavailable", "database": "unreachable"}, 503
    parts = {
        "database": "ok",
        "rate_limits": "ok" if _limits_store_answers() else LIMITS_DEGRADED,
        "alerts": "ok" if alerted else ALERTS_DEGRADED,
    }
    status = "ok" if all(value == "ok" for value in parts.values()) else "degraded"
    return {"status": status, **parts}, 200


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for it at the root whatever the page says: answer, not 404."""
    response = send_from_directory(current_app.static_folder or "", "favicon.ico", max_age=86400)
    response.mimetype = "image/vnd.microsoft.icon"
    return response
