"""Turning a finished draft into a submission, and finding submissions again.

The result URL holds a token derived from the draft key with the app's secret, so a
repeated submit from the same browser reaches the same result; only a hash of the
token is stored. Helpers add to the session and never commit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from . import drafts, outbox, tokens
from .extensions import db
from .forms.screening import QUESTIONNAIRE_VERSION
from .models import (
    ContactAttempt,
    Draft,
    Note,
    Submission,
    SubmissionFlag,
    priority_for,
    queue_rank,
)
from .references import new_reference, normalise_reference
from .rules import RULES_VERSION, Assessment, Level, assess
from .vocabulary import Status


def result_token(secret_key: str, draft_key: str) -> str:
    """256 bits that only this draft's holder and the server can compute."""
    return tokens.derived(secret_key, "result", draft_key)


hash_token = tokens.digest


def search_text(reference: str, answers: dict[str, Any]) -> str:
    """What the clinicians' search looks in: the reference without dashes, and the
    contact name, email and phone digits the person gave (only if they asked to be
    contacted), lower case."""
    parts = [reference.replace("-", "").lower()]
    if answers.get("wants_contact") == "yes":
        parts += [
            (answers.get("contact_name") or "").lower(),
            (answers.get("contact_email") or "").lower(),
            re.sub(r"\D", "", answers.get("contact_phone") or ""),
        ]
    return " ".join(p for p in parts if p)


def assessed(
    answers: dict[str, Any], created_at: datetime, status: str = "new"
) -> tuple[dict[str, Any], Assessment]:
    """Assess the answers: the columns a submission stores with them, and the assessment."""
    assessment = assess(answers)
    priority = priority_for(assessment.outcome, status)
    columns = {
        "answers": answers,
        "status": status,
        "outcome": assessment.outcome,
        "priority": priority,
        "queue_rank": queue_rank(priority, created_at),
        "created_at": created_at,
        "phq9_total": assessment.phq9_total,
        "phq9_band": assessment.phq9_band,
        "contraindication_count": assessment.count(Level.CONTRAINDICATION),
        "precaution_count": assessment.count(Level.PRECAUTION),
        "assessment": assessment.to_dict(),
        "rules_version": RULES_VERSION,
        "questionnaire_version": QUESTIONNAIRE_VERSION,
    }
    return columns, assessment


def store_once(key: str, build: Callable[[], Submission]) -> tuple[Submission, bool]:
    """Commit the submission ``build`` makes for ``key``, exactly once.

    The one place that commits a new submission (a unit of work of its own): if a
    submission for the key is already stored (a double click, a refresh, two workers
    racing, a client sending the same response again) that one is returned with False;
    if the random reference code was taken, ``build`` runs again for another one."""
    for _ in range(3):
        submission = build()
        try:
            db.session.flush()
            # The alert is written with the submission: both are stored, or neither.
            outbox.alert_urgent(submission, submission.created_at)
            db.session.commit()
            return submission, True
        except (IntegrityError, StaleDataError):
            db.session.rollback()
            existing = by_draft_key(key)
            if existing is not None:
                return existing, False
    raise RuntimeError("could not store the submission: reference codes kept clashing")


def submit_draft(
    draft_key: str, secret_key: str, now: datetime, language: str = "en"
) -> tuple[Submission, bool]:
    """Turn the complete draft of ``draft_key`` into its one submission, answered in
    ``language`` (the language of the page it was sent from)."""

    def build() -> Submission:
        draft = drafts.find(draft_key, now)
        if draft is None:
            raise LookupError("the draft is gone and no submission holds it")
        return create(draft, draft_key, secret_key, now, language)

    return store_once(draft_key, build)


def create(
    draft: Draft, draft_key: str, secret_key: str, now: datetime, language: str = "en"
) -> Submission:
    """Build the submission for a complete draft and remove the draft."""
    submission = create_from_answers(
        drafts.flat_answers(draft), draft_key, secret_key, now, source="web", language=language
    )
    db.session.delete(draft)
    return submission


def create_from_answers(
    answers: dict[str, Any],
    key: str,
    secret_key: str,
    now: datetime,
    *,
    source: str,
    language: str = "en",
) -> Submission:
    """Build a submission from a whole set of answers: a draft's, or a FHIR forms
    client's (then ``key`` plays the draft key's part). The same key gives the same
    result link, and a second submission of it is refused by the database."""
    columns, assessment = assessed(answers, now)
    reference = new_reference()
    submission = Submission(
        **columns,
        source=source,
        language=language,
        reference=reference,
        search_text=search_text(reference, answers),
        result_token_hash=hash_token(result_token(secret_key, key)),
        draft_key_hash=drafts.hash_key(key),
        flags=[SubmissionFlag(flag_id=f.id, level=f.level.value) for f in assessment.flags],
    )
    db.session.add(submission)
    return submission


def withdraw(submission: Submission, now: datetime) -> bool:
    """The patient deletes their answers (clinician.md, Withdrawn). The answers and
    contact details go. If no clinician has acted on the submission (still new, no note,
    no contact attempt, nobody assigned) it goes whole and False is returned; otherwise a
    tombstone stays for the clinicians (reference, outcome, dates, their own notes and
    contact attempts, status "withdrawn") and True is returned. Its result and delete
    links stop working at once: the patient never sees the tombstone."""
    acted = (
        submission.status != Status.NEW
        or submission.assigned_to_id is not None
        or bool(submission.notes)
        or bool(submission.contact_attempts)
    )
    if not acted:
        db.session.delete(submission)
        return False
    submission.answers = {}
    submission.search_text = search_text(submission.reference, {})
    submission.assessment = Assessment(
        outcome=submission.outcome,
        flags=(),
        sections=(),
        phq9_total=None,
        phq9_band=None,
        rules_version=submission.rules_version,
    ).to_dict()
    submission.flags.clear()
    submission.phq9_total = submission.phq9_band = None
    submission.contraindication_count = submission.precaution_count = 0
    submission.result_token_hash = hash_token(tokens.new())
    submission.draft_key_hash = hash_token(tokens.new())
    submission.withdrawn_at = now
    submission.set_status(Status.WITHDRAWN, now)
    return True


def by_token(token: str) -> Submission | None:
    if not tokens.plausible(token):
        return None
    return db.session.scalar(
        select(Submission).where(Submission.result_token_hash == hash_token(token))
    )


def by_draft_key(draft_key: str | None) -> Submission | None:
    if not tokens.plausible(draft_key):
        return None
    return db.session.scalar(
        select(Submission).where(Submission.draft_key_hash == drafts.hash_key(draft_key))
    )


def by_reference(reference: str) -> Submission | None:
    """A submission by its reference code (exactly as issued), with what its page
    shows loaded at once: the assigned clinician, the notes and the contact attempts."""
    if normalise_reference(reference) != reference:
        return None  # only the exact form reaches the database
    return db.session.scalar(
        select(Submission)
        .where(Submission.reference == reference)
        .options(
            joinedload(Submission.assigned_to),
            selectinload(Submission.notes).joinedload(Note.author),
            selectinload(Submission.contact_attempts).joinedload(ContactAttempt.author),
        )
    )
