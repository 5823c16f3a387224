"""axe-core finds no violations on any page a patient or clinician can reach."""

from __future__ import annotations

import pytest

from ..helpers import STEPS
from ..staff import make_submission
from .drive import (
    OUTCOME_CHANGES,
    answer_steps,
    complete,
    continue_,
    invite,
    new_clinician,
    sign_in,
    violations,
)


def test_landing_page(page, server):
    page.goto(server.url + "/")
    assert violations(page) == []


@pytest.mark.parametrize("step", STEPS)
def test_each_step_empty_and_with_its_errors(page, server, step):
    answer_steps(page, server.url, until=step)
    assert page.get_attribute("form[data-step]", "data-step") == step
    assert violations(page) == [], "empty"
    continue_(page)  # nothing answered
    assert page.title().startswith("Error: ")
    assert violations(page) == [], "with errors"


def test_contact_step_with_every_error(page, server):
    answer_steps(page, server.url, until="contact")
    page.check("input[name='wants_contact'][value='yes']")
    page.fill("#contact_phone", "call me")
    continue_(page)
    assert page.locator(".error-message").count() == 2
    assert violations(page) == []


def test_check_answers_page(page, server):
    answer_steps(page, server.url)
    assert page.get_attribute("form[data-step]", "data-step") == "check"
    assert violations(page) == []


@pytest.mark.parametrize("outcome", sorted(OUTCOME_CHANGES))
def test_result_page_of_each_outcome(page, server, outcome):
    assert complete(page, server.url, OUTCOME_CHANGES[outcome]) == outcome
    assert violations(page) == []


def test_confirm_age_and_adult_only_pages(page, server):
    answer_steps(page, server.url, {"about": {"age": "16"}}, until="history")
    page.wait_for_selector("form[data-step='confirm-age']")
    assert violations(page) == [], "confirm age"
    continue_(page)  # nothing chosen
    assert page.title().startswith("Error: ")
    assert violations(page) == [], "confirm age with its error"
    page.check("input[name='confirm_age'][value='yes']")
    continue_(page)
    page.wait_for_selector("main[data-outcome='adult-only']")
    assert violations(page) == [], "adult only"


def test_error_pages(page, server):
    page.goto(server.url + "/no-such-page")
    assert violations(page) == []


def test_clinician_sign_in_and_code_pages(page, server):
    page.goto(server.url + "/clinician/sign-in")
    assert violations(page) == []
    page.click("form button[type=submit]")
    assert page.title().startswith("Error: ")
    assert violations(page) == []
    account = new_clinician(server.app, admin=False)
    account_without_app = {**account}
    sign_in(page, server.url, account_without_app, stop_at_code=True)
    assert violations(page) == []


def test_enrolment_page(page, server):
    from ..staff import make_clinician

    account = make_clinician(server.app, "enrol@clinic.example", enrolled=False)
    sign_in(page, server.url, account, stop_at_code=True)
    assert page.locator("[data-totp-secret]").count() == 1
    assert violations(page) == []


def test_queue_submission_and_audit_pages(page, server):
    reference = make_submission(
        server.app,
        phq9_9="2",
        wants_contact="yes",
        contact_name="Sam Lee",
        contact_phone="+1 555 010 0199",
        contact_email="sam@example.com",
    )
    make_submission(server.app, vascular=["aneurysm"])
    admin = new_clinician(server.app, admin=True)
    sign_in(page, server.url, admin)
    page.goto(server.url + "/clinician/")
    assert violations(page) == [], "queue"
    page.goto(f"{server.url}/clinician/submissions/{reference}")
    assert violations(page) == [], "submission"
    page.click("text=Add note")  # empty note: the page with its error
    assert violations(page) == [], "submission with an error"
    page.click("text=Record the attempt")  # nothing chosen: the attempt form's errors
    assert violations(page) == [], "contact attempt with errors"
    page.check("#result")  # "reached": the page offers to mark the person contacted
    page.check("#method")
    page.click("text=Record the attempt")
    page.wait_for_selector("[data-offer-contacted]")
    assert violations(page) == [], "after reaching the person"
    page.goto(f"{server.url}/clinician/submissions/{reference}/print")
    assert violations(page) == [], "print view"
    page.goto(server.url + "/clinician/alerts")
    assert violations(page) == [], "alerts"
    page.goto(server.url + "/clinician/?q=Sam+Lee")
    assert violations(page) == [], "search"
    page.goto(server.url + "/clinician/audit")
    assert violations(page) == [], "audit log"
    page.goto(server.url + "/clinician/accounts")
    assert violations(page) == [], "accounts"
    page.goto(server.url + "/clinician/rules")
    assert violations(page) == [], "rules"


def test_privacy_resume_and_delete_pages(page, server):
    page.goto(server.url + "/privacy")
    assert violations(page) == [], "privacy notice"
    answer_steps(page, server.url, until="history")
    page.click("button[name=save_for_later]")
    page.wait_for_selector("#resume-link")
    assert violations(page) == [], "resume link"
    link = page.inner_text("#resume-link").removeprefix("Link:").strip()
    page.context.clear_cookies()
    page.goto(link)
    assert violations(page) == [], "resume confirmation"
    page.click("text=Continue my screening")
    page.wait_for_selector("form[data-step='history']")
    page.goto(link)
    assert page.inner_text("h1") == "This link does not work"
    assert violations(page) == [], "link not working"
    complete(page, server.url)
    page.click("a:has-text('delete your answers')")
    assert violations(page) == [], "delete confirmation"
    page.click("text=Yes, delete my answers")
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == "Your answers have been deleted"
    assert violations(page) == [], "deleted"
    complete(page, server.url)
    page.click("button:has-text('Finish and clear this device')")
    page.wait_for_url("**/screening/finished")
    assert page.inner_text("h1") == "You have finished"
    assert violations(page) == [], "finished"


def test_account_and_set_up_pages(page, server):
    sign_in(page, server.url, new_clinician(server.app, admin=False))
    page.goto(server.url + "/clinician/account")
    assert violations(page) == [], "account"
    page.click("text=Change password")  # nothing typed: the page with its errors
    assert violations(page) == [], "account with errors"
    token = invite(server.app, "setup@clinic.example")
    page.context.clear_cookies()
    page.goto(f"{server.url}/clinician/welcome/{token}")
    assert violations(page) == [], "set-up page"
    page.click("text=Set up my account")
    assert violations(page) == [], "set-up page with errors"
