"""Serving helpers for gunicorn: an access log that never records secrets."""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

_SECRET_PATHS = re.compile(r"^(/screening/result/)[^/?]+")


def redact(path: str) -> str:
    """The result link's token is as good as a password: keep it out of logs."""
    return _SECRET_PATHS.sub(r"\1[redacted]", path)


class AccessLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact(atoms.get("U", ""))
        atoms["r"] = "-"  # the request line holds the query string: never logged
        return atoms
