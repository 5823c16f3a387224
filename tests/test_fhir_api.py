"""The FHIR API under /fhir: the Questionnaire a forms client can render safely (SDC), the
REST shape (metadata, read, search, OperationOutcome errors, CORS), and screenings that
arrive as QuestionnaireResponse resources, checked exactly like the web forms."""

from __future__ import annotations

import json
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from questionnaire.extensions import db
from questionnaire.fhir import coding, empty_paths
from questionnaire.models import Submission

from .examples import NONE_OF_THESE_FIELDS
from .helpers import EXAMPLE_1_SECTIONS, steps_with, text
from .test_validation import CASES

CANONICAL = "http://127.0.0.1:5000/fhir/Questionnaire/ketamine-screening"
FHIR_JSON = "application/fhir+json"
TEXT_FIELDS = {"notes", "medications_other", "contact_name", "contact_email", "contact_phone"}


def fhir_json(response) -> dict[str, Any]:
    assert response.mimetype == FHIR_JSON, (response.status_code, text(response)[:300])
    data = json.loads(text(response))
    assert empty_paths(data) == []  # FHIR JSON has no empty arrays, objects or strings
    return data


def definition(client) -> dict[str, Any]:
    return fhir_json(client.get("/fhir/Questionnaire/ketamine-screening"))


def every_item(items: list[dict]) -> dict[str, dict]:
    found = {}
    for item in items:
        found[item["linkId"]] = item
        found.update(every_item(item.get("item", [])))
    return found


def answer(name: str, value: str) -> dict[str, Any]:
    if name == "age":
        return (
            {"valueInteger": int(value)}
            if value.strip().lstrip("-").isdigit()
            else {"valueString": value}
        )
    if name in TEXT_FIELDS:
        return {"valueString": value}
    if name.startswith("phq9_") and value not in coded_values(name):
        # an answer that is not one of the options: sent with our own system
        return {"valueCoding": {"system": "urn:ketamine-screening:answer", "code": value}}
    return {"valueCoding": coding(name, value)}  # LOINC codes for the PHQ-9, as clients send


def coded_values(name: str) -> set[str]:
    from questionnaire import phq9

    answers = phq9.DIFFICULTY_ANSWERS if name == phq9.DIFFICULTY_FIELD else phq9.ANSWERS
    return {a.value for a in answers}


