"""The patient flow end to end through the test client, CSRF switched on."""

from __future__ import annotations

import random
import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from questionnaire import demo
from questionnaire.extensions import db
from questionnaire.forms.screening import QUESTIONNAIRE_VERSION
from questionnaire.models import Draft, Submission
from questionnaire.rules import RULES_VERSION, assess
from questionnaire.submissions import hash_token

from .examples import (
    NOT_RECOMMENDED_SECTIONS,
    OTHER_OPTIONS_SECTIONS,
    URGENT_SECTIONS,
    sections_without,
)
from .helpers import EXAMPLE_1, EXAMPLE_1_SECTIONS, STEPS, Patient, steps_with, text
from .html import definitions, soup, words

REFERENCE = re.compile(r"KT-[34679ACDEFGHJKMNPQRTWXY]{4}-[34679ACDEFGHJKMNPQRTWXY]{4}")


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def only_submission(app) -> Submission:
    with app.app_context():
        submissions = db.session.scalars(select(Submission)).all()
        assert len(submissions) == 1
        submission = submissions[0]
        submission.flags  # noqa: B018 (load while the session is open)
        db.session.expunge_all()
        return submission


# --- landing --------------------------------------------------------------------


def test_landing_page_says_what_the_screening_is_and_starts_it(client):
    landing = soup(client.get("/"))
    assert words(landing.h1) == "Screening for ketamine therapy for depression"
    main = words(landing.main)
    assert "adults aged 18 or over whose depression has not got better enough" in main
    assert "It is not a diagnosis" in main
    assert landing.main.find("strong", string="not a diagnosis") is not None
    assert "Only the clinic's clinicians can read them" in main
    assert landing.main.select('a[href="/screening"]')
    assert "988 Suicide & Crisis Lifeline" in words(landing.footer)  # footer crisis contacts
    assert landing.select("[data-crisis]") == []


def test_start_without_a_draft_creates_nothing_until_the_first_answer(app, client):
    response = client.get("/screening")
    assert response.status_code == 303
    assert response.location == "/screening/start"
    form = soup(client.get("/screening/start")).select_one("main form")
    assert (form["method"], form["action"], form["data-step"]) == (
        "post",
        "/screening/start",
        "start",
    )
    assert count(app, Draft) == 0


# --- full walks to each outcome -------------------------------------------------

WALKS = [
    ("discuss", {}, [], EXAMPLE_1_SECTIONS),
    (
        "not-recommended",
        {"health": {"vascular": ["aneurysm"]}},
        ["aneurysm"],
        NOT_RECOMMENDED_SECTIONS,
    ),
    ("urgent-support", {"phq9": {"phq9_9": "1"}}, [], URGENT_SECTIONS),
    (
        "other-options-first",
        {"history": {"antidepressants_tried": "1"}},
        [],
        OTHER_OPTIONS_SECTIONS,
    ),
    (
        "evaluate-first",
        {"health": {"blood_pressure": "not-controlled"}, "practical": {"ride_home": "no"}},
        ["blood-pressure", "no-ride-home"],
        sections_without("faq-insurance"),
    ),
]


@pytest.mark.parametrize(("outcome", "changes", "shown_flags", "sections"), WALKS)
def test_full_walk_to_each_outcome(app, patient, outcome, changes, shown_flags, sections):
    result = patient.complete(changes)
    page = soup(result)
    assert page.main["data-outcome"] == outcome
    assert [node["data-flag"] for node in page.select("[data-flag]")] == shown_flags
    assert [node["data-section"] for node in page.select("[data-section]")] == sections
    main = words(page.main)
    assert "This is not a diagnosis." in main
    assert "Please talk to a qualified healthcare professional" in main
    assert result.headers["Cache-Control"] == "no-store"

    submission = only_submission(app)
    assert submission.outcome == outcome
    assert submission.status == "new"
    assert words(page.select_one(".reference-code")) == submission.reference
    assert REFERENCE.fullmatch(submission.reference)
    assert submission.rules_version == RULES_VERSION
    assert submission.questionnaire_version == QUESTIONNAIRE_VERSION
    assert submission.assessment["sections"] == sections
    assert submission.created_at.tzinfo is not None
    assert count(app, Draft) == 0


