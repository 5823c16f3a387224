"""The filtered queue, read for a whole-queue export in keyset batches.

An export of 100,000 or 1,000,000 submissions must neither hold them in memory nor keep
a transaction open for minutes. So it reads ``BATCH`` rows at a time, newest first, each
batch continuing below the last id read (a keyset, served by the primary key at any
depth), on a connection of its own that goes back to the pool in between.

Ids never change, so each submission is read exactly once, even when clinicians change
statuses while the export runs; submissions that arrive during it have higher ids than
the first batch and are left for the next export. Only the columns an export writes are
read (never ORM objects); the answers as JSON text that orjson decodes (through the
driver's own JSON decoding, reading them took three times as long and most of an
export's time); the flags in the row itself; each batch's notes in one more query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Select, Text, cast, func, select
from sqlalchemy.engine import Connection

from ..extensions import db
from ..models import Clinician, Note, Submission, SubmissionFlag
from ..rules import FLAGS
from .queue import Filters, filtered

BATCH = 1000

#: What the exports write: the columns of the CSV and of a QuestionnaireResponse.
COLUMNS = (
    Submission.id,
    Submission.reference,
    Submission.created_at,
    Submission.status,
    Submission.outcome,
    Submission.phq9_total,
    Submission.phq9_band,
    Submission.contraindication_count,
    Submission.precaution_count,
    Submission.assessment["sections"].as_string().label("sections"),
    # The flag ids as one "a;b" string: one lookup per row in the flags' primary key.
    select(func.aggregate_strings(SubmissionFlag.flag_id, ";"))
    .where(SubmissionFlag.submission_id == Submission.id)
    .scalar_subquery()
    .label("flags"),
    Clinician.email.label("assigned_to"),
    Submission.rules_version,
    Submission.questionnaire_version,
    Submission.withdrawn_at,
    Submission.language,
    cast(Submission.answers, Text).label("answers"),
)


@dataclass(slots=True)  # not frozen: a frozen dataclass is four times slower to make
class ExportRow:
    """One submission as the exports read it (``fhir.Answered`` for FHIR). The answers
    are decoded as the row is read; the sections and flags, which only the CSV writes,
    when they are asked for."""

    id: int
    reference: str
    created_at: datetime
    status: str
    outcome: str
    phq9_total: int | None
    phq9_band: str | None
    contraindication_count: int
    precaution_count: int
    sections_json: str | None
    flags_text: str | None
    assigned_to: str | None
    rules_version: str
    questionnaire_version: str
    withdrawn_at: datetime | None
    language: str
    answers: dict[str, Any]

    @classmethod
    def of(cls, row: Any) -> ExportRow:
        *columns, answers = row
        return cls(*columns, orjson.loads(answers))

    @property
    def sections(self) -> list[str]:
        return orjson.loads(self.sections_json) if self.sections_json else []

    @property
    def flags(self) -> list[str]:
        """The flag ids in the order the rules raise them (as the submission page lists
        them)."""
        if not self.flags_text:
            return []
        found = self.flags_text.split(";")
        if len(found) > 1:
            found.sort(key=_flag_place)
        return found


#: Flags in the order the rules raise them (as the submission page lists them).
_FLAG_ORDER = {flag_id: index for index, flag_id in enumerate(FLAGS)}


def _flag_place(flag_id: str) -> int:
    return _FLAG_ORDER.get(flag_id, len(_FLAG_ORDER))


@dataclass(frozen=True, slots=True)
class BatchNote:
    created_at: datetime
    author: str | None  # None once the clinician's account is gone
    body: str


@dataclass(frozen=True, slots=True)
class Batch:
    rows: list[ExportRow]
    notes: dict[int, list[BatchNote]] = field(default_factory=dict)


def _rows(filters: Filters) -> Select:
    return (
        filtered(filters)
        .with_only_columns(*COLUMNS)
        .join_from(Submission, Clinician, Clinician.id == Submission.assigned_to_id, isouter=True)
        .order_by(Submission.id.desc())
    )


def _in_batch(filters: Filters, low: int, high: int) -> Select:
    """The ids of this batch, as a subquery: the same filters over the batch's id range
    (rather than a list of a thousand bound ids, which costs more to send than to run)."""
    return (
        filtered(filters)
        .with_only_columns(Submission.id)
        .where(Submission.id.between(low, high))
        .order_by(None)
    )


def batches(filters: Filters, *, notes: bool = True) -> Iterator[Batch]:
    """Every submission of the filtered queue once, newest first, ``BATCH`` at a time,
    with its notes when asked for."""
    size = BATCH
    statement = _rows(filters).limit(size)
    below: int | None = None
    while True:
        query = statement if below is None else statement.where(Submission.id < below)
        with db.engine.connect() as connection:
            rows = [ExportRow.of(row) for row in connection.execute(query)]
            if not rows:
                return
            high, low = rows[0].id, rows[-1].id
            batch = Batch(
                rows=rows, notes=_notes(connection, _in_batch(filters, low, high)) if notes else {}
            )
        yield batch
        if len(rows) < size:
            return
        below = low


def _notes(connection: Connection, ids: Select) -> dict[int, list[BatchNote]]:
    found: dict[int, list[BatchNote]] = defaultdict(list)
    query = (
        select(Note.submission_id, Note.created_at, Clinician.email, Note.body)
        .join_from(Note, Clinician, Clinician.id == Note.author_id, isouter=True)
        .where(Note.submission_id.in_(ids))
        .order_by(Note.submission_id, Note.created_at, Note.id)
    )
    for submission_id, created_at, author, body in connection.execute(query).all():
        found[submission_id].append(BatchNote(created_at, author, body))
    return found
