"""Rules 2026.12: the ketamine question is asked only of people who had ketamine
before, follows changes of the earlier answer, and an older stored ``never-had`` still
reads as "Not had before" everywhere."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select

from questionnaire.extensions import db
from questionnaire.fhir import questionnaire_response
from questionnaire.forms.catalogue import answer_groups
from questionnaire.models import Draft

from .helpers import steps_with, text

KETAMINE = {"history": {"other_treatments": ["ketamine"]}}


def radio_names(response) -> set[str]:
    soup = BeautifulSoup(text(response), "html.parser")
    return {i["name"] for i in soup.select('form[data-step] input[type="radio"]')}


def stored(app, step: str) -> dict:
    with app.app_context():
        return db.session.scalar(select(Draft)).answers[step]


def test_not_asked_without_ketamine_before_and_not_stored_even_if_posted(app, patient):
    patient.answer_all(steps_with(), until="health")
    assert "ketamine_reaction" not in radio_names(patient.client.get("/screening/health"))
    response = patient.answer("health", {**steps_with()["health"], "ketamine_reaction": "allergic"})
    assert response.status_code == 303
    assert "ketamine_reaction" not in stored(app, "health")


def test_asked_and_required_after_ketamine_before(app, patient):
    patient.answer_all(steps_with(KETAMINE), until="health")
    page = patient.client.get("/screening/health")
    soup = BeautifulSoup(text(page), "html.parser")
    legend = soup.select_one("#ketamine_reaction").find_parent("fieldset").legend
    assert legend.get_text(strip=True) == (
        "You said you have had ketamine or esketamine before. How did it go?"
    )
    values = [i["value"] for i in soup.select('input[name="ketamine_reaction"]')]
    assert values == ["no-problems", "bad-reaction", "allergic"]

    response = patient.answer("health", steps_with()["health"])
    assert response.status_code == 422
    soup = BeautifulSoup(text(response), "html.parser")
    assert [a.get_text() for a in soup.select("[data-error-summary] a")] == [
        "Select how ketamine or esketamine went for you before"
    ]
    response = patient.answer(
        "health", {**steps_with()["health"], "ketamine_reaction": "no-problems"}
    )
    assert response.status_code == 303
    assert stored(app, "health")["ketamine_reaction"] == "no-problems"


def test_unticking_ketamine_later_drops_the_answer(app, patient):
    steps = steps_with(KETAMINE)
    steps["health"]["ketamine_reaction"] = "bad-reaction"
    patient.answer_all(steps)
    assert stored(app, "health")["ketamine_reaction"] == "bad-reaction"
    response = patient.answer("history", steps_with()["history"], change=True)
    assert response.location == "/screening/check"
    assert "ketamine_reaction" not in stored(app, "health")


def test_ticking_ketamine_from_check_asks_the_question_before_sending(app, patient):
    patient.answer_all(steps_with())
    response = patient.answer("history", steps_with(KETAMINE)["history"], change=True)
    # The new question's step opens as a change from the check page...
    assert response.location == "/screening/health?change=1"
    # Check, submit and the step's Back link (to check) send the person to the
    # question until it is answered, still as a change that returns to check.
    assert patient.client.get("/screening/check").location == "/screening/health?change=1"
    assert patient.submit().location == "/screening/health?change=1"
    answered = patient.answer(
        "health", {**steps_with()["health"], "ketamine_reaction": "no-problems"}, True
    )
    # ...and returns straight to the check page, not through medicines and the rest.
    assert answered.location == "/screening/check"
    assert patient.client.get("/screening/check").status_code == 200


def test_a_stored_never_had_reads_as_not_had_before():
    answers = {"other_treatments": ["none"], "ketamine_reaction": "never-had"}
    rows = {row.name: row for group in answer_groups(answers) for row in group.rows}
    assert rows["ketamine_reaction"].value == "Not had before"
    # A new submission without the question shows no row for it.
    rows = {
        row.name for group in answer_groups({"other_treatments": ["none"]}) for row in group.rows
    }
    assert "ketamine_reaction" not in rows


def test_a_stored_never_had_in_fhir_reads_as_not_had_before(app, patient):
    patient.complete()
    with app.test_request_context():
        from questionnaire.models import Submission

        submission = db.session.scalar(select(Submission))
        submission.answers = {**submission.answers, "ketamine_reaction": "never-had"}
        resource = questionnaire_response(submission, "https://clinic.example/fhir/Questionnaire")
    items = [i for group in resource["item"] for i in group.get("item", [])]
    answer = next(i for i in items if i["linkId"] == "ketamine_reaction")["answer"][0]
    assert answer["valueCoding"]["code"] == "never-had"
    assert answer["valueCoding"]["display"] == "Not had before"
