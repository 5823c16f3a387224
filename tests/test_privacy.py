"""Resume later, delete my answers, retention and the privacy notice."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from questionnaire.extensions import db
from questionnaire.models import (
    AuditEvent,
    ClinicianSession,
    Draft,
    Note,
    Submission,
    SubmissionFlag,
)

from .helpers import EXAMPLE_1, Patient, steps_with, text
from .html import soup, words
from .staff import audit_rows, make_submission


def shown_link(page: str) -> str:
    """The whole resume link as the saved page shows it."""
    soup = BeautifulSoup(page, "html.parser")
    node = soup.select_one("#resume-link")
    node.select_one(".visually-hidden").decompose()
    return node.get_text(strip=True)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def save_for_later(patient, step, data) -> str:
    response = patient.post(f"/screening/{step}", {**data, "save_for_later": "1"})
    assert (response.status_code, response.location) == (303, "/screening/saved")
    page = patient.client.get("/screening/saved")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    return shown_link(text(page))


# --- resume later ---------------------------------------------------------------


def test_save_on_a_middle_step_and_continue_in_another_browser(app, patient):
    patient.answer_all(steps_with(), until="health")
    link = save_for_later(patient, "health", EXAMPLE_1["health"])
    assert link.startswith("http://localhost/screening/resume/")
    # the same browser can carry on, at the first unanswered step
    assert patient.client.get("/screening/check").location == "/screening/medicines"

    other = Patient(app.test_client())
    path = link.removeprefix("http://localhost")
    confirm = other.client.get(path)
    assert confirm.status_code == 200
    confirm_page = soup(confirm)
    assert words(confirm_page.h1) == "Carry on with your screening"
    assert "Age" not in words(confirm_page.main)  # nothing of the answers before the button
    token = re.search(r'name="csrf_token" value="([^"]+)"', text(confirm)).group(1)
    moved = other.client.post(path, data={"csrf_token": token})
    assert (moved.status_code, moved.location) == (303, "/screening/medicines")
    other._token = token
    for step in ("medicines", "practical", "contact"):
        assert other.answer(step, EXAMPLE_1[step]).status_code == 303
    assert other.submit().status_code == 303
    assert count(app, Submission) == 1


def test_the_first_browser_no_longer_opens_a_moved_draft(app, patient):
    patient.answer_all(steps_with(), until="history")
    link = save_for_later(patient, "history", EXAMPLE_1["history"])
    other = Patient(app.test_client())
    path = link.removeprefix("http://localhost")
    token = re.search(r'name="csrf_token" value="([^"]+)"', text(other.client.get(path))).group(1)
    other.client.post(path, data={"csrf_token": token})
    assert patient.client.get("/screening/phq9").location == "/screening/start"


def test_an_unfinished_page_is_not_saved_but_earlier_ones_are(app, patient):
    patient.answer_all(steps_with(), until="phq9")
    patient.post("/screening/phq9", {"phq9_1": "2", "save_for_later": "1"})
    response = patient.client.get("/screening/saved")
    assert "The page you were on was not finished" in words(soup(response).main)
    with app.app_context():
        assert set(db.session.scalar(select(Draft)).answers) == {"start", "about", "history"}


@pytest.mark.parametrize("case", ["wrong", "used", "expired", "replaced"])
def test_a_wrong_used_expired_or_replaced_link_shows_the_clear_page(
    app, patient, case, monkeypatch
):
    patient.answer_all(steps_with(), until="history")
    link = save_for_later(patient, "about", EXAMPLE_1["about"]).removeprefix("http://localhost")
    other = Patient(app.test_client())
    if case == "wrong":
        link = link[:-4] + "AAAA"
    elif case == "used":
        token = re.search(r'name="csrf_token" value="([^"]+)"', text(other.client.get(link))).group(
            1
        )
        other.client.post(link, data={"csrf_token": token})
    elif case == "expired":
        from questionnaire import clock

        later = clock.now() + timedelta(days=8)
        monkeypatch.setattr(clock, "now", lambda: later)
    elif case == "replaced":
        save_for_later(patient, "about", EXAMPLE_1["about"])  # a new link replaces it
    response = Patient(app.test_client()).client.get(link)
    assert response.status_code == 404
    page = soup(response)
    assert words(page.h1) == "This link does not work"
    assert "42" not in words(page.main) and "Age" not in words(page.main)


def test_save_from_the_first_step_starts_a_draft(app, patient):
    link = save_for_later(patient, "start", EXAMPLE_1["start"])
    assert link.startswith("http://localhost/screening/resume/")
    assert count(app, Draft) == 1


# --- delete my answers ----------------------------------------------------------


def test_delete_after_confirmation_removes_every_row(app, patient):
    """Nobody at the clinic had acted on it: nothing stays but the audit row (test_triage
    covers the tombstone kept once a clinician has acted)."""
    result = patient.complete(
        {
            "contact": {
                "wants_contact": "yes",
                "contact_name": "Sam",
                "contact_email": "sam@example.com",
            }
        }
    )
    result_url = re.search(r'href="(/screening/result/[^"/]+)/delete"', text(result)).group(1)
    with app.app_context():
        reference = db.session.scalar(select(Submission.reference))

    confirm = patient.client.get(result_url + "/delete")
    assert words(soup(confirm).h1) == "Delete your answers"
    assert count(app, Submission) == 1  # asking is not deleting
    done = patient.post(result_url + "/delete")
    assert (done.status_code, done.location) == (303, "/screening/deleted")
    assert words(soup(patient.client.get(done.location)).h1) == "Your answers have been deleted"

    for model in (Submission, SubmissionFlag, Note, Draft):
        assert count(app, model) == 0, model.__name__
    assert patient.client.get(result_url).status_code == 404
    assert patient.client.get(result_url + "/delete").status_code == 404
    event = audit_rows(app)[-1]
    assert (event.action, event.reference, event.actor_id) == (
        "deleted-by-patient",
        reference,
        None,
    )
    # nothing in the audit log holds the answers or contact details
    with app.app_context():
        details = " ".join(e.detail for e in db.session.scalars(select(AuditEvent)))
    assert "sam@example.com" not in details


def test_delete_needs_a_csrf_token(app, patient):
    result = patient.complete()
    url = re.search(r'href="(/screening/result/[^"]+/delete)"', text(result)).group(1)
    assert patient.client.post(url).status_code == 400
    assert count(app, Submission) == 1


# --- retention ------------------------------------------------------------------


def run_purge(app) -> str:
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    return result.output


def test_purge_removes_exactly_what_has_expired_and_is_idempotent(app, clock):
    now = clock.now()
    never_closed = make_submission(app, created_at=now - timedelta(days=800))
    closed_long_ago = make_submission(app, created_at=now - timedelta(days=400), status="closed")
    closed_recently = make_submission(app, created_at=now - timedelta(days=400), status="closed")
    with app.app_context():
        for reference, days in ((closed_long_ago, 366), (closed_recently, 364)):
            submission = db.session.scalar(
                select(Submission).where(Submission.reference == reference)
            )
            submission.closed_at = now - timedelta(days=days)
        for days, name in ((-1, "expired"), (1, "live")):
            db.session.add(
                Draft(
                    key_hash=name.ljust(64, "0"),
                    answers={},
                    created_at=now,
                    expires_at=now + timedelta(days=days),
                )
            )
        db.session.commit()
    assert run_purge(app) == (
        "Removed 1 expired drafts.\n"
        "Removed 1 submissions closed more than 365 days ago.\n"
        "Removed 0 old clinician sessions.\n"
    )
    with app.app_context():
        assert set(db.session.scalars(select(Submission.reference))) == {
            never_closed,
            closed_recently,
        }
        assert db.session.scalars(select(Draft.key_hash)).all() == ["live".ljust(64, "0")]
    event = audit_rows(app)[-1]
    assert (event.action, event.reference) == ("purged", closed_long_ago)
    assert run_purge(app) == (
        "Removed 0 expired drafts.\n"
        "Removed 0 submissions closed more than 365 days ago.\n"
        "Removed 0 old clinician sessions.\n"
    )


def test_purge_removes_old_clinician_sessions(app, signed_in, clock):
    signed_in.post("/clinician/sign-out")
    clock.advance(days=2)
    # the one after the password and the one that replaced it after the code
    assert "Removed 2 old clinician sessions." in run_purge(app)
    assert count(app, ClinicianSession) == 0


def test_reopening_clears_the_closing_time(app, signed_in, clock):
    reference = make_submission(app, status="closed")
    signed_in.post(f"/clinician/submissions/{reference}/status", {"status": "in-review"})
    with app.app_context():
        assert db.session.scalar(select(Submission.closed_at)) is None
    clock.advance(days=400)
    assert "Removed 0 submissions" in run_purge(app)


def test_retention_days_is_a_setting(app, clock):
    app.config["RETENTION_DAYS"] = 30
    reference = make_submission(app, status="closed", created_at=clock.now() - timedelta(days=31))
    assert "Removed 1 submissions closed more than 30 days ago." in run_purge(app)
    assert audit_rows(app)[-1].reference == reference


# --- privacy notice -------------------------------------------------------------


def test_privacy_notice_is_linked_from_the_start_step_and_every_patient_footer(client):
    page = soup(client.get("/privacy"))
    assert words(page.h1) == "How we keep and delete your answers"
    assert "we delete them after 7 days" in words(page.main)
    assert "we delete your answers 365 days later" in words(page.main)

    def privacy_links(path: str) -> list:
        return soup(client.get(path)).select('footer a[href="/privacy"]')

    assert privacy_links("/screening/start") and privacy_links("/screening/finished")
    # the clinician area has a footer of its own (test_app: clinician error pages)
    assert privacy_links("/clinician/sign-in") == []