def test_urgent_result_shows_the_crisis_panel_first(patient):
    page = soup(patient.complete({"phq9": {"phq9_9": "2"}}))
    [panel] = page.select("[data-crisis]")
    assert panel.find_parent("main") is page.main
    assert panel.find_next("h1") is page.main.h1  # before the heading: the first thing read
    assert panel.select_one('a[href="tel:988"]') is not None
    assert "Text HOME to 741741" in words(panel)


def test_the_submission_stores_answers_assessment_and_versions(app, patient):
    patient.complete(
        {
            "contact": {
                "wants_contact": "yes",
                "contact_name": "Sam Lee",
                "contact_email": "sam@example.com",
            }
        }
    )
    submission = only_submission(app)
    assert submission.answers["age"] == 42
    assert submission.answers["other_treatments"] == ["none"]
    assert submission.answers["medications"] == ["antidepressant"]
    assert submission.answers["contact_name"] == "Sam Lee"
    assert "notes" not in submission.answers  # left empty
    assert submission.phq9_total == 14
    assert submission.phq9_band == "moderate"
    assert submission.assessment["flags"][0]["id"] == "current-antidepressant"
    assert [(f.flag_id, f.level) for f in submission.flags] == [("current-antidepressant", "info")]
    assert (submission.contraindication_count, submission.precaution_count) == (0, 0)


def test_result_url_holds_an_unguessable_token_and_only_its_hash_is_stored(app, patient):
    patient.answer_all(steps_with())
    location = patient.submit().location
    token = location.rsplit("/", 1)[1]
    assert len(token) >= 32  # at least 128 bits
    submission = only_submission(app)
    assert submission.result_token_hash == hash_token(token)
    with app.app_context():
        row = db.session.execute(select(Submission.__table__)).one()
    assert token not in [str(v) for v in row]


def test_a_wrong_result_token_is_not_found(client):
    assert client.get("/screening/result/" + "0" * 64).status_code == 404


# --- submit exactly once --------------------------------------------------------


def test_double_submit_gives_one_submission_and_the_same_result(app, patient):
    patient.answer_all(steps_with())
    first = patient.submit()
    second = patient.submit()
    assert first.status_code == second.status_code == 303
    assert first.location == second.location
    assert count(app, Submission) == 1
    # going back to the check page says the answers were sent, with the result link
    back = patient.client.get("/screening/check")
    page = BeautifulSoup(back.get_data(as_text=True), "html.parser")
    sent = page.select_one("main [data-already-sent]")
    assert " ".join(sent.h1.get_text().split()) == "You have already sent your answers"
    assert sent.select_one("a.button")["href"] == first.location


# --- adult-only stop ------------------------------------------------------------


def confirm_age_page(response) -> BeautifulSoup:
    soup = BeautifulSoup(text(response), "html.parser")
    assert soup.select_one("form[data-step='confirm-age']") is not None
    return soup


def all_rows(app) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def test_under_18_asks_to_confirm_then_stops_and_keeps_nothing_anywhere(app, patient):
    patient.answer("start", EXAMPLE_1["start"])
    assert count(app, Draft) == 1
    response = patient.answer("about", {"age": "16", "pregnancy": "no"})
    assert (response.status_code, response.location) == (303, "/screening/confirm-age")
    assert "about" not in stored_draft_answers(app)  # the age is not stored
    soup = confirm_age_page(patient.client.get("/screening/confirm-age"))
    labels = [lbl.get_text(strip=True) for lbl in soup.select("form label")]
    assert labels == ["Yes, I am 16", "No, I want to change my age"]
    assert [i["value"] for i in soup.select("input[name='confirm_age']")] == ["yes", "no"]

    response = patient.post("/screening/confirm-age", {"confirm_age": "yes"})
    assert response.location == "/screening/adult-only"
    assert "ks_draft=;" in response.headers["Set-Cookie"]
    page = BeautifulSoup(text(patient.client.get(response.location)), "html.parser")
    assert page.main["data-outcome"] == "adult-only"
    assert page.h1.get_text() == "This screening is for adults"
    assert page.select_one("[data-next-steps]") is not None
    assert page.select_one("[data-section='consult']") is not None
    assert page.select_one("main a[href='tel:988']") is not None
    words = page.main.get_text(" ").lower()
    assert "ketamine" not in words and "esketamine" not in words  # speaks to a young person
    assert set(all_rows(app).values()) == {0}
    # and the flow starts again from the beginning
    assert patient.client.get("/screening/history").location == "/screening/start"


