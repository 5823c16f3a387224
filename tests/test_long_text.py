"""Long text in any script: a text far past its field's limit gets the field's own
message (422) with the text kept, never "That was too much to send" (413), whatever
bytes its characters take; only a body past the limit worked out from the fields is
refused before it is read."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from questionnaire.body_limits import (
    ALLOWANCE_BYTES,
    ENCODED_BYTES_PER_CHARACTER,
    OVERRUN_CHARACTERS,
    body_limit,
    fields,
    form_characters,
    limit_for,
    max_characters,
)
from questionnaire.forms import clinician as clinician_forms
from questionnaire.forms.confirm_age import ConfirmAgeForm
from questionnaire.forms.screening import FORMS_BY_STEP, STEP_FORMS

from .helpers import steps_with
from .html import error_summary, soup, words
from .staff import make_submission

#: What the issue's reviewer sent: 100,000 characters of one, two and four bytes
#: (and three: CJK). Form encoding makes them 1, 6, 12 and 9 bytes on the wire.
SCRIPTS = {"ascii": "x", "latin": "é", "emoji": "😀", "cjk": "漢"}
PASTE = 100_000
OLD_LIMIT = 256 * 1024

#: Every patient text field with a limit: its step, limit and message.
PATIENT_TEXT = {
    "medications_other": ("medicines", 500, "Other medicines must be 500 characters or fewer"),
    "notes": ("practical", 1000, "Notes must be 1000 characters or fewer"),
    "contact_name": ("contact", 100, "Name must be 100 characters or fewer"),
    "contact_email": ("contact", 254, "Email address must be 254 characters or fewer"),
    "contact_phone": ("contact", 30, "Phone number must be 30 characters or fewer"),
}
#: What makes each step ask its text fields.
ASKING = {
    "medicines": {"medications": ["other"], "medications_other": "Lithium"},
    "contact": {"wants_contact": "yes", "contact_name": "Sam", "contact_email": "sam@example.com"},
}


def encoded_size(data: dict[str, object]) -> int:
    """The body as a browser (and the test client) sends it."""
    return len(urlencode(data, doseq=True))


def typed(page, name: str) -> str:
    """What the field holds as the page is shown again."""
    area = page.select_one(f"textarea#{name}")
    if area is not None:
        return area.get_text()
    return page.select_one(f"input#{name}")["value"]


def post_step(patient, field: str, value: str, others: dict[str, str] | None = None):
    step = PATIENT_TEXT[field][0]
    before = steps_with(ASKING)
    patient.answer_all(before, until=step)
    data = {**before[step], **(others or {}), field: value}
    return patient.answer(step, data), data


def test_the_table_names_every_patient_text_field_and_its_limit():
    limits = {
        field.name: (form.step_id, max_characters(field))
        for form in STEP_FORMS
        for field in fields(form)
        if max_characters(field)
    }
    assert limits == {name: (step, limit) for name, (step, limit, _) in PATIENT_TEXT.items()}


def test_the_limits_are_worked_out_from_the_fields(app):
    per_character = 12  # 4 bytes of UTF-8, each sent as %XX
    assert ENCODED_BYTES_PER_CHARACTER == per_character
    # the screening steps: the practical step's notes (1,000) are the most text
    assert limit_for(app, "patient.step") == per_character * (1000 + PASTE) + ALLOWANCE_BYTES
    assert limit_for(app, "patient.step") == 1_228_384
    assert limit_for(app, "clinician.add_note") == per_character * (5000 + PASTE) + ALLOWANCE_BYTES
    assert limit_for(app, "clinician.contact_attempt") == 12 * (2000 + PASTE) + ALLOWANCE_BYTES
    assert limit_for(app, "clinician.change_status") == 12 * (1000 + PASTE) + ALLOWANCE_BYTES
    # Pages without free text of their own, and the FHIR API, keep MAX_CONTENT_LENGTH.
    for endpoint in (
        "clinician.sign_in",
        "clinician.assign",
        "patient.check",
        "patient.confirm_age",
        "interop.questionnaire_response_create",
    ):
        assert limit_for(app, endpoint) == app.config["MAX_CONTENT_LENGTH"] == OLD_LIMIT


def test_a_larger_max_content_length_is_never_narrowed(app):
    app.config["MAX_CONTENT_LENGTH"] = 4 * 1024 * 1024
    assert limit_for(app, "patient.step") == 4 * 1024 * 1024
    app.config["MAX_CONTENT_LENGTH"] = None
    assert limit_for(app, "patient.step") is None


def question_forms() -> list[type]:
    forms = [*STEP_FORMS, ConfirmAgeForm]
    forms += [
        value
        for value in vars(clinician_forms).values()
        if isinstance(value, type)
        and value.__module__ == clinician_forms.__name__
        and issubclass(value, clinician_forms.QuestionForm)
    ]
    return forms


@pytest.mark.parametrize("form", question_forms(), ids=lambda form: form.__name__)
def test_every_form_full_to_its_limits_in_any_script_fits_max_content_length(form):
    """Text within its limits, in any script, never gets a 413 on any page."""
    assert ENCODED_BYTES_PER_CHARACTER * form_characters(form) + ALLOWANCE_BYTES <= OLD_LIMIT


@pytest.mark.parametrize("form", STEP_FORMS, ids=lambda form: form.step_id)
def test_the_allowance_holds_every_choice_and_name_of_a_step(app, form):
    """Everything but the text: every option of every question ticked, each text field
    named, the CSRF token and the save button, with room to spare."""
    with app.test_request_context():
        bound = FORMS_BY_STEP[form.step_id](formdata=None)
        pairs = [("csrf_token", bound.csrf_token.current_token), ("save_for_later", "")]
        for field in bound.questions():
            values = [o.value for o in getattr(field, "options", ())] or [""]
            pairs += [(field.name, value) for value in values]
    assert len(urlencode(pairs)) < ALLOWANCE_BYTES / 4


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("field", PATIENT_TEXT)
def test_a_100000_character_text_gets_its_fields_message_and_is_kept(patient, field, script):
    value = SCRIPTS[script] * PASTE
    response, data = post_step(patient, field, value)
    if script != "ascii":
        assert encoded_size(data) > OLD_LIMIT  # what used to be a 413
    assert response.status_code == 422
    page = soup(response)
    message = PATIENT_TEXT[field][2]
    assert error_summary(page) == [(f"#{field}", message)]
    assert words(page.select_one(f"#{field}-error")) == f"Error: {message}"
    assert typed(page, field) == value


@pytest.mark.parametrize("field", PATIENT_TEXT)
def test_every_text_field_full_and_one_100000_over_in_emoji_is_still_judged(app, patient, field):
    """The worst a step can get: 4-byte characters in every text field, each full to its
    limit, and this one a further 100,000 over."""
    step = PATIENT_TEXT[field][0]
    full = {name: "😀" * limit for name, (at, limit, _) in PATIENT_TEXT.items() if at == step}
    value = "😀" * (PATIENT_TEXT[field][1] + OVERRUN_CHARACTERS)
    response, data = post_step(patient, field, value, full)
    # all the room this step's form needs, but for the allowance for names and choices
    assert 0 < body_limit([FORMS_BY_STEP[step]]) - encoded_size(data) < ALLOWANCE_BYTES
    assert response.status_code == 422
    page = soup(response)
    message = PATIENT_TEXT[field][2]
    assert (f"#{field}", message) in error_summary(page)
    assert typed(page, field) == value


def test_a_spanish_page_answers_in_spanish(patient):
    patient.client.get("/?lang=es")  # the choice is kept in a cookie
    value = "ñ" * PASTE
    response, _ = post_step(patient, "notes", value)
    assert response.status_code == 422
    page = soup(response)
    assert error_summary(page) == [("#notes", "Las notas deben tener 1000 caracteres o menos")]
    assert typed(page, "notes") == value


def test_a_body_past_the_worked_out_limit_gets_413(app, patient):
    limit = limit_for(app, "patient.step")
    value = "é" * (limit // 6 + 1)
    response, data = post_step(patient, "notes", value)
    assert encoded_size(data) > limit
    assert response.status_code == 413
    assert words(soup(response).h1) == "That was too much to send"


def test_pages_without_free_text_keep_max_content_length(app, client):
    body = {"email": "é" * (OLD_LIMIT // 6 + 1), "password": "x"}
    assert encoded_size(body) < limit_for(app, "patient.step")
    response = client.post("/clinician/sign-in", data=body)
    assert response.status_code == 413


# --- the clinician area -----------------------------------------------------------


CLINICIAN_TEXT = {
    "notes": ("body", {}, "Note must be 5000 characters or fewer"),
    "contact-attempts": (
        "note",
        {"method": "phone", "result": "no-answer"},
        "Note must be 2000 characters or fewer",
    ),
}
CONTACT = {"wants_contact": "yes", "contact_name": "Sam Lee", "contact_phone": "+1 555 010 0199"}


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("action", CLINICIAN_TEXT)
def test_a_100000_character_clinician_note_gets_its_message_and_is_kept(
    app, signed_in, action, script
):
    reference = make_submission(app, **CONTACT)
    name, others, message = CLINICIAN_TEXT[action]
    value = SCRIPTS[script] * PASTE
    data = {**others, name: value}
    if script != "ascii":
        assert encoded_size(data) > OLD_LIMIT
    response = signed_in.post(f"/clinician/submissions/{reference}/{action}", data)
    assert response.status_code == 422
    page = soup(response)
    assert error_summary(page) == [(f"#{name}", message)]
    assert page.select_one(f"textarea#{name}").get_text() == value


def test_a_clinician_body_past_the_worked_out_limit_gets_413(app, signed_in):
    reference = make_submission(app)
    limit = limit_for(app, "clinician.add_note")
    data = {"body": "😀" * (limit // 12 + 1)}
    assert encoded_size(data) > limit
    response = signed_in.post(f"/clinician/submissions/{reference}/notes", data)
    assert response.status_code == 413
    assert words(soup(response).h1) == "That was too much to send"
