"""Drafts: screenings in progress, kept in the database.

The browser holds only a random key in a cookie; the database holds a SHA-256 hash of
it, so a copy of the table cannot be used to take over someone's screening. These
helpers change objects in the session and never commit: the view decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select

from . import tokens
from .extensions import db
from .forms.screening import FORMS_BY_STEP, STEP_FORMS, STEP_IDS
from .models import Draft, DraftMove

COOKIE_NAME = "ks_draft"


new_key = tokens.new
hash_key = tokens.digest


def find(key: str | None, now: datetime) -> Draft | None:
    """The live draft for a cookie key, or None (no key, unknown key or expired)."""
    if not tokens.plausible(key):
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
    """Replace one step's answers; the draft lives on for another ``ttl``. Answers of
    later steps that this change makes irrelevant are dropped."""
    # A new dict, so that SQLAlchemy sees the JSON column change.
    steps = {**draft.answers, step_id: dict(answers)}
    flat = _flatten(steps)
    draft.answers = {
        step: {name: value for name, value in stored.items() if _applies(step, name, flat)}
        for step, stored in steps.items()
    }
    draft.updated_at = now
    draft.expires_at = now + ttl


def _applies(step_id: str, name: str, flat: Mapping[str, Any]) -> bool:
    form = FORMS_BY_STEP.get(step_id)
    return form is None or form.applies(name, flat)


def first_unanswered(draft: Draft | None) -> str:
    """The first step not yet answered, or ``check`` when every step is. A step also
    counts as unanswered when an earlier answer now calls for one of its questions."""
    done = draft.answers if draft else {}
    flat = _flatten(done)
    for form in STEP_FORMS:
        if form.step_id not in done or form.missing(done[form.step_id], flat):
            return form.step_id
    return "check"


def may_open(draft: Draft | None, step_id: str) -> bool:
    """A step opens only when every step before it has been answered."""
    return STEP_IDS.index(step_id) <= STEP_IDS.index(first_unanswered(draft))


def _flatten(steps: Mapping[str, Mapping[str, Any]], before: str | None = None) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for form in STEP_FORMS:
        if form.step_id == before:
            break
        flat.update(steps.get(form.step_id, {}))
    return flat


def flat_answers(draft: Draft | None) -> dict[str, Any]:
    """All answers of the draft as one mapping of field name to value, in step order."""
    return _flatten(draft.answers) if draft is not None else {}


def answers_before(draft: Draft | None, step_id: str) -> dict[str, Any]:
    """The answers of the steps before ``step_id``: what its conditional questions
    that hang on earlier steps are decided by."""
    return _flatten(draft.answers, before=step_id) if draft is not None else {}


# --- "Save and come back later" -----------------------------------------------------


def issue_resume_token(draft: Draft) -> str:
    """A fresh one-time link token; any earlier one stops working."""
    token = tokens.new()
    draft.resume_token_hash = hash_key(token)
    return token


def find_by_resume_token(token: str | None, now: datetime) -> Draft | None:
    if not tokens.plausible(token):
        return None
    draft = db.session.scalar(select(Draft).where(Draft.resume_token_hash == hash_key(token)))
    if draft is None or draft.expires_at <= now:
        return None
    return draft


def take_over(draft: Draft, now: datetime) -> str:
    """Move the draft to a new browser: a new cookie key, and the link is used up."""
    key = new_key()
    db.session.add(
        DraftMove(
            previous_key_hash=draft.key_hash,
            used_resume_token_hash=draft.resume_token_hash,
            moved_at=now,
        )
    )
    draft.key_hash = hash_key(key)
    draft.resume_token_hash = None
    return key


class Gone(StrEnum):
    """Why a browser's draft key no longer opens a screening."""

    SENT = "sent"  # turned into a submission (the submission remembers the key)
    EXPIRED = "expired"  # not sent in time: deleted, or about to be
    MOVED = "moved"  # its "come back later" link was used in another browser


def why_gone(key: str | None, now: datetime) -> Gone | None:
    """For a cookie key with no live draft: what became of it, when known. A sent
    screening is looked up by the caller (submissions know their draft key)."""
    if not tokens.plausible(key):
        return None
    digest = hash_key(key)
    moved = select(DraftMove.id).where(DraftMove.previous_key_hash == digest).limit(1)
    if db.session.scalar(moved) is not None:
        return Gone.MOVED
    return Gone.EXPIRED


def resume_link_used(token: str | None) -> bool:
    """True when this "come back later" link was used already (in any browser)."""
    if not tokens.plausible(token):
        return False
    digest = hash_key(token)
    found = select(DraftMove.id).where(DraftMove.used_resume_token_hash == digest).limit(1)
    return db.session.scalar(found) is not None
