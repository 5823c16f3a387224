"""One submission: what the page shows, each action, and the audit row it writes."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from questionnaire.extensions import db
from questionnaire.models import Note, Submission

from .helpers import text
from .html import definitions, error_summary, rows, soup, table_after, words
from .staff import audit_count, audit_rows, make_clinician, make_submission


def stored(app, reference) -> Submission:
    with app.app_context():
        submission = db.session.scalar(select(Submission).where(Submission.reference == reference))
        submission.notes  # noqa: B018 (loaded while the session is open)
        db.session.expunge_all()
        return submission


def test_the_page_shows_answers_flags_phq9_sections_and_contact(app, signed_in):
    reference = make_submission(
        app,
        vascular=["aneurysm"],
        wants_contact="yes",
        contact_name="Sam Lee",
        contact_phone="+1 555 010 0199",
        notes="Prefers mornings",
    )
    response = signed_in.client.get(f"/clinician/submissions/{reference}")
    assert response.headers["Cache-Control"] == "no-store"
    page = soup(response)
    assert words(page.h1) == reference
    facts = definitions(page.select_one("dl.facts"))
    assert facts["Outcome"].startswith("not-recommended: Ketamine therapy is usually not used")
    flags = rows(table_after(page, "Flags"))
    assert flags[1][:2] == ["contraindication", "aneurysm"]
    assert flags[1][2].startswith("Aneurysmal vascular disease")
    assert "Spravato (esketamine) US prescribing information, contraindications" in flags[1][3]
    assert [r[1] for r in flags[1:]] == ["aneurysm", "current-antidepressant"]
    assert page.select_one('[data-flag="current-antidepressant"]')["data-level"] == "info"
    phq9 = rows(table_after(page, "PHQ-9"))
    assert phq9[1] == [
        "1. Little interest or pleasure in doing things",
        "More than half the days",
        "2",
    ]
    assert phq9[-1] == ["Total", "14"]
    assert words(page.select_one('[data-section="faq-safe"]')).startswith(
        "Is ketamine therapy safe for me?"
    )
    answers = definitions(page.find("h2", string="Answers").find_parent())
    assert answers["Name"] == "Sam Lee"
    assert answers["Phone number"] == "+1 555 010 0199"
    assert answers["Anything else for the clinician"] == "Prefers mornings"
    # question wording comes from the form classes
    assert answers["Blood vessel problems"] == "Aneurysm"
    event = audit_rows(app)[-1]
    assert (event.action, event.reference) == ("viewed", reference)


def test_urgent_submissions_say_so(app, signed_in):
    reference = make_submission(app, phq9_9="3")
    page = soup(signed_in.client.get(f"/clinician/submissions/{reference}"))
    assert words(page.select_one(".urgent-banner")).startswith("Urgent: PHQ-9 item 9")
    assert page.select_one(".submission-head").has_attr("data-urgent")


def test_an_unknown_reference_is_not_found(signed_in):
    assert signed_in.client.get("/clinician/submissions/KT-AAAA-AAAA").status_code == 404


@pytest.mark.parametrize(
    ("path", "data", "check", "action"),
    [
        ("status", {"status": "in-review"}, lambda s: s.status == "in-review", "status-changed"),
        (
            "notes",
            {"body": "Called, no answer. Will try again."},
            lambda s: [n.body for n in s.notes] == ["Called, no answer. Will try again."],
            "noted",
        ),
    ],
)
def test_each_action_changes_what_is_stored_and_writes_one_audit_row(
    app, signed_in, path, data, check, action
):
    reference = make_submission(app)
    before = audit_count(app)
    response = signed_in.post(f"/clinician/submissions/{reference}/{path}", data)
    assert (response.status_code, response.location) == (303, f"/clinician/submissions/{reference}")
    assert check(stored(app, reference))
    assert audit_count(app) == before + 1
    event = audit_rows(app)[-1]
    assert (event.action, event.reference, event.actor_email) == (
        action,
        reference,
        "sam@clinic.example",
    )


def test_assigning_to_a_clinician(app, signed_in):
    other = make_clinician(app, "lee@clinic.example")
    reference = make_submission(app)
    before = audit_count(app)
    signed_in.post(f"/clinician/submissions/{reference}/assign", {"clinician_id": str(other["id"])})
    assert stored(app, reference).assigned_to_id == other["id"]
    assert audit_count(app) == before + 1
    assert audit_rows(app)[-1].detail == "to lee@clinic.example"
    page = soup(signed_in.client.get(f"/clinician/submissions/{reference}"))
    assert definitions(page.select_one("dl.facts"))["Assigned to"] == "lee@clinic.example"
    [entry] = page.select(".timeline li")
    assert (words(entry.strong), words(entry.select_one(".note-body"))) == (
        "Assigned",
        "to lee@clinic.example",
    )
    signed_in.post(f"/clinician/submissions/{reference}/assign", {"clinician_id": "none"})
    assert stored(app, reference).assigned_to_id is None


def test_status_moves_follow_the_workflow_and_closed_can_reopen(app, signed_in):
    reference = make_submission(app)
    url = f"/clinician/submissions/{reference}/status"
    skipped = signed_in.post(url, {"status": "closed"})  # new cannot jump to closed
    assert skipped.status_code == 422
    assert error_summary(soup(skipped)) == [("#status", "Select a new status")]
    assert stored(app, reference).status == "new"
    for status in ("in-review", "contacted", "closed", "in-review"):
        assert signed_in.post(url, {"status": status}).status_code == 303
        assert stored(app, reference).status == status
    details = [e.detail for e in audit_rows(app, action="status-changed")]
    assert details == [
        "New → In review",
        "In review → Contacted",
        "Contacted → Closed",
        "Closed → In review",
    ]


def test_notes_are_kept_escaped_and_limited(app, signed_in):
    reference = make_submission(app)
    url = f"/clinician/submissions/{reference}/notes"
    too_long = signed_in.post(url, {"body": "x" * 5001})
    assert too_long.status_code == 422
    assert error_summary(soup(too_long)) == [("#body", "Note must be 5000 characters or fewer")]
    empty = signed_in.post(url, {"body": "  "})
    assert error_summary(soup(empty)) == [("#body", "Enter a note")]
    signed_in.post(url, {"body": "<b>bold</b> plan\nline two"})
    with app.app_context():
        assert db.session.scalar(select(Note.body)) == "<b>bold</b> plan\nline two"
    page = soup(signed_in.client.get(f"/clinician/submissions/{reference}"))
    note = page.select_one(".timeline .note-body")
    assert note.get_text() == "<b>bold</b> plan\nline two"  # shown as typed: text, not markup
    assert note.find("b") is None


def test_invalid_actions_store_nothing(app, signed_in):
    reference = make_submission(app)
    signed_in.post(f"/clinician/submissions/{reference}/assign", {"clinician_id": "999"})
    assert stored(app, reference).assigned_to_id is None
    with app.app_context():
        assert db.session.scalar(select(Note.id)) is None


# --- exports --------------------------------------------------------------------


def csv_rows(response) -> list[dict[str, str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # a byte-order mark: spreadsheets read UTF-8
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_neutralises_formulas(app, admin_in):
    reference = make_submission(
        app,
        notes='=HYPERLINK("http://evil.example","click")',
        medications=["other"],
        medications_other="+cmd",
        wants_contact="yes",
        contact_name="@Sam",
        contact_phone="-1 555 010 0199",
    )
    admin_in.post(f"/clinician/submissions/{reference}/notes", {"body": "\tTabbed note"})
    response = admin_in.client.get("/clinician/export.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    row = csv_rows(response)[0]
    assert row["notes"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["medications_other"] == "'+cmd"
    assert row["contact_name"] == "'@Sam"
    assert row["contact_phone"] == "'-1 555 010 0199"
    assert "Tabbed note" in row["clinician_notes"]


def test_csv_holds_what_the_submission_page_shows(app, admin_in):
    reference = make_submission(app, vascular=["aneurysm"], phq9_9="0")
    admin_in.post(f"/clinician/submissions/{reference}/status", {"status": "in-review"})
    admin_in.post(f"/clinician/submissions/{reference}/notes", {"body": "Left a message"})
    rows = csv_rows(admin_in.client.get("/clinician/export.csv?status=in-review"))
    assert len(rows) == 1
    row = rows[0]
    assert row["reference"] == reference
    assert row["status"] == "in-review"
    assert row["outcome"] == "not-recommended"
    assert (row["phq9_total"], row["phq9_band"]) == ("14", "moderate")
    assert row["flags"] == "aneurysm;current-antidepressant"
    assert row["sections"].split(";")[0] == "what-is-ketamine"
    assert row["vascular"] == "aneurysm" and row["age"] == "42"
    assert row["phq9_1"] == "2"
    assert "Left a message" in row["clinician_notes"]
    # every question of the questionnaire has its column
    assert {"understand_not_diagnosis", "contact_time", "phq9_difficulty"} <= set(row)


def test_csv_times_are_in_clinic_time_with_their_offset(app, admin_in):
    winter = make_submission(app, created_at=datetime(2026, 1, 15, 14, 30, 5, tzinfo=UTC))
    summer = make_submission(app, created_at=datetime(2026, 7, 15, 14, 30, 5, tzinfo=UTC))
    admin_in.post(f"/clinician/submissions/{winter}/notes", {"body": "Called"})
    rows = {r["reference"]: r for r in csv_rows(admin_in.client.get("/clinician/export.csv"))}
    assert rows[winter]["submitted_at"] == "2026-01-15T09:30:05-05:00"  # New York, EST
    assert rows[summer]["submitted_at"] == "2026-07-15T10:30:05-04:00"  # and EDT
    note_time = rows[winter]["clinician_notes"].split(" ", 1)[0]
    assert datetime.fromisoformat(note_time).utcoffset() in (
        timedelta(hours=-5),
        timedelta(hours=-4),
    )


def test_csv_export_follows_the_filters_and_is_audited(app, admin_in):
    make_submission(app, status="closed")
    make_submission(app)
    rows = csv_rows(admin_in.client.get("/clinician/export.csv?status=closed"))
    assert [r["status"] for r in rows] == ["closed"]
    event = audit_rows(app)[-1]
    assert (event.action, event.detail) == ("exported", "csv, filters: status=closed")


def test_json_export_holds_what_the_page_shows(app, signed_in):
    reference = make_submission(
        app,
        ride_home="no",
        wants_contact="yes",
        contact_name="Sam",
        contact_email="sam@example.com",
    )
    signed_in.post(f"/clinician/submissions/{reference}/notes", {"body": "First call done"})
    response = signed_in.client.get(f"/clinician/submissions/{reference}/export.json")
    assert response.mimetype == "application/json"
    data = json.loads(text(response))
    assert data["reference"] == reference
    assert data["outcome"] == "discuss"
    assert [f["id"] for f in data["flags"]] == ["no-ride-home", "current-antidepressant"]
    assert data["flags"][0]["clinician_text"] == "No confirmed ride home after sessions."
    assert data["phq9"]["total"] == 14
    assert data["phq9"]["items"][0] == {
        "number": 1,
        "text": "Little interest or pleasure in doing things",
        "answer": "More than half the days",
        "score": 2,
    }
    assert data["answers"]["contact_email"] == "sam@example.com"
    assert data["timeline"][-1]["note"] == "First call done"
    shown = {row["field"]: row["answer"] for g in data["answers_as_shown"] for row in g["rows"]}
    assert shown["ride_home"] == "No"
    event = audit_rows(app)[-1]
    assert (event.action, event.reference, event.detail) == ("exported", reference, "json")


def test_an_action_shown_again_with_its_error_audits_nothing_more(app, signed_in):
    reference = make_submission(app)
    before = audit_count(app)
    response = signed_in.post(f"/clinician/submissions/{reference}/notes", {"body": ""})
    assert response.status_code == 422
    assert audit_count(app) == before  # neither a note nor a second "viewed"