def test_confirm_age_without_an_answer_says_what_to_do(patient):
    patient.answer("start", EXAMPLE_1["start"])
    patient.answer("about", {"age": "16", "pregnancy": "no"})
    response = patient.post("/screening/confirm-age", {})
    assert response.status_code == 422
    soup = confirm_age_page(response)
    assert [a.get_text() for a in soup.select("[data-error-summary] a")] == [
        "Select yes if your age is right, or no to change it"
    ]


def stored_draft_answers(app) -> dict:
    with app.app_context():
        draft = db.session.scalar(select(Draft))
        return {} if draft is None else draft.answers


def test_no_on_confirm_age_returns_to_about_keeping_the_other_answer(app, patient):
    patient.answer("start", EXAMPLE_1["start"])
    patient.answer("about", {"age": "4", "pregnancy": "not-applicable"})
    response = patient.post("/screening/confirm-age", {"confirm_age": "no"})
    assert response.location == "/screening/about"
    soup = BeautifulSoup(text(patient.client.get("/screening/about")), "html.parser")
    assert soup.select_one("input[name='pregnancy'][checked]")["value"] == "not-applicable"
    assert count(app, Draft) == 1
    assert patient.answer("about", {"age": "42", "pregnancy": "no"}).location == (
        "/screening/history"
    )


def test_a_mistyped_age_from_check_loses_nothing(app, patient):
    patient.answer_all(steps_with())
    before = stored_draft_answers(app)
    response = patient.answer("about", {"age": "4", "pregnancy": "no"}, change=True)
    assert response.location == "/screening/confirm-age"
    assert stored_draft_answers(app) == before  # nothing changed, nothing deleted
    back = confirm_age_page(patient.client.get("/screening/confirm-age"))
    assert back.select_one("a.back-link")["href"] == "/screening/about?change=1"
    response = patient.post("/screening/confirm-age", {"confirm_age": "no"})
    assert response.location == "/screening/about?change=1"
    assert stored_draft_answers(app) == before
    assert patient.answer("about", {"age": "42", "pregnancy": "no"}, change=True).location == (
        "/screening/check"
    )
    assert patient.submit().status_code == 303


def test_changing_age_to_under_18_from_check_and_confirming_deletes_everything(app, patient):
    patient.answer_all(steps_with())
    patient.answer("about", {"age": "17", "pregnancy": "no"}, change=True)
    response = patient.post("/screening/confirm-age", {"confirm_age": "yes"})
    assert response.location == "/screening/adult-only"
    assert set(all_rows(app).values()) == {0}


def test_confirm_age_without_an_age_waiting_goes_back_to_the_flow(patient):
    patient.answer("start", EXAMPLE_1["start"])
    assert patient.client.get("/screening/confirm-age").location == "/screening/about"


# --- guards, back and change ----------------------------------------------------


@pytest.mark.parametrize("step", [*STEPS[1:], "check"])
def test_skipping_ahead_without_a_draft_goes_to_the_start(client, step):
    response = client.get(f"/screening/{step}")
    assert response.status_code == 303
    assert response.location == "/screening/start"


def test_skipping_ahead_goes_to_the_first_unanswered_step(patient):
    patient.answer_all(steps_with(), until="phq9")
    for step in ("health", "contact", "check"):
        response = patient.client.get(f"/screening/{step}")
        assert (response.status_code, response.location) == (303, "/screening/phq9")
    post = patient.answer("medicines", {"medications": ["none"]})
    assert (post.status_code, post.location) == (303, "/screening/phq9")
    assert patient.client.get("/screening").location == "/screening/phq9"


def test_unknown_step_is_not_found(client):
    assert client.get("/screening/nowhere").status_code == 404


def test_back_links_go_to_the_previous_step(patient):
    patient.answer_all(steps_with(), until="health")
    page = soup(patient.client.get("/screening/health"))
    back = page.select_one("a.back-link")
    assert (back["href"], words(back)) == ("/screening/phq9", "Back")
    assert "Step 5 of 9" in words(page.main)
    start = soup(patient.client.get("/screening/start"))
    assert start.select_one("a.back-link")["href"] == "/"


