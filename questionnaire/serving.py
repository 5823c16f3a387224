"""Serving helpers: access logs that never record secrets, under gunicorn (production)
and under the development server (`make run`).

Result, delete and resume links carry tokens that are as good as passwords, and query
strings are never logged.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

#: A token in a link: /screening/result/<token>[/delete], /screening/resume/<token>, and
#: a clinician's account set-up link /clinician/welcome/<token>.
_SECRET_PATHS = re.compile(r"(/screening/(?:result|resume)/|/clinician/welcome/)[^/?\s\"]+")
_QUERY = re.compile(r"\?[^\s\"]*")
REDACTED = "[redacted]"


def redact(path: str) -> str:
    """The path or log line with every link token and query string taken out."""
    return _QUERY.sub("?" + REDACTED, _SECRET_PATHS.sub(r"\1" + REDACTED, path))


class AccessLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact(atoms.get("U", ""))
        atoms["r"] = "-"  # the request line holds the query string: never logged
        return atoms


class RedactingFilter(logging.Filter):
    """For the development server's request log (the ``werkzeug`` logger)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def redact_development_server_log() -> None:
    """Install the filter once on the development server's logger."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())
