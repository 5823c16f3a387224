"""The one place the app reads the time, so tests can control it."""

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