def test_earlier_answers_are_shown_again_when_going_back(patient):
    patient.answer_all(steps_with(), until="phq9")
    page = soup(patient.client.get("/screening/history"))
    checked = {(i["name"], i["value"]) for i in page.select("input[checked]")}
    assert checked == {
        ("diagnosed", "yes"),
        ("episode_length", "over-2-years"),
        ("antidepressants_tried", "3-or-more"),
        ("therapy", "past"),
        ("other_treatments", "none"),
    }


def test_check_page_lists_every_answer_with_change_links(patient):
    patient.answer_all(
        steps_with(
            {"medicines": {"medications": ["other", "opioid"], "medications_other": "Lithium"}}
        )
    )
    page = soup(patient.client.get("/screening/check"))
    assert words(page.h1) == "Check your answers"
    answers = definitions(page.main)
    assert answers["Age"] == "42"
    assert answers["Medicines taken now"] == "An opioid pain medicine, Another medicine"
    assert answers["Other medicines"] == "Lithium"
    assert answers["1. Little interest or pleasure in doing things"] == "More than half the days"
    changes = page.main.select("dd.summary-action a")
    assert len(changes) == len(page.main.find_all("dt"))
    age = page.main.find("dt", string="Age").find_parent().select_one("a")
    assert (age["href"], words(age)) == ("/screening/about?change=1#age", "Change age")
    form = page.main.select_one("form[data-step]")
    assert (form["action"], form["data-step"]) == ("/screening/check", "check")


def test_change_link_returns_to_check(app, patient):
    patient.answer_all(steps_with())
    page = soup(patient.client.get("/screening/practical?change=1"))
    assert page.select_one("form[data-step]")["action"] == "/screening/practical?change=1"
    assert page.select_one("a.back-link")["href"] == "/screening/check"
    response = patient.answer(
        "practical", {**EXAMPLE_1["practical"], "insurance": "no"}, change=True
    )
    assert response.location == "/screening/check"
    answers = definitions(soup(patient.client.get("/screening/check")).main)
    assert answers["Health insurance that could help pay"] == "No"


def test_changing_an_answer_drops_later_answers_that_no_longer_apply(app, patient):
    patient.answer_all(
        steps_with(
            {
                "medicines": {"medications": ["other"], "medications_other": "Lithium"},
                "contact": {
                    "wants_contact": "yes",
                    "contact_name": "Sam",
                    "contact_email": "sam@example.com",
                    "contact_time": "any",
                },
            }
        )
    )
    patient.answer(
        "medicines", {"medications": ["none"], "medications_other": "Lithium"}, change=True
    )
    patient.answer("contact", {"wants_contact": "no", "contact_name": "Sam"}, change=True)
    patient.answer(
        "phq9", {f"phq9_{n}": "0" for n in range(1, 10)} | {"phq9_difficulty": "very"}, change=True
    )
    with app.app_context():
        answers = db.session.scalar(select(Draft)).answers
    assert answers["medicines"] == {"medications": ["none"]}
    assert answers["contact"] == {"wants_contact": "no"}
    assert "phq9_difficulty" not in answers["phq9"]
    main = words(soup(patient.client.get("/screening/check")).main)
    assert "Lithium" not in main and "sam@example.com" not in main


# --- the crisis panel -----------------------------------------------------------


def crisis_panels(response) -> list:
    return soup(response).select("[data-crisis]")


def test_crisis_panel_from_the_moment_item_9_is_above_zero(patient):
    patient.answer_all(steps_with({"phq9": {"phq9_9": "3"}}), until="phq9")
    assert crisis_panels(patient.client.get("/screening/phq9")) == []
    patient.answer("phq9", steps_with({"phq9": {"phq9_9": "3"}})["phq9"])
    for step in ("health", "phq9", "about"):
        page = soup(patient.client.get(f"/screening/{step}"))
        [panel] = page.select("main [data-crisis]")
        assert panel.find_next("h1") is page.main.h1, step
    # an invalid post on the PHQ-9 page with item 9 above zero shows it too
    patient.client.get("/screening/phq9")
    invalid = patient.answer("phq9", {"phq9_9": "2"})
    assert invalid.status_code == 422
    assert len(crisis_panels(invalid)) == 1
    patient.answer_all({s: steps_with()[s] for s in STEPS[4:]})
    assert len(crisis_panels(patient.client.get("/screening/check"))) == 1


