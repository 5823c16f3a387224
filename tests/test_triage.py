"""The submission page for triage: the contact panel, assign to me, contact attempts,
the rules for closing an urgent case, and the print view."""

from __future__ import annotations

from sqlalchemy import select

from questionnaire.extensions import db
from questionnaire.models import ContactAttempt, Note, Submission

from .helpers import Patient
from .html import definitions, error_summary, soup, words
from .staff import audit_rows, make_submission

CONTACT = {
    "wants_contact": "yes",
    "contact_name": "Sam Lee",
    "contact_phone": "+1 (555) 010-0199",
    "contact_email": "sam@example.com",
    "contact_time": "morning",
}


def page_of(staff, reference):
    return soup(staff.client.get(f"/clinician/submissions/{reference}"))


def stored(app, reference) -> Submission:
    with app.app_context():
        submission = db.session.scalar(select(Submission).where(Submission.reference == reference))
        submission.notes  # noqa: B018 (loaded while the session is open)
        submission.contact_attempts  # noqa: B018
        db.session.expunge_all()
        return submission


def attempt(staff, reference, method="phone", result="no-answer", note=""):
    return staff.post(
        f"/clinician/submissions/{reference}/contact-attempts",
        {"method": method, "result": result, "note": note},
    )


def test_the_contact_panel_comes_first_with_links_that_dial_and_write(app, signed_in):
    reference = make_submission(app, **CONTACT)
    page = page_of(signed_in, reference)
    panel = page.select_one("[data-contact-panel]")
    # before the facts, the flags and the answers
    assert panel.find_previous("dl", class_="facts") is None
    assert definitions(panel) == {
        "Name": "Sam Lee",
        "Phone": "+1 (555) 010-0199",
        "Email": "sam@example.com",
        "Best time": "Morning",
    }
    assert panel.select_one('a[href^="tel:"]')["href"] == "tel:+15550100199"
    assert panel.select_one('a[href^="mailto:"]')["href"] == "mailto:sam@example.com"
    assert page.select_one('form[data-action="contact-attempt"]') is not None


def test_no_contact_prompt_when_the_person_declined(app, signed_in):
    reference = make_submission(app, wants_contact="no")
    page = page_of(signed_in, reference)
    panel = page.select_one("[data-contact-panel]")
    assert words(panel.p) == "This person chose not to be contacted."
    assert panel.find_all("a") == []
    assert page.select('form[data-action="contact-attempt"]') == []
    assert attempt(signed_in, reference).status_code == 409


def test_assign_to_me(app, signed_in, account):
    reference = make_submission(app)
    form = page_of(signed_in, reference).select_one('form[data-action="assign-me"]')
    assert words(form.button) == "Assign to me"
    response = signed_in.post(
        form["action"], {"clinician_id": form.select_one('input[name="clinician_id"]')["value"]}
    )
    assert response.status_code == 303
    assert stored(app, reference).assigned_to_id == account["id"]
    page = page_of(signed_in, reference)
    assert definitions(page.select_one("dl.facts"))["Assigned to"] == account["email"]
    assert page.select('form[data-action="assign-me"]') == []  # already mine


def test_a_contact_attempt_is_stored_shown_and_audited(app, signed_in, account):
    reference = make_submission(app, **CONTACT)
    response = attempt(signed_in, reference, "phone", "no-answer", "Rang twice, no voicemail")
    assert response.status_code == 303
    submission = stored(app, reference)
    [row] = submission.contact_attempts
    assert (row.method, row.result, row.note, row.author_id) == (
        "phone",
        "no-answer",
        "Rang twice, no voicemail",
        account["id"],
    )
    # acting on a new submission puts it in review
    assert submission.status == "in-review"
    timeline = [
        (
            words(li.strong),
            words(li.select_one(".note-body")) if li.select_one(".note-body") else None,
        )
        for li in page_of(signed_in, reference).select(".timeline li")
    ]
    assert timeline == [
        ("Status changed", "New → In review"),
        ("Contact attempt: Phone call, no answer", "Rang twice, no voicemail"),
    ]
    actions = [(e.action, e.detail) for e in audit_rows(app) if e.reference == reference]
    assert ("contact-attempt", "phone, no-answer") in actions
    assert ("status-changed", "New → In review") in actions
    # the note's words are not in the audit log
    assert all("voicemail" not in (e.detail or "") for e in audit_rows(app))


