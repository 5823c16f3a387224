"""Drafts: screenings in progress, kept in the database.

The browser holds only a random key in a cookie; the database holds a SHA-256 hash of
it, so a copy of the table cannot be used to take over someone's screening. These
helpers change objects in the session and never commit: the view decides.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from .extensions import db
from .forms.screening import STEP_FORMS, STEP_IDS
from .models import Draft

COOKIE_NAME = "ks_draft"


def new_key() -> str:
    return secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def find(key: str | None, now: datetime) -> Draft | None:
    """The live draft for a cookie key, or None (no key, unknown key or expired)."""
    if not key or len(key) > 100:
        return None
    draft = db.session.scalar(select(Draft).where(Draft.key_hash == hash_key(key)))
    if draft is None or draft.expires_at <= now:
        return None
    return draft


def start(now: datetime, ttl: timedelta) -> tuple[Draft, str]:
    key = new_key()
    draft = Draft(key_hash=hash_key(key), answers={}, created_at=now, expires_at=now + ttl)
    db.session.add(draft)
    return draft, key


def save_step(
    draft: Draft, step_id: str, answers: Mapping[str, Any], now: datetime, ttl: timedelta
) -> None:
    """Replace one step's answers; the draft lives on for another ``ttl``."""
    # A new dict, so that SQLAlchemy sees the JSON column change.
    draft.answers = {**draft.answers, step_id: dict(answers)}
    draft.updated_at = now
    draft.expires_at = now + ttl


def first_unanswered(draft: Draft | None) -> str:
    """The first step not yet answered, or ``check`` when every step is."""
    done = draft.answers if draft else {}
    for form in STEP_FORMS:
        if form.step_id not in done:
            return form.step_id
    return "check"


def may_open(draft: Draft | None, step_id: str) -> bool:
    """A step opens only when every step before it has been answered."""
    return STEP_IDS.index(step_id) <= STEP_IDS.index(first_unanswered(draft))


def flat_answers(draft: Draft | None) -> dict[str, Any]:
    """All answers of the draft as one mapping of field name to value, in step order."""
    flat: dict[str, Any] = {}
    if draft is None:
        return flat
    for form in STEP_FORMS:
        flat.update(draft.answers.get(form.step_id, {}))
    return flat


# --- "Save and come back later" -----------------------------------------------------


def issue_resume_token(draft: Draft) -> str:
    """A fresh one-time link token; any earlier one stops working."""
    token = secrets.token_urlsafe(32)
    draft.resume_token_hash = hash_key(token)
    return token


def find_by_resume_token(token: str | None, now: datetime) -> Draft | None:
    if not token or len(token) > 100:
        return None
    draft = db.session.scalar(select(Draft).where(Draft.resume_token_hash == hash_key(token)))
    if draft is None or draft.expires_at <= now:
        return None
    return draft


def take_over(draft: Draft) -> str:
    """Move the draft to a new browser: a new cookie key, and the link is used up."""
    key = new_key()
    draft.key_hash = hash_key(key)
    draft.resume_token_hash = None
    return key
