"""Exports: the filtered queue as CSV and one submission as JSON, streamed, audited.

Spreadsheet formula injection: every CSV cell that starts with =, +, -, @, a tab or a
carriage return is prefixed with an apostrophe so that it is shown as text.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, current_app, request, stream_with_context
from flask_login import current_user
from sqlalchemy import Select
from sqlalchemy.orm import joinedload, selectinload

from .. import audit, clock, fhir, submissions
from ..extensions import db
from ..fhir import FHIR_JSON, canonical_url
from ..forms.catalogue import question_fields
from ..models import Note, Submission
from ..rules import Assessment
from . import bp
from .access import admin_required, clinician_required, found
from .detail import export_dict
from .queue import Filters, filtered, ordered

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"
META_COLUMNS = (
    "reference",
    "submitted_at",
    "status",
    "outcome",
    "phq9_total",
    "phq9_band",
    "contraindications",
    "precautions",
    "flags",
    "sections",
    "assigned_to",
    "rules_version",
    "questionnaire_version",
)
BATCH = 500


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def answer_columns() -> list[str]:
    """Every question's field name, in questionnaire order, from the form classes."""
    return [field.name for _, fields in question_fields() for field in fields]


def _answer(value: Any) -> str:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return "" if value is None else str(value)


def _local(moment: datetime, zone: ZoneInfo) -> str:
    """A time as the clinic reads it, with its offset: 2026-11-30T09:42:07-05:00."""
    return moment.astimezone(zone).isoformat(timespec="seconds")


def _row(submission: Submission, columns: list[str], zone: ZoneInfo) -> list[str]:
    assessment = Assessment.from_dict(submission.assessment)
    notes = " | ".join(
        f"{_local(n.created_at, zone)} {n.author.email if n.author else 'former clinician'}:"
        f" {n.body}"
        for n in submission.notes
    )
    cells = [
        submission.reference,
        _local(submission.created_at, zone),
        submission.status,
        submission.outcome,
        submission.phq9_total,
        submission.phq9_band,
        submission.contraindication_count,
        submission.precaution_count,
        ";".join(assessment.flag_ids),
        ";".join(assessment.sections),
        submission.assigned_to.email if submission.assigned_to else "",
        submission.rules_version,
        submission.questionnaire_version,
        *(_answer(submission.answers.get(c)) for c in columns),
        notes,
    ]
    return [safe_cell(c) for c in cells]


def _csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def _download(body: Iterator[str] | str, mimetype: str, filename: str) -> Response:
    """An attachment; generators are streamed inside the request's context."""
    content = body if isinstance(body, str) else stream_with_context(body)
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _record_export(detail: str, submission: Submission | None = None) -> None:
    audit.record("exported", actor=current_user.clinician, submission=submission, detail=detail)
    db.session.commit()


def _queue_export(kind: str) -> Select[tuple[Submission]]:
    """The queue as filtered, in queue order and fetched in batches; the export is
    audited with its filters before the first byte leaves."""
    filters = Filters.from_args(request.args, me=current_user.clinician.id)
    _record_export(f"{kind}, filters: {filters.describe()}")
    return ordered(filtered(filters)).execution_options(yield_per=BATCH)


@bp.get("/export.csv")
@admin_required
def export_csv() -> Response:
    statement = _queue_export("csv").options(
        joinedload(Submission.assigned_to),
        selectinload(Submission.notes).joinedload(Note.author),
    )
    columns = answer_columns()

    zone = ZoneInfo(current_app.config["CLINIC_TIMEZONE"])

    def rows() -> Iterator[list[str]]:
        yield [*META_COLUMNS, *columns, "clinician_notes"]
        for submission in db.session.scalars(statement):
            yield _row(submission, columns, zone)

    def lines() -> Iterator[str]:
        yield BYTE_ORDER_MARK  # so that spreadsheets read the file as UTF-8
        yield from _csv_lines(rows())

    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    return _download(lines(), "text/csv", f"submissions-{stamp}.csv")


@bp.get("/export.fhir.json")
@admin_required
def export_fhir_bundle() -> Response:
    """The filtered queue as a FHIR Bundle of QuestionnaireResponses, streamed."""
    statement = _queue_export("fhir bundle")
    canonical = canonical_url()
    stamp = clock.now()

    def chunks() -> Iterator[str]:
        head = {"resourceType": "Bundle", "type": "collection", "timestamp": stamp.isoformat()}
        yield json.dumps(head)[:-1]  # the object stays open for its entries
        count = 0
        for submission in db.session.scalars(statement):
            resource = fhir.questionnaire_response(submission, canonical)
            entry = {
                "fullUrl": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, submission.reference)}",
                "resource": resource,
            }
            # FHIR JSON has no empty arrays: "entry" opens with the first one.
            yield (', "entry": [' if count == 0 else ",") + json.dumps(entry, ensure_ascii=False)
            count += 1
        yield "]}" if count else "}"

    return _download(chunks(), FHIR_JSON, f"submissions-{stamp:%Y%m%d-%H%M%S}.fhir.json")


@bp.get("/submissions/<reference>/export.fhir.json")
@clinician_required
def export_fhir(reference: str) -> Response:
    submission = found(submissions.by_reference(reference))
    body = fhir.dumps(fhir.questionnaire_response(submission, canonical_url()))
    _record_export("fhir", submission)
    return _download(body, FHIR_JSON, f"{submission.reference}.fhir.json")


@bp.get("/submissions/<reference>/export.json")
@clinician_required
def export_json(reference: str) -> Response:
    submission = found(submissions.by_reference(reference))
    payload = export_dict(submission)
    _record_export("json", submission)
    chunks = json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(payload)
    return _download(chunks, "application/json", f"{submission.reference}.json")