def test_a_contact_attempt_needs_a_method_and_a_result(app, signed_in):
    reference = make_submission(app, **CONTACT)
    response = attempt(signed_in, reference, method="", result="")
    assert response.status_code == 422
    assert error_summary(soup(response)) == [
        ("#method", "Select how you tried to reach them"),
        ("#result", "Select what happened"),
    ]
    too_long = attempt(signed_in, reference, note="x" * 2001)
    assert error_summary(soup(too_long)) == [("#note", "Note must be 2000 characters or fewer")]
    assert stored(app, reference).contact_attempts == []


def test_reaching_the_person_offers_to_mark_them_contacted(app, signed_in):
    reference = make_submission(app, **CONTACT)
    attempt(signed_in, reference, "phone", "no-answer")
    assert page_of(signed_in, reference).select("[data-offer-contacted]") == []
    attempt(signed_in, reference, "phone", "reached")
    offer = page_of(signed_in, reference).select_one("form[data-offer-contacted]")
    assert words(offer.button) == "Mark as contacted"
    signed_in.post(offer["action"], {"status": "contacted"})
    assert stored(app, reference).status == "contacted"
    assert page_of(signed_in, reference).select("[data-offer-contacted]") == []


def test_an_urgent_case_closes_only_after_an_attempt_or_with_a_reason(app, signed_in):
    reference = make_submission(app, phq9_9="2", status="in-review", **CONTACT)
    url = f"/clinician/submissions/{reference}/status"
    refused = signed_in.post(url, {"status": "closed"})
    assert refused.status_code == 422
    assert error_summary(soup(refused)) == [
        (
            "#reason",
            "Record a contact attempt first, or give the reason for closing this urgent "
            "submission without one",
        )
    ]
    assert stored(app, reference).status == "in-review"
    closed = signed_in.post(url, {"status": "closed", "reason": "Admitted to hospital"})
    assert closed.status_code == 303
    submission = stored(app, reference)
    assert submission.status == "closed"
    assert [n.body for n in submission.notes] == [
        "Closed without a contact attempt: Admitted to hospital"
    ]
    # still marked urgent once closed
    page = page_of(signed_in, reference)
    assert page.select_one(".submission-head").has_attr("data-urgent")


def test_an_urgent_case_with_an_attempt_closes_without_a_reason(app, signed_in):
    reference = make_submission(app, phq9_9="1", **CONTACT)
    attempt(signed_in, reference, "phone", "left-message")
    page = page_of(signed_in, reference)
    assert page.select("#reason") == []  # the reason is asked only when it is needed
    response = signed_in.post(f"/clinician/submissions/{reference}/status", {"status": "closed"})
    assert response.status_code == 303
    assert stored(app, reference).status == "closed"


def test_other_cases_close_without_an_attempt(app, signed_in):
    reference = make_submission(app, status="in-review")
    response = signed_in.post(f"/clinician/submissions/{reference}/status", {"status": "closed"})
    assert response.status_code == 303


def test_statuses_follow_the_spec(app, signed_in):
    reference = make_submission(app, status="in-review", **CONTACT)
    options = [
        o["value"] for o in page_of(signed_in, reference).select('select[name="status"] option')
    ]
    assert options == ["contacted", "unable-to-contact", "closed"]
    signed_in.post(f"/clinician/submissions/{reference}/status", {"status": "unable-to-contact"})
    options = [
        o["value"] for o in page_of(signed_in, reference).select('select[name="status"] option')
    ]
    assert options == ["contacted", "closed"]


def test_the_print_view(app, signed_in, account):
    reference = make_submission(app, phq9_9="1", **CONTACT)
    signed_in.post(f"/clinician/submissions/{reference}/notes", {"body": "Called the GP"})
    page = soup(signed_in.client.get(f"/clinician/submissions/{reference}/print"))
    heading = [words(p) for p in page.select("[data-print-heading] p")]
    assert heading[0] == "The clinic: screening for ketamine therapy"
    assert heading[1] == "Confidential: contains health information"
    assert heading[2].startswith("Printed ") and heading[2].endswith(f"by {account['email']}")
    assert page.main.find_all(["form", "button", "select", "textarea", "input"]) == []
    assert page.select(".staff-nav") == []
    assert words(page.h1) == f"{reference} Urgent"
    assert "Called the GP" in words(page.select_one(".timeline"))
    assert [e.action for e in audit_rows(app)][-1] == "printed"


def test_a_note_written_on_an_attempt_is_kept_apart_from_clinician_notes(app, signed_in):
    reference = make_submission(app, **CONTACT)
    attempt(signed_in, reference, note="Asked to call back after 5")
    with app.app_context():
        assert db.session.scalar(select(Note.id)) is None
        assert db.session.scalar(select(ContactAttempt.note)) == "Asked to call back after 5"


