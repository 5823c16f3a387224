"""Whole-queue exports at scale: FHIR bulk data (NDJSON) that validates and matches the
one-submission export; keyset batches that neither lose nor repeat a submission, even
while new ones arrive and statuses change; the FHIR Bundle's limit; a fixed number of
queries per batch."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from sqlalchemy import func, select

from questionnaire import clock, submissions
from questionnaire.clinician import batches
from questionnaire.clinician.exports import BUNDLE_LIMIT, FORMULA_STARTS
from questionnaire.demo import seed
from questionnaire.extensions import db
from questionnaire.fhir import empty_paths
from questionnaire.forms.catalogue import question_fields
from questionnaire.forms.fields import ChoiceMixin
from questionnaire.models import Submission, SubmissionFlag

from .html import soup, words
from .staff import audit_rows, make_submission
from .test_performance_guards import counted

EXPORTS = ["/clinician/export.csv", "/clinician/export.ndjson"]


def seeded(app, count: int, seed_value: int = 7) -> None:
    with app.app_context():
        seed(count, clock.now(), seed_value=seed_value)


def stored_references(app, **where: str) -> list[str]:
    """Newest first, as the exports write them."""
    with app.app_context():
        query = select(Submission.reference).order_by(Submission.id.desc())
        for column, value in where.items():
            query = query.where(getattr(Submission, column) == value)
        return list(db.session.scalars(query))


def ndjson(body: bytes) -> list[dict]:
    assert body.endswith(b"\n")  # every line ends with a newline, the last one too
    return [json.loads(line) for line in body.decode("utf-8").split("\n")[:-1]]


def references_in(path: str, body: bytes) -> list[str]:
    if path.endswith(".csv"):
        rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
        return [row["reference"] for row in rows]
    return [resource["id"] for resource in ndjson(body)]


def test_ndjson_lines_validate_and_match_the_one_submission_export(app, admin_in):
    seeded(app, 30)
    make_submission(
        app,
        notes="Café ☕ and a formula =1+1",
        medications=["other"],
        medications_other="Läkemedel, 10 mg",
        wants_contact="yes",
        contact_name="Zoë Núñez",
        contact_email="zoe@example.org",
    )
    withdrawn = make_submission(app, status="in-review")
    with app.app_context():
        submission = db.session.scalar(select(Submission).filter_by(reference=withdrawn))
        assert submissions.withdraw(submission, clock.now())  # a tombstone stays
        db.session.commit()

    response = admin_in.client.get("/clinician/export.ndjson")
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+ndjson"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="submissions-')
    assert response.headers["Content-Disposition"].endswith('.ndjson"')
    event = audit_rows(app)[-1]
    assert (event.action, event.detail) == ("exported", "fhir ndjson, filters: none")

    resources = ndjson(response.get_data())
    assert [r["id"] for r in resources] == stored_references(app)
    statuses = {r["status"] for r in resources}
    assert statuses == {"completed", "entered-in-error"}
    for resource in resources:
        QuestionnaireResponse.model_validate(resource)
        assert empty_paths(resource) == []  # FHIR JSON has no empty arrays or strings
        single = admin_in.client.get(
            f"/clinician/submissions/{resource['id']}/export.fhir.json"
        ).get_json()
        assert resource == single


@pytest.mark.parametrize("path", EXPORTS)
def test_a_filtered_export_holds_each_submission_once_across_batches(
    app, admin_in, monkeypatch, path
):
    monkeypatch.setattr(batches, "BATCH", 3)
    seeded(app, 40)
    expected = stored_references(app, status="closed")
    assert len(expected) > 3 * 3  # several batches, and one left over
    found = references_in(path, admin_in.client.get(f"{path}?status=closed").get_data())
    assert found == expected  # each once, newest first


@pytest.mark.parametrize("path", EXPORTS)
def test_a_flag_filtered_export_holds_what_the_queue_holds(app, admin_in, monkeypatch, path):
    monkeypatch.setattr(batches, "BATCH", 4)
    seeded(app, 60)
    with app.app_context():
        flag, _ = db.session.execute(  # the commonest flag in this demo data
            select(SubmissionFlag.flag_id, func.count())
            .group_by(SubmissionFlag.flag_id)
            .order_by(func.count().desc(), SubmissionFlag.flag_id)
            .limit(1)
        ).one()
        expected = list(
            db.session.scalars(
                select(Submission.reference)
                .join(SubmissionFlag)
                .where(SubmissionFlag.flag_id == flag)
                .order_by(Submission.id.desc())
            )
        )
    assert 4 * 2 < len(expected) < 60  # several batches, not the whole queue
    found = references_in(path, admin_in.client.get(f"{path}?flag={flag}").get_data())
    assert found == expected


@pytest.mark.parametrize("path", EXPORTS)
def test_submissions_arriving_during_an_export_are_neither_lost_nor_repeated(
    app, admin_in, monkeypatch, path
):
    monkeypatch.setattr(batches, "BATCH", 3)
    seeded(app, 20)
    before = stored_references(app)
    response = admin_in.client.get(path, buffered=False)
    chunks: Iterable[bytes] = iter(response.response)
    received = next(chunks)  # the first batch has left the server
    # While the export streams, screenings arrive and clinicians work the queue: the
    # oldest submission (not yet exported) and the newest (already exported) change status.
    arrived = [make_submission(app) for _ in range(4)]
    with app.app_context():
        for reference in (before[-1], before[0]):
            submission = db.session.scalar(select(Submission).filter_by(reference=reference))
            submission.set_status("closed", clock.now())
        db.session.commit()
    received += b"".join(chunks)
    found = references_in(path, received)
    assert found == before  # every one once, in order, whatever changed meanwhile
    assert set(arrived).isdisjoint(found)  # the ones that arrived wait for the next export


def test_the_bundle_refuses_views_over_its_limit_and_points_to_ndjson(app, admin_in):
    seeded(app, BUNDLE_LIMIT + 1)
    exports_before = len(audit_rows(app, action="exported"))
    response = admin_in.client.get("/clinician/export.fhir.json")
    assert response.status_code == 400
    page = soup(response)
    assert words(page.h1) == "Too many submissions for one FHIR Bundle"
    assert words(page.select_one("main h1 + p")) == (
        "This view holds more than 1,000 submissions, and a FHIR Bundle holds at most "
        "1,000. Download the same view as FHIR NDJSON (one QuestionnaireResponse per line), "
        "or narrow it with the filters."
    )
    link = page.select_one("a.link-alone")
    assert (words(link), link["href"]) == ("Download as FHIR NDJSON", "/clinician/export.ndjson")
    assert len(audit_rows(app, action="exported")) == exports_before  # nothing left

    # the queue offers the Bundle only for views it can hold
    downloads = soup(admin_in.client.get("/clinician/")).select_one("[data-downloads]")
    assert [words(a) for a in downloads.select("a")] == ["CSV", "FHIR NDJSON"]
    assert "a FHIR Bundle holds at most 1,000" in words(downloads)
    urgent = stored_references(app, status="new", outcome="urgent-support")
    assert 0 < len(urgent) <= BUNDLE_LIMIT
    view = "status=new&outcome=urgent-support"
    downloads = soup(admin_in.client.get(f"/clinician/?{view}")).select_one("[data-downloads]")
    assert [words(a) for a in downloads.select("a")] == ["CSV", "FHIR NDJSON", "FHIR Bundle"]
    bundle = admin_in.client.get(f"/clinician/export.fhir.json?{view}")
    assert bundle.status_code == 200
    data = bundle.get_json()
    Bundle.model_validate(data)
    assert [e["resource"]["id"] for e in data["entry"]] == urgent


@pytest.mark.parametrize("path", [*EXPORTS, "/clinician/export.fhir.json"])
def test_an_export_costs_the_same_queries_for_few_or_many_rows(app, admin_in, clock, path):
    seeded(app, 5)
    clock.advance(minutes=1)  # so that each request moves the idle timeout on alike
    with counted(app) as few:
        assert len(admin_in.client.get(path).get_data()) > 0
    seeded(app, 300, seed_value=8)
    clock.advance(minutes=1)
    with counted(app) as many:
        assert len(admin_in.client.get(path).get_data()) > 0
    assert len(few) == len(many), "\n".join(s[:80] for s in [*few, "--", *many])


def test_choice_codes_never_start_like_a_formula():
    """The CSV writes choice answers as they are (only typed text goes through the
    formula guard): that is safe because no code starts like a formula."""
    codes = [
        value
        for _, fields in question_fields()
        for field in fields
        if isinstance(field, ChoiceMixin)
        for value, _ in field.choices
    ]
    assert len(codes) > 50
    assert [c for c in codes if str(c).startswith(FORMULA_STARTS)] == []
