"""The form classes keep the contract of questionnaire.md: steps, names, values."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from questionnaire.forms.catalogue import unbound
from questionnaire.forms.fields import ChoiceMixin
from questionnaire.forms.screening import STEP_FORMS, STEP_IDS, STEP_TITLES

from .examples import CONTRACT, NONE
from .html import soup, words


def test_steps_and_titles_follow_the_spec():
    assert STEP_IDS == (*CONTRACT, "check")
    assert STEP_TITLES == {
        "start": "Before you start",
        "about": "About you",
        "history": "Your depression and treatment so far",
        "phq9": "How you have been feeling (PHQ-9)",
        "health": "Your health",
        "medicines": "Medicines you take now",
        "practical": "Practical matters",
        "contact": "Would you like the clinic to contact you?",
        "check": "Check your answers",
    }


def test_field_names_and_values_follow_the_spec(app):
    with app.test_request_context():
        for form_class in STEP_FORMS:
            form = unbound(form_class)
            fields = {
                f.name: (f.values if isinstance(f, ChoiceMixin) else None) for f in form.questions()
            }
            assert fields == CONTRACT[form_class.step_id], form_class.step_id


def test_phq9_items_are_worded_as_the_published_instrument(app):
    with app.test_request_context():
        form = unbound(STEP_FORMS[3])
    assert form.phq9_1.label.text == "Little interest or pleasure in doing things"
    assert form.phq9_9.label.text == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert [o.label for o in form.phq9_1.options] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]


def test_every_choice_question_is_a_fieldset_with_a_legend(patient):
    patient.answer_all({"start": {"understand_not_diagnosis": "y", "consent_store": "y"}})
    page = soup(patient.client.get("/screening/about"))
    legend = page.select_one("fieldset legend")
    assert words(legend).startswith("Are you pregnant, breastfeeding, or planning a pregnancy")
    assert page.select_one("fieldset #pregnancy") is not None  # the radios sit in the fieldset
    assert words(page.select_one('label[for="age"]')) == "How old are you?"
    assert page.select_one("#age")["aria-describedby"] == "age-hint"
    assert len(page.select("h1")) == 1


REQUIRED_WHEN_ASKED_ONLY = {
    "phq9_difficulty",
    "ketamine_reaction",
    "medications_other",
    "contact_name",
}
OPTIONAL = {"notes", "contact_email", "contact_phone", "contact_time"}
MAX_CHARS = {
    "medications_other": 500,
    "notes": 1000,
    "contact_name": 100,
    "contact_email": 254,
    "contact_phone": 30,
}


def test_what_a_question_requires_is_in_wtforms_flags(app):
    with app.test_request_context():
        for form_class in STEP_FORMS:
            for field in unbound(form_class).questions():
                always = field.name not in REQUIRED_WHEN_ASKED_ONLY | OPTIONAL
                assert bool(field.flags.required) is always, field.name
                assert field.required_when_asked is (field.name not in OPTIONAL), field.name
                assert field.max_chars == MAX_CHARS.get(field.name), field.name


def test_every_none_of_these_stands_only_on_its_own(app):
    """The one exclusive-"none" rule holds for every checkbox group that offers it."""
    with app.test_request_context():
        groups = [
            (form_class, field)
            for form_class in STEP_FORMS
            for field in unbound(form_class).questions()
            if isinstance(field, ChoiceMixin) and NONE in field.values
        ]
        assert len(groups) == 6
        for form_class, field in groups:
            other = field.values[0]
            form = form_class(formdata=MultiDict([(field.name, other), (field.name, NONE)]))
            form.validate()
            assert field.name in {f.name for f in form.questions() if f.errors}
            assert form[field.name].errors[0].startswith("Select 'None of these' on its own")
            alone = form_class(formdata=MultiDict([(field.name, NONE)]))
            alone.validate()
            assert alone[field.name].errors == [], field.name
