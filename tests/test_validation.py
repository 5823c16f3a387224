"""Every validation message of every field, as a person sees it: HTTP 422, an error
summary linking to the field, the message beside the field, "Error: " in the title,
and nothing of the invalid step stored."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from questionnaire.extensions import db
from questionnaire.models import Draft

from .helpers import STEPS, steps_with, text
from .html import error_summary, soup, words

PHQ9_SHORT = {
    1: "little interest or pleasure in doing things",
    2: "feeling down, depressed or hopeless",
    3: "trouble sleeping, or sleeping too much",
    4: "feeling tired or having little energy",
    5: "poor appetite or overeating",
    6: "feeling bad about yourself",
    7: "trouble concentrating",
    8: "moving or speaking slowly, or being fidgety or restless",
    9: "thoughts that you would be better off dead or of hurting yourself",
}
NOT_DIAGNOSIS = (
    "Select the box to show you understand this screening is not a diagnosis or medical advice"
)
CONSENT = (
    "Select the box to agree that your answers are stored securely and read by the "
    "clinic's clinicians"
)
AGE_FORMAT = "Enter your age as a whole number, for example 34"
DIFFICULTY = "Select how difficult these problems have made things for you"
PHONE = "Enter a phone number, like 01632 960 001 or +1 555 010 0199"
EMAIL = "Enter an email address in the correct format, like name@example.com"
CONTACT = {"wants_contact": "yes", "contact_name": "Sam", "contact_email": "sam@example.com"}

CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("start", {"understand_not_diagnosis": []}, "understand_not_diagnosis", NOT_DIAGNOSIS),
    ("start", {"understand_not_diagnosis": "n"}, "understand_not_diagnosis", NOT_DIAGNOSIS),
    ("start", {"consent_store": []}, "consent_store", CONSENT),
    ("about", {"age": ""}, "age", "Enter your age in years, for example 34"),
    ("about", {"age": "   "}, "age", "Enter your age in years, for example 34"),
    ("about", {"age": "thirty"}, "age", AGE_FORMAT),
    ("about", {"age": "34.5"}, "age", AGE_FORMAT),
    ("about", {"age": "-3"}, "age", AGE_FORMAT),
    ("about", {"age": "121"}, "age", "Enter an age between 0 and 120"),
    ("about", {"age": "99999"}, "age", AGE_FORMAT),
    (
        "about",
        {"pregnancy": ""},
        "pregnancy",
        "Select if you are pregnant, breastfeeding or planning a pregnancy",
    ),
    (
        "about",
        {"pregnancy": "maybe"},
        "pregnancy",
        "Select if you are pregnant, breastfeeding or planning a pregnancy",
    ),
    (
        "history",
        {"diagnosed": ""},
        "diagnosed",
        "Select if a doctor or other professional has told you that you have depression",
    ),
    (
        "history",
        {"episode_length": "forever"},
        "episode_length",
        "Select how long your current period of depression has lasted",
    ),
    (
        "history",
        {"antidepressants_tried": ""},
        "antidepressants_tried",
        "Select how many antidepressant medicines you have tried",
    ),
    (
        "history",
        {"antidepressants_tried": "4"},
        "antidepressants_tried",
        "Select how many antidepressant medicines you have tried",
    ),
    (
        "history",
        {"therapy": ""},
        "therapy",
        "Select if you have had talking therapy for depression",
    ),
    (
        "history",
        {"other_treatments": []},
        "other_treatments",
        "Select the treatments you have had, or 'None of these'",
    ),
    (
        "history",
        {"other_treatments": ["ect", "bogus"]},
        "other_treatments",
        "Select the treatments you have had, or 'None of these'",
    ),
    (
        "history",
        {"other_treatments": ["none", "ect"]},
        "other_treatments",
        "Select 'None of these' on its own, or the treatments you have had",
    ),
    *[
        (
            "phq9",
            {f"phq9_{n}": ""},
            f"phq9_{n}",
            f"Select how often you have been bothered by {short}",
        )
        for n, short in PHQ9_SHORT.items()
    ],
    (
        "phq9",
        {"phq9_4": "4"},
        "phq9_4",
        "Select how often you have been bothered by feeling tired or having little energy",
    ),
    ("phq9", {"phq9_difficulty": ""}, "phq9_difficulty", DIFFICULTY),
    ("phq9", {"phq9_difficulty": "unbearable"}, "phq9_difficulty", DIFFICULTY),
    (
        "health",
        {"blood_pressure": ""},
        "blood_pressure",
        "Select if you have ever been told you have high blood pressure",
    ),
    (
        "health",
        {"vascular": []},
        "vascular",
        "Select the blood vessel problems you have had, or 'None of these'",
    ),
    (
        "health",
        {"vascular": ["none", "avm"]},
        "vascular",
        "Select 'None of these' on its own, or the conditions you have had",
    ),
    (
        "health",
        {"heart_brain": []},
        "heart_brain",
        "Select the heart or brain problems you have had, or 'None of these'",
    ),
    (
        "health",
        {"heart_brain": ["stroke", "none"]},
        "heart_brain",
        "Select 'None of these' on its own, or the conditions you have had",
    ),
    (
        "health",
        {"mental_health": []},
        "mental_health",
        "Select the conditions you have had, or 'None of these'",
    ),
    (
        "health",
        {"mental_health": ["none", "mania"]},
        "mental_health",
        "Select 'None of these' on its own, or the conditions you have had",
    ),
    (
        "health",
        {"substance_use": ""},
        "substance_use",
        "Select if you have had problems with alcohol or drugs",
    ),
    (
        "health",
        {"other_conditions": []},
        "other_conditions",
        "Select the conditions you have, or 'None of these'",
    ),
    (
        "health",
        {"other_conditions": ["none", "liver"]},
        "other_conditions",
        "Select 'None of these' on its own, or the conditions you have had",
    ),
    (
        "health",
        {"ketamine_reaction": ""},
        "ketamine_reaction",
        "Select how ketamine or esketamine went for you before",
    ),
    (
        "health",
        {"ketamine_reaction": "never-had"},  # retired in rules 2026.12
        "ketamine_reaction",
        "Select how ketamine or esketamine went for you before",
    ),
    (
        "medicines",
        {"medications": []},
        "medications",
        "Select the medicines you take now, or 'None of these'",
    ),
    (
        "medicines",
        {"medications": ["none", "opioid"]},
        "medications",
        "Select 'None of these' on its own, or the medicines you take",
    ),
    (
        "medicines",
        {"medications": ["other"]},
        "medications_other",
        "Enter the names of your other medicines",
    ),
    (
        "medicines",
        {"medications": ["other"], "medications_other": "  "},
        "medications_other",
        "Enter the names of your other medicines",
    ),
    (
        "medicines",
        {"medications": ["other"], "medications_other": "x" * 501},
        "medications_other",
        "Other medicines must be 500 characters or fewer",
    ),
    (
        "practical",
        {"ride_home": ""},
        "ride_home",
        "Select if someone could take you home after each treatment",
    ),
    (
        "practical",
        {"insurance": ""},
        "insurance",
        "Select if you have health insurance that could help pay for treatment",
    ),
    (
        "practical",
        {"format_interest": "pill"},
        "format_interest",
        "Select which type of treatment you would like to know more about",
    ),
    ("practical", {"notes": "x" * 1001}, "notes", "Notes must be 1000 characters or fewer"),
    ("practical", {"notes": "a\x00b"}, "notes", "Notes must not contain hidden control characters"),
    (
        "contact",
        {"wants_contact": ""},
        "wants_contact",
        "Select if you would like the clinic to contact you",
    ),
    ("contact", {**CONTACT, "contact_name": ""}, "contact_name", "Enter your name"),
    (
        "contact",
        {**CONTACT, "contact_name": "n" * 101},
        "contact_name",
        "Name must be 100 characters or fewer",
    ),
    (
        "contact",
        {**CONTACT, "contact_email": ""},
        "contact_email",
        "Enter an email address or a phone number",
    ),
    ("contact", {**CONTACT, "contact_email": "sam.example.com"}, "contact_email", EMAIL),
    (
        "contact",
        {**CONTACT, "contact_email": "a" * 245 + "@example.com"},
        "contact_email",
        "Email address must be 254 characters or fewer",
    ),
    ("contact", {**CONTACT, "contact_phone": "call me"}, "contact_phone", PHONE),
    ("contact", {**CONTACT, "contact_phone": "12"}, "contact_phone", PHONE),
    (
        "contact",
        {**CONTACT, "contact_phone": "1" * 31},
        "contact_phone",
        "Phone number must be 30 characters or fewer",
    ),
    (
        "contact",
        {**CONTACT, "contact_time": "noon"},
        "contact_time",
        "Select a time of day that suits you",
    ),
]


def stored_step(app, step: str) -> dict[str, Any] | None:
    with app.app_context():
        draft = db.session.scalar(select(Draft))
        return None if draft is None else draft.answers.get(step)


@pytest.mark.parametrize(("step", "changes", "field", "message"), CASES)
def test_invalid_answer_shows_its_message_and_stores_nothing(
    app, patient, step, changes, field, message
):
    # The ketamine question is asked only of people who had ketamine before.
    setup = (
        {
            "history": {"other_treatments": ["ketamine"]},
            "health": {"ketamine_reaction": "no-problems"},
        }
        if field == "ketamine_reaction"
        else {}
    )
    before = steps_with(setup)
    steps = steps_with({**setup, step: {**before[step], **changes}})
    patient.answer_all(before, until=step)
    if step != "start":
        # answered once validly, so we can see that the invalid post changes nothing
        patient.answer(step, before[step])
    stored_before = stored_step(app, step)

    response = patient.answer(step, steps[step])

    assert response.status_code == 422
    page = soup(response)
    assert words(page.title).startswith("Error: ")
    assert (f"#{field}", message) in error_summary(page)
    assert words(page.select_one(f"#{field}-error")) == f"Error: {message}"
    assert stored_step(app, step) == stored_before


def test_every_step_has_validation_cases():
    assert {step for step, *_ in CASES} == set(STEPS)


def test_several_errors_are_all_listed_in_the_summary_in_page_order(patient):
    patient.answer_all(steps_with(), until="about")
    summary = error_summary(soup(patient.answer("about", {})))
    assert [href for href, _ in summary] == ["#age", "#pregnancy"]


def test_invalid_field_is_described_by_its_error(patient):
    patient.answer_all(steps_with(), until="about")
    age = soup(patient.answer("about", {"age": "x", "pregnancy": "no"})).select_one("#age")
    assert age["aria-describedby"] == "age-hint age-error"
    assert age["aria-invalid"] == "true"
    # the answer typed is kept, so the person can correct it
    assert age["value"] == "x"


def test_difficulty_is_not_required_when_every_item_is_not_at_all(app, patient):
    patient.answer_all(steps_with(), until="phq9")
    zeros = {f"phq9_{n}": "0" for n in range(1, 10)}
    response = patient.answer("phq9", zeros)
    assert response.status_code == 303
    assert stored_step(app, "phq9") == zeros


def test_contact_details_are_not_judged_or_kept_when_no_contact_is_wanted(app, patient):
    patient.answer_all(steps_with(), until="contact")
    response = patient.answer(
        "contact",
        {
            "wants_contact": "no",
            "contact_name": "n" * 500,
            "contact_email": "not an email",
            "contact_phone": "phone?",
            "contact_time": "noon",
        },
    )
    assert response.status_code == 303
    assert stored_step(app, "contact") == {"wants_contact": "no"}


def test_either_email_or_phone_is_enough(app, patient):
    patient.answer_all(steps_with(), until="contact")
    response = patient.answer(
        "contact",
        {
            "wants_contact": "yes",
            "contact_name": "Sam",
            "contact_phone": "+1 (555) 010-0199",
            "contact_time": "evening",
        },
    )
    assert response.status_code == 303
    assert stored_step(app, "contact") == {
        "wants_contact": "yes",
        "contact_name": "Sam",
        "contact_phone": "+1 (555) 010-0199",
        "contact_time": "evening",
    }


def test_unknown_and_repeated_fields_are_ignored(app, patient):
    patient.answer_all(steps_with(), until="history")
    data = {
        **steps_with()["history"],
        "is_admin": "1",
        "therapy": ["current", "never"],
        "other_treatments": ["tms", "ect", "tms"],
    }
    assert patient.answer("history", data).status_code == 303
    stored = stored_step(app, "history")
    assert "is_admin" not in stored
    assert stored["therapy"] == "current"
    assert stored["other_treatments"] == ["ect", "tms"]


def test_text_is_stored_as_given_and_escaped_on_output(app, patient):
    notes = "<script>alert(1)</script> & more\nsecond line"
    patient.answer_all(steps_with({"practical": {"notes": notes}}))
    assert stored_step(app, "practical")["notes"] == notes
    page = text(patient.client.get("/screening/check"))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
