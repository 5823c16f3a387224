"""Exports, streamed and audited: the filtered queue as CSV, as FHIR bulk data (NDJSON)
or, for views of up to ``BUNDLE_LIMIT``, as one FHIR Bundle; one submission as JSON or
FHIR. The whole queue is read in keyset batches (``batches.py``), newest first, so a
million rows cost the server no more memory than a thousand.

Spreadsheet formula injection: every CSV cell that starts with =, +, -, @, a tab or a
carriage return is prefixed with an apostrophe so that it is shown as text.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Response,
    current_app,
    make_response,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from .. import audit, clock, fhir, submissions
from ..counting import COUNT_CAP, count
from ..extensions import db
from ..fhir import FHIR_JSON, FHIR_NDJSON, canonical_url
from ..forms.catalogue import question_fields
from ..forms.fields import CheckboxGroupField, ChoiceMixin
from ..models import Submission
from . import bp
from .access import admin_required, clinician_required, found
from .batches import Batch, BatchNote, batches
from .detail import export_dict
from .queue import Filters, filtered

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
    "language",
)
#: The most submissions one FHIR Bundle holds; bigger views are exported as NDJSON. It is
#: the queue's count cap, so the count that decides costs no more than the queue's own.
BUNDLE_LIMIT = COUNT_CAP
#: About how much a streamed export hands the server at a time: big enough that writes
#: are few, small enough that a worker's memory does not notice.
CHUNK_BYTES = 256 * 1024


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True, slots=True)
class _AnswerPlan:
    """How the answer columns are written, worked out once per export: every cell is
    made by the same few steps, a hundred thousand times over."""

    columns: tuple[str, ...]
    #: Columns whose answer is a list of choices, written "a;b".
    lists: tuple[int, ...]
    #: Columns a person typed into: the only answers that can start with a formula
    #: character (choices are our own codes, numbers are whole numbers).
    typed: tuple[int, ...]

    @classmethod
    def of_questionnaire(cls) -> _AnswerPlan:
        """Every question, in questionnaire order, from the form classes."""
        fields = [field for _, fields in question_fields() for field in fields]
        return cls(
            columns=tuple(f.name for f in fields),
            lists=tuple(i for i, f in enumerate(fields) if isinstance(f, CheckboxGroupField)),
            typed=tuple(i for i, f in enumerate(fields) if not isinstance(f, ChoiceMixin)),
        )

    def cells(self, answers: dict[str, Any]) -> list[Any]:
        cells = [answers.get(name) for name in self.columns]
        for i in self.lists:
            if cells[i]:
                cells[i] = ";".join(cells[i])
        for i in self.typed:
            if cells[i] is not None:
                cells[i] = safe_cell(cells[i])
        return cells


def _local(moment: datetime, zone: ZoneInfo) -> str:
    """A time as the clinic reads it, with its offset: 2026-11-30T09:42:07-05:00."""
    return moment.astimezone(zone).isoformat(timespec="seconds")


def _notes(notes: list[BatchNote], zone: ZoneInfo) -> str:
    return " | ".join(
        f"{_local(n.created_at, zone)} {n.author or 'former clinician'}: {n.body}" for n in notes
    )


def _csv_rows(batch: Batch, plan: _AnswerPlan, zone: ZoneInfo) -> Iterator[list[Any]]:
    """One batch as CSV rows. The cells that hold only our own codes, numbers and times
    are written as they are; every cell that holds text someone typed goes through
    ``safe_cell``."""
    for row in batch.rows:
        notes = batch.notes.get(row.id)
        yield [
            row.reference,
            _local(row.created_at, zone),
            row.status,
            row.outcome,
            row.phq9_total,
            row.phq9_band,
            row.contraindication_count,
            row.precaution_count,
            ";".join(row.flags),
            ";".join(row.sections or ()),
            safe_cell(row.assigned_to),
            row.rules_version,
            row.questionnaire_version,
            row.language,
            *plan.cells(row.answers),
            safe_cell(_notes(notes, zone)) if notes else "",
        ]


def _download(body: Iterable[Any] | str, mimetype: str, filename: str) -> Response:
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


def _queue_filters() -> Filters:
    return Filters.from_args(request.args, me=current_user.clinician.id)


def _record_queue_export(kind: str, filters: Filters) -> None:
    """Audited with its filters before the first byte leaves."""
    _record_export(f"{kind}, filters: {filters.describe()}")


def _stamp() -> str:
    return clock.now().strftime("%Y%m%d-%H%M%S")


@bp.get("/export.csv")
@admin_required
def export_csv() -> Response:
    """The filtered queue as CSV, newest first, streamed a batch at a time."""
    filters = _queue_filters()
    _record_queue_export("csv", filters)
    plan = _AnswerPlan.of_questionnaire()
    zone = ZoneInfo(current_app.config["CLINIC_TIMEZONE"])

    def chunks() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        # A byte-order mark, so that spreadsheets read the file as UTF-8.
        buffer.write(BYTE_ORDER_MARK)
        writer.writerow([*META_COLUMNS, *plan.columns, "clinician_notes"])
        for batch in batches(filters):
            writer.writerows(_csv_rows(batch, plan, zone))
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate(0)
        yield buffer.getvalue()

    return _download(chunks(), "text/csv", f"submissions-{_stamp()}.csv")


def _resources(batch: Batch, canonical: str) -> Iterator[dict[str, Any]]:
    """A batch as QuestionnaireResponses, built without validating each one through
    the FHIR models: that would cost more than the whole export, and loading the models
    costs a worker 30 MB. The tests validate every line of these exports with the
    models; the one-submission export still validates."""
    for row in batch.rows:
        yield fhir.questionnaire_response(row, canonical, check=False)


@bp.get("/export.ndjson")
@admin_required
def export_fhir_ndjson() -> Response:
    """The filtered queue as FHIR bulk data: one QuestionnaireResponse per line, newest
    first, streamed in pieces of about ``CHUNK_BYTES`` (a resource is about 7 KB)."""
    filters = _queue_filters()
    _record_queue_export("fhir ndjson", filters)
    canonical = canonical_url()

    def chunks() -> Iterator[bytes]:
        for batch in batches(filters, notes=False):
            lines: list[bytes] = []
            size = 0
            for resource in _resources(batch, canonical):
                lines.append(fhir.line(resource))
                size += len(lines[-1])
                if size >= CHUNK_BYTES:
                    yield b"".join(lines)
                    lines.clear()
                    size = 0
            yield b"".join(lines)

    return _download(chunks(), FHIR_NDJSON, f"submissions-{_stamp()}.ndjson")


@bp.get("/export.fhir.json")
@admin_required
def export_fhir_bundle() -> Response:
    """The filtered queue as one FHIR Bundle of QuestionnaireResponses, streamed: for
    views of up to ``BUNDLE_LIMIT`` submissions (one JSON document of a whole big queue
    is more than any client loads); larger ones are offered as NDJSON."""
    filters = _queue_filters()
    if count(db.session, filtered(filters)) > BUNDLE_LIMIT:
        return too_large_for_a_bundle(filters)
    _record_queue_export("fhir bundle", filters)
    canonical = canonical_url()
    stamp = clock.now()

    def chunks() -> Iterator[str]:
        head = {"resourceType": "Bundle", "type": "collection", "timestamp": stamp.isoformat()}
        yield json.dumps(head)[:-1]  # the object stays open for its entries
        entries = 0
        for batch in batches(filters, notes=False):
            for resource in _resources(batch, canonical):
                entry = {
                    "fullUrl": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, resource['id'])}",
                    "resource": resource,
                }
                # FHIR JSON has no empty arrays: "entry" opens with the first one.
                yield (', "entry": [' if entries == 0 else ",") + json.dumps(
                    entry, ensure_ascii=False
                )
                entries += 1
        yield "]}" if entries else "}"

    return _download(chunks(), FHIR_JSON, f"submissions-{stamp:%Y%m%d-%H%M%S}.fhir.json")


def too_large_for_a_bundle(filters: Filters) -> Response:
    """400, with the way to the same view as NDJSON."""
    html = render_template(
        "clinician/error.html",
        title="Too many submissions for one FHIR Bundle",
        message=(
            f"This view holds more than {BUNDLE_LIMIT:,} submissions, and a FHIR Bundle "
            f"holds at most {BUNDLE_LIMIT:,}. Download the same view as FHIR NDJSON (one "
            "QuestionnaireResponse per line), or narrow it with the filters."
        ),
        link=url_for(".export_fhir_ndjson", **filters.as_args()),
        link_text="Download as FHIR NDJSON",
    )
    return make_response(html, 400)


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
