"""Secrets in links and cookies: draft keys, result links, resume links and clinician
sessions. Each is random (or an HMAC of one), only its SHA-256 is stored, and a
presented one is found by its hash, so a copy of the database opens nothing."""

from __future__ import annotations

import hashlib
import hmac
import secrets

#: Longer than any token this module makes: anything longer is refused unread.
MAX_LENGTH = 128


def new() -> str:
    """256 bits of randomness, URL-safe."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """What is stored in place of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def derived(secret_key: str, purpose: str, key: str) -> str:
    """A token that only the holder of ``key`` and the server can compute again."""
    return hmac.new(secret_key.encode(), f"{purpose}:{key}".encode(), hashlib.sha256).hexdigest()


def plausible(token: str | None) -> bool:
    """Worth looking up at all (present, and not absurdly long)."""
    return bool(token) and len(token) <= MAX_LENGTH  # type: ignore[arg-type]