def test_crisis_panel_goes_when_item_9_is_changed_back_to_zero(patient):
    patient.answer_all(steps_with({"phq9": {"phq9_9": "1"}}), until="health")
    patient.answer("phq9", EXAMPLE_1["phq9"])
    assert crisis_panels(patient.client.get("/screening/health")) == []


# --- drafts and cookies ---------------------------------------------------------


def test_the_cookie_holds_only_an_opaque_id_and_answers_stay_on_the_server(app, patient):
    response = patient.answer("start", EXAMPLE_1["start"])
    cookie = response.headers["Set-Cookie"]
    key = re.match(r"ks_draft=([^;]+);", cookie).group(1)
    assert len(key) >= 43
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/screening" in cookie
    patient.answer("about", {"age": "42", "pregnancy": "no"})
    with app.app_context():
        draft = db.session.scalar(select(Draft))
        assert draft.key_hash != key and len(draft.key_hash) == 64
        assert draft.answers["about"] == {"age": 42, "pregnancy": "no"}
    session_cookie = patient.client.get_cookie("ks_session")
    if session_cookie is not None:
        stored = app.session_interface.get_signing_serializer(app).loads(session_cookie.value)
        assert set(stored) <= {"csrf_token"}  # nothing of the answers in the cookie


def test_an_unknown_draft_cookie_starts_afresh(client):
    client.set_cookie("ks_draft", "made-up", path="/screening")
    assert client.get("/screening/about").location == "/screening/start"


def test_an_expired_draft_is_not_continued(app, patient, monkeypatch):
    from datetime import timedelta

    from questionnaire import clock

    patient.answer("start", EXAMPLE_1["start"])
    later = clock.now() + timedelta(days=8)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert patient.client.get("/screening/about").location == "/screening/start"


# --- CSRF -----------------------------------------------------------------------


def test_a_post_without_a_csrf_token_is_refused(app, client):
    client.get("/screening/start")
    response = client.post("/screening/start", data=EXAMPLE_1["start"])
    assert response.status_code == 400
    assert "Your session timed out, your answers so far are saved" in words(soup(response).main)
    assert count(app, Draft) == 0


def test_a_post_with_a_wrong_csrf_token_is_refused(app, patient):
    patient.token()
    response = patient.client.post(
        "/screening/start", data={**EXAMPLE_1["start"], "csrf_token": "forged"}
    )
    assert response.status_code == 400
    assert count(app, Draft) == 0


def test_a_reference_code_already_taken_is_drawn_again(app, client, monkeypatch):
    from questionnaire import submissions

    from .helpers import Patient

    codes = iter(["KT-AAAA-AAAA", "KT-AAAA-AAAA", "KT-CCCC-CCCC"])
    monkeypatch.setattr(submissions, "new_reference", lambda: next(codes))
    Patient(app.test_client()).complete()
    Patient(app.test_client()).complete()
    with app.app_context():
        references = db.session.scalars(select(Submission.reference)).all()
    assert sorted(references) == ["KT-AAAA-AAAA", "KT-CCCC-CCCC"]


def test_an_adult_age_settles_a_waiting_confirmation(patient):
    patient.answer("start", EXAMPLE_1["start"])
    patient.answer("about", {"age": "16", "pregnancy": "no"})
    patient.answer("about", {"age": "61", "pregnancy": "no"})
    assert patient.client.get("/screening/confirm-age").location == "/screening/history"


@pytest.mark.parametrize("seed", [2026, 7, 11])
def test_the_demo_answers_walk_the_app_as_the_benchmark_does(app, client, seed):
    """The benchmark walks the demo data's answers step by step: they must be a valid
    screening that the app stores with the outcome the rules give."""
    answers = demo.random_answers(random.Random(seed))  # noqa: S311 (test data)
    patient = Patient(client)
    patient.answer_all(demo.as_steps(answers))
    result = client.get(patient.submit().location)
    main = BeautifulSoup(text(result), "html.parser").find("main")
    assert main["data-outcome"] == assess(answers).outcome
    assert only_submission(app).answers == answers