# --- withdrawn ----------------------------------------------------------------------


def patient_deletes(client, changes: dict) -> tuple[str, str]:
    """A patient completes a screening and keeps its result link: (reference, link)."""
    patient = Patient(client)
    result = soup(patient.complete(changes))
    link = result.select_one('a[href$="/delete"]')["href"].removesuffix("/delete")
    return words(result.select_one(".reference-code")), link


def delete(client, link: str) -> None:
    response = Patient(client).post(link + "/delete")
    assert response.location == "/screening/deleted"


def test_a_withdrawal_nobody_acted_on_leaves_only_the_audit_row(app, client, signed_in):
    reference, link = patient_deletes(client, {"contact": CONTACT})
    delete(client, link)
    with app.app_context():
        assert db.session.scalar(select(Submission.id)) is None
    assert signed_in.client.get(f"/clinician/submissions/{reference}").status_code == 404
    assert [(e.action, e.reference) for e in audit_rows(app)][-1] == (
        "deleted-by-patient",
        reference,
    )


def test_a_withdrawal_after_a_clinician_acted_leaves_a_tombstone(app, client, signed_in, clock):
    reference, link = patient_deletes(
        client, {"phq9": {"phq9_9": "1"}, "contact": {**CONTACT, "wants_contact": "yes"}}
    )
    attempt(signed_in, reference, "phone", "no-answer", "Voicemail full")
    signed_in.post(f"/clinician/submissions/{reference}/notes", {"body": "Try again at 4"})
    clock.advance(minutes=5)
    delete(client, link)

    submission = stored(app, reference)
    assert submission.status == "withdrawn"
    assert submission.withdrawn_at is not None
    assert submission.answers == {}
    assert submission.outcome == "urgent-support"
    assert (submission.phq9_total, submission.contraindication_count) == (None, 0)
    assert submission.assessment["flags"] == [] and submission.assessment["sections"] == []
    assert [n.body for n in submission.notes] == ["Try again at 4"]
    assert [a.note for a in submission.contact_attempts] == ["Voicemail full"]

    page = page_of(signed_in, reference)
    assert words(page.select_one("[data-withdrawn] strong")).startswith(
        "The patient withdrew this screening on "
    )
    assert page.select_one(".submission-head").has_attr("data-urgent")  # urgent stays urgent
    assert page.select("[data-contact-panel]") == []
    assert page.select('form[data-action="contact-attempt"]') == []
    text_ = words(page.main)
    for gone in ("Sam Lee", "555", "sam@example.com", "PHQ-9"):
        assert gone not in text_, gone
    options = [o["value"] for o in page.select('select[name="status"] option')]
    assert options == ["closed"]
    timeline = [words(li.strong) for li in page.select(".timeline li")]
    assert timeline[-1] == "The patient withdrew their answers"
    queue = soup(signed_in.client.get("/clinician/?status=withdrawn"))
    row = queue.select_one(f'tr[data-reference="{reference}"]')
    assert words(row.select_one("[data-status]")) == "Withdrawn by the patient"
    # the patient never sees it: the result and delete links are gone
    assert client.get(link).status_code == 404
    assert client.get(link + "/delete").status_code == 404
    # it can be closed, without a contact attempt or a reason
    closed = signed_in.post(f"/clinician/submissions/{reference}/status", {"status": "closed"})
    assert closed.status_code == 303
    assert stored(app, reference).status == "closed"


def test_a_tombstone_exports_without_answers(app, client, admin_in, clock):
    reference, link = patient_deletes(client, {"contact": CONTACT})
    admin_in.post(f"/clinician/submissions/{reference}/notes", {"body": "Left a voicemail"})
    delete(client, link)
    as_json = admin_in.client.get(f"/clinician/submissions/{reference}/export.json").get_json()
    assert (as_json["status"], as_json["answers"]) == ("withdrawn", {})
    fhir = admin_in.client.get(f"/clinician/submissions/{reference}/export.fhir.json")
    assert fhir.status_code == 200
    assert "item" not in fhir.get_json()
    assert fhir.get_json()["status"] == "entered-in-error"
    bundle = admin_in.client.get("/clinician/export.fhir.json").get_json()
    assert [e["resource"]["id"] for e in bundle["entry"]] == [fhir.get_json()["id"]]
    csv_text = admin_in.client.get("/clinician/export.csv").get_data().decode("utf-8-sig")
    assert reference in csv_text and "Sam Lee" not in csv_text