def response_for(steps: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A completed QuestionnaireResponse, as another forms client would send it."""
    groups = []
    for step, fields in steps.items():
        items = []
        for name, value in fields.items():
            values = value if isinstance(value, list) else [value]
            answers = [answer(name, v) for v in values if v not in ("", None)]
            if answers:
                items.append({"linkId": name, "answer": answers})
        if items:
            groups.append({"linkId": step, "item": items})
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{CANONICAL}|1.0",
        "status": "completed",
        "authored": "2026-12-01T10:00:00Z",
        "item": groups,
    }


def post(client, resource: Any, **headers: str):
    body = resource if isinstance(resource, str) else json.dumps(resource)
    return client.post(
        "/fhir/QuestionnaireResponse",
        data=body,
        headers={"Content-Type": FHIR_JSON, **headers},
    )


def parameters(data: dict) -> dict[str, list]:
    found: dict[str, list] = {}
    for p in data["parameter"]:
        value = p.get("part") or next(v for k, v in p.items() if k.startswith("value"))
        found.setdefault(p["name"], []).append(value)
    return found


def count_submissions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Submission))


@pytest.fixture(autouse=True)
def _wording(app):
    """The question wording is read once from the form classes, which need the app."""
    from questionnaire.forms.catalogue import fields_by_name

    with app.app_context():
        fields_by_name()


# --- the REST shape ---------------------------------------------------------------


def test_metadata_is_a_capability_statement_open_to_any_origin(client):
    from fhir.resources.R4B.capabilitystatement import CapabilityStatement

    response = client.get("/fhir/metadata")
    data = fhir_json(response)
    CapabilityStatement.model_validate(data)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    resources = {r["type"]: r for r in data["rest"][0]["resource"]}
    assert [i["code"] for i in resources["Questionnaire"]["interaction"]] == [
        "read",
        "search-type",
    ]
    assert [i["code"] for i in resources["QuestionnaireResponse"]["interaction"]] == ["create"]


def test_read_by_id_and_search_by_url(client):
    read = client.get("/fhir/Questionnaire/ketamine-screening")
    assert read.headers["Access-Control-Allow-Origin"] == "*"
    assert fhir_json(read)["url"] == CANONICAL
    for query in (f"?url={CANONICAL}", f"?url={CANONICAL}|1.0", ""):
        bundle = fhir_json(client.get(f"/fhir/Questionnaire{query}"))
        assert (bundle["type"], bundle["total"]) == ("searchset", 1), query
        assert bundle["entry"][0]["resource"]["id"] == "ketamine-screening"
    none = fhir_json(client.get("/fhir/Questionnaire?url=https://elsewhere.example/Q"))
    assert none["total"] == 0 and "entry" not in none


def test_the_canonical_url_never_follows_the_host_header(client):
    data = fhir_json(
        client.get("/fhir/Questionnaire/ketamine-screening", headers={"Host": "evil.example"})
    )
    assert data["url"] == CANONICAL
    bundle = fhir_json(client.get("/fhir/Questionnaire", headers={"Host": "evil.example"}))
    assert "evil.example" not in json.dumps(bundle)


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/fhir/Questionnaire/other", 404, "not-found"),
        ("get", "/fhir/Patient/1", 404, "not-found"),
        ("delete", "/fhir/Questionnaire/ketamine-screening", 405, "not-supported"),
        ("get", "/fhir/QuestionnaireResponse", 405, "not-supported"),
    ],
)
def test_errors_are_operation_outcomes(client, method, path, status, code):
    response = getattr(client, method)(path)
    assert response.status_code == status
    data = fhir_json(response)
    assert data["resourceType"] == "OperationOutcome"
    assert data["issue"][0]["code"] == code
    assert "<html" not in text(response)


def test_patient_data_is_never_open_to_other_origins(app, client):
    result = post(client, response_for(steps_with()))
    assert "Access-Control-Allow-Origin" not in result.headers
    assert client.get("/fhir/QuestionnaireResponse").status_code == 405


# --- the Questionnaire carries the whole screening ----------------------------------


def test_the_questionnaire_has_what_a_client_needs(client):
    data = definition(client)
    assert (data["status"], data["version"], data["date"]) == ("active", "1.0", "2026-12-01")
    assert data["publisher"] == "The clinic"
    assert data["copyright"].startswith("PHQ-9: Developed by Drs. Robert L. Spitzer")
    assert data["text"]["status"] == "generated"
    assert "Check your answers" not in data["text"]["div"]  # the steps of the form only
    assert "<li>How you have been feeling (PHQ-9)</li>" in data["text"]["div"]


def test_crisis_item_comes_first_in_the_phq9_group_when_item_9_is_above_0(client):
    phq9 = next(g for g in definition(client)["item"] if g["linkId"] == "phq9")
    crisis, stem = phq9["item"][0], phq9["item"][1]
    assert (crisis["linkId"], crisis["type"]) == ("phq9-crisis", "display")
    assert crisis["enableBehavior"] == "any"
    assert [
        (c["question"], c["operator"], c["answerCoding"]["code"]) for c in crisis["enableWhen"]
    ] == [
        ("phq9_9", "=", "LA6569-3"),
        ("phq9_9", "=", "LA6570-1"),
        ("phq9_9", "=", "LA6571-9"),
    ]
    assert "Call 988 (988 Suicide & Crisis Lifeline)." in crisis["text"]
    assert "Text HOME to 741741 (Crisis Text Line)." in crisis["text"]
    assert stem == {
        "linkId": "phq9-stem",
        "type": "display",
        "text": "Over the last 2 weeks, how often have you been bothered by any of the "
        "following problems?",
    }


def extension(item: dict, url_end: str) -> list[dict]:
    return [e for e in item.get("extension", []) if e["url"].endswith(url_end)]


def test_items_carry_their_rules(client):
    found = every_item(definition(client)["item"])
    for name in ("medications_other", "contact_name", "phq9_difficulty", "ketamine_reaction"):
        assert found[name]["required"] is True, name  # applied only while shown
    for name in ("contact_email", "contact_phone", "contact_time", "notes"):
        assert found[name]["required"] is False, name
    age = found["age"]
    assert extension(age, "/minValue")[0]["valueInteger"] == 0
    assert extension(age, "/maxValue")[0]["valueInteger"] == 120
    assert extension(age, "/entryFormat")[0]["valueString"] == "In years, for example 34"
    assert extension(found["contact_email"], "/regex")
    assert extension(found["contact_phone"], "/regex")
    control = extension(found["pregnancy"], "questionnaire-itemControl")[0]
    assert control["valueCodeableConcept"]["coding"][0]["code"] == "radio-button"
    control = extension(found["vascular"], "questionnaire-itemControl")[0]
    assert control["valueCodeableConcept"]["coding"][0]["code"] == "check-box"
    hint = found["antidepressants_tried-hint"]
    assert hint["type"] == "display" and hint["text"].startswith("Count each medicine")
    assert found["vascular-aneurysm-hint"]["text"] == (
        "Aneurysm: A bulging blood vessel in the brain, chest, belly or elsewhere"
    )
    assert found["medications-benzodiazepine-hint"]["text"] == (
        "A benzodiazepine: For example lorazepam, alprazolam or diazepam"
    )
    for name in NONE_OF_THESE_FIELDS:
        options = found[name]["answerOption"]
        exclusive = [o["valueCoding"]["code"] for o in options if extension(o, "optionExclusive")]
        assert exclusive == ["none"], name


def test_email_or_phone_and_the_total_are_expressions(client):
    data = definition(client)
    contact = next(g for g in data["item"] if g["linkId"] == "contact")
    constraint = extension(contact, "/targetConstraint")[0]["extension"]
    parts = {e["url"]: e for e in constraint}
    assert parts["human"]["valueString"] == "Enter an email address or a phone number"
    assert "contact_email" in parts["expression"]["valueExpression"]["expression"]
    total = every_item(data["item"])["phq9_total"]
    expression = extension(total, "calculatedExpression")[0]["valueExpression"]
    assert expression["language"] == "text/fhirpath"
    assert expression["expression"].endswith(".answer.value.weight().sum()")
    assert (
        "'phq9_9'" in expression["expression"] and "phq9_difficulty" not in expression["expression"]
    )


# --- screenings from another forms client -------------------------------------------


def test_worked_example_1_is_assessed_and_stored(app, client):
    response = post(client, response_for(steps_with()))
    assert response.status_code == 201
    data = fhir_json(response)
    found = parameters(data)
    assert found["outcome"] == ["discuss"]
    assert found["section"] == EXAMPLE_1_SECTIONS
    assert "crisisContact" not in found
    assert "flag" not in found  # the only flag is for clinicians
    assert found["nextStep"][-1].startswith("Please talk to a qualified healthcare professional")
    reference = found["reference"][0]
    location = response.headers["Location"]
    assert found["result"] == [location]
    page = client.get(location.removeprefix("http://localhost"))
    soup = BeautifulSoup(text(page), "html.parser")
    assert soup.main["data-outcome"] == "discuss"
    assert soup.select_one(".reference-code").get_text() == reference
    with app.app_context():
        stored = db.session.scalar(select(Submission))
        assert (stored.reference, stored.source, stored.outcome) == (reference, "fhir", "discuss")
        assert stored.answers["age"] == 42
        assert stored.answers["other_treatments"] == ["none"]


def test_the_same_response_sent_twice_is_stored_once(app, client):
    resource = response_for(steps_with())
    first = post(client, resource)
    again = post(client, resource)
    assert (first.status_code, again.status_code) == (201, 200)
    assert parameters(fhir_json(again))["reference"] == parameters(fhir_json(first))["reference"]
    assert again.headers["Location"] == first.headers["Location"]
    assert count_submissions(app) == 1


def test_an_urgent_response_carries_the_crisis_contacts(client):
    found = parameters(fhir_json(post(client, response_for(steps_with({"phq9": {"phq9_9": "3"}})))))
    assert found["outcome"] == ["urgent-support"]
    links = [next(p["valueUri"] for p in c if p["name"] == "link") for c in found["crisisContact"]]
    assert links == [
        "tel:988",
        "sms:988",
        "https://988lifeline.org/chat/",
        "sms:741741?&body=HOME",
        "tel:911",
    ]
    assert any("This form is not watched all the time" in s for s in found["nextStep"])


def test_flags_and_sections_a_patient_would_see(client):
    steps = steps_with({"health": {"vascular": ["aneurysm"]}, "practical": {"ride_home": "no"}})
    found = parameters(fhir_json(post(client, response_for(steps))))
    assert found["outcome"] == ["not-recommended"]
    flags = [
        {p["name"]: next(v for k, v in p.items() if k.startswith("value")) for p in f}
        for f in found["flag"]
    ]
    assert [(f["id"], f["level"]) for f in flags] == [
        ("aneurysm", "contraindication"),
        ("no-ride-home", "practical"),
    ]


def test_a_minors_response_is_refused_and_nothing_is_kept(app, client):
    response = post(client, response_for(steps_with({"about": {"age": "16"}})))
    assert response.status_code == 422
    issue = fhir_json(response)["issue"][0]
    assert issue["code"] == "business-rule"
    assert issue["diagnostics"] == (
        "This screening is for adults aged 18 or over. Nothing from this response was kept."
    )
    with app.app_context():
        for table in db.metadata.sorted_tables:
            assert db.session.scalar(select(func.count()).select_from(table)) == 0, table.name


@pytest.mark.parametrize(("step", "changes", "field", "message"), CASES)
def test_every_web_form_message_comes_back_as_an_operation_outcome(
    app, client, step, changes, field, message
):
    setup = {
        "history": {"other_treatments": ["ketamine"]},
        "health": {"ketamine_reaction": "no-problems"},
    }
    base = steps_with(setup if field == "ketamine_reaction" else {})
    steps = {**base, step: {**base[step], **changes}}
    response = post(client, response_for(steps))
    assert response.status_code == 422, text(response)[:500]
    issues = fhir_json(response)["issue"]
    assert {
        "severity": "error",
        "code": "invalid",
        "diagnostics": message,
        "details": {"text": message},
        "expression": [f"QuestionnaireResponse.item.where(linkId='{field}')"],
    } in issues
    assert count_submissions(app) == 0


def test_an_oversized_response_is_refused_before_it_is_read(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = post(client, response_for(steps_with()))
    assert response.status_code == 413
    assert fhir_json(response)["issue"][0]["code"] == "too-costly"
    assert count_submissions(app) == 0


MALFORMED = {
    "not json": lambda: "not json",
    "not a response": lambda: '{"resourceType": "Patient"}',
    "in progress": lambda: json.dumps({**response_for(steps_with()), "status": "in-progress"}),
    "another questionnaire": lambda: json.dumps(
        {**response_for(steps_with()), "questionnaire": "https://x.example/Q"}
    ),
    "not FHIR": lambda: json.dumps(
        {**response_for(steps_with()), "item": [{"linkId": "x", "text": ""}]}
    ),
    "plain text": lambda: json.dumps(response_for(steps_with())),
}


@pytest.mark.parametrize(
    ("case", "content_type", "status", "words"),
    [
        ("not json", FHIR_JSON, 400, "The body is not valid JSON."),
        ("not a response", FHIR_JSON, 400, "must be a QuestionnaireResponse"),
        ("in progress", FHIR_JSON, 400, "Only a completed QuestionnaireResponse"),
        ("another questionnaire", FHIR_JSON, 400, f"must answer the Questionnaire {CANONICAL}"),
        ("not FHIR", FHIR_JSON, 400, "not valid FHIR R4"),
        ("plain text", "text/plain", 415, "application/fhir+json"),
    ],
)
def test_malformed_requests_are_refused_with_a_reason(
    app, client, case, content_type, status, words
):
    body = MALFORMED[case]()
    response = client.post(
        "/fhir/QuestionnaireResponse", data=body, headers={"Content-Type": content_type}
    )
    assert response.status_code == status
    assert words in fhir_json(response)["issue"][0]["diagnostics"]
    assert count_submissions(app) == 0


def test_browsers_on_other_origins_are_refused_unless_allowed(app, client):
    resource = response_for(steps_with())
    refused = post(client, resource, Origin="https://elsewhere.example")
    assert refused.status_code == 403
    assert fhir_json(refused)["issue"][0]["code"] == "forbidden"
    assert count_submissions(app) == 0
    app.config["FHIR_ALLOWED_ORIGINS"] = ("https://forms.clinic.example",)
    preflight = client.options(
        "/fhir/QuestionnaireResponse",
        headers={"Origin": "https://forms.clinic.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://forms.clinic.example"
    assert post(client, resource, Origin="https://forms.clinic.example").status_code == 201
    assert post(client, resource, Origin="http://localhost").status_code == 200  # our own


def test_the_submit_rate_limit_applies(app, client):
    app.config["SUBMIT_RATE_LIMIT"] = "2 per minute"
    statuses = [
        post(client, response_for(steps_with({"about": {"age": str(40 + n)}}))).status_code
        for n in range(3)
    ]
    assert statuses == [201, 201, 429]


def test_a_clinician_sees_where_a_submission_came_from(app, client, signed_in):
    post(client, response_for(steps_with()))
    with app.app_context():
        reference = db.session.scalar(select(Submission.reference))
    page = BeautifulSoup(
        text(signed_in.client.get(f"/clinician/submissions/{reference}")), "html.parser"
    )
    assert page.select_one("[data-source]")["data-source"] == "fhir"
