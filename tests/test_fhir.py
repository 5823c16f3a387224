"""FHIR R4: the Questionnaire and QuestionnaireResponses validate with fhir.resources
(R4B models, the same as R4 for these resources) and carry the right codes."""

from __future__ import annotations

import json

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from questionnaire.forms.catalogue import unbound
from questionnaire.forms.screening import QUESTIONNAIRE_VERSION, STEP_FORMS

from .helpers import text
from .staff import audit_rows, make_submission
from .test_forms import CONTRACT

PHQ_LOINC = {
    "phq9_1": "44250-9",
    "phq9_2": "44255-8",
    "phq9_3": "44259-0",
    "phq9_4": "44254-1",
    "phq9_5": "44251-7",
    "phq9_6": "44258-2",
    "phq9_7": "44252-5",
    "phq9_8": "44253-3",
    "phq9_9": "44260-8",
    "phq9_difficulty": "69722-7",
}


def items(resource: dict) -> dict[str, dict]:
    found = {}
    for group in resource["item"]:
        for item in group.get("item", []):
            found[item["linkId"]] = item
    return found


def get_questionnaire(client) -> dict:
    response = client.get("/fhir/Questionnaire/ketamine-screening")
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    return json.loads(text(response))


def test_the_questionnaire_validates_and_has_its_version(client):
    data = get_questionnaire(client)
    model = Questionnaire.model_validate(data)
    assert model.version == QUESTIONNAIRE_VERSION
    assert data["url"] == "http://127.0.0.1:5000/fhir/Questionnaire/ketamine-screening"
    assert [g["linkId"] for g in data["item"]] == [f.step_id for f in STEP_FORMS]
    assert {g["type"] for g in data["item"]} == {"group"}


def test_link_ids_match_the_form_fields_one_to_one(app, client):
    data = get_questionnaire(client)
    with app.test_request_context():
        fields = [f.name for form in STEP_FORMS for f in unbound(form).questions()]
    expected = [name for step in CONTRACT.values() for name in step]
    assert fields == expected  # the forms still follow questionnaire.md
    link_ids = [
        item["linkId"]
        for group in data["item"]
        for item in group["item"]
        if item["type"] != "display"
    ]
    assert link_ids == [
        *fields[: fields.index("phq9_difficulty") + 1],
        "phq9_total",
        *fields[fields.index("phq9_difficulty") + 1 :],
    ]


def test_types_options_and_conditions(client):
    found = items(get_questionnaire(client))
    assert found["age"]["type"] == "integer" and found["age"]["required"] is True
    assert found["notes"]["type"] == "text" and found["notes"]["maxLength"] == 1000
    assert found["contact_email"]["type"] == "string"
    assert found["vascular"]["repeats"] is True
    assert [o["valueCoding"]["code"] for o in found["pregnancy"]["answerOption"]] == [
        "yes",
        "no",
        "not-applicable",
        "prefer-not-to-say",
    ]
    assert found["medications_other"]["enableWhen"] == [
        {
            "question": "medications",
            "operator": "=",
            "answerCoding": {
                "system": "urn:ketamine-screening:answer",
                "code": "other",
                "display": "Another medicine",
            },
        }
    ]
    assert found["contact_name"]["enableWhen"][0]["question"] == "wants_contact"
    difficulty = found["phq9_difficulty"]
    assert difficulty["enableBehavior"] == "any"
    # "=" over answers 1-3 of each item: FHIR reads "!=" as true before any answer
    assert len(difficulty["enableWhen"]) == 27
    assert {c["operator"] for c in difficulty["enableWhen"]} == {"="}
    assert found["ketamine_reaction"]["enableWhen"][0]["question"] == "other_treatments"


def test_phq9_items_and_answers_carry_their_loinc_codes(client):
    data = get_questionnaire(client)
    phq9 = next(g for g in data["item"] if g["linkId"] == "phq9")
    assert phq9["code"][0]["code"] == "44249-1"
    found = items(data)
    for link_id, loinc in PHQ_LOINC.items():
        assert found[link_id]["code"][0] == {
            "system": "http://loinc.org",
            "code": loinc,
            "display": found[link_id]["text"],
        }
    assert [o["valueCoding"]["code"] for o in found["phq9_1"]["answerOption"]] == [
        "LA6568-5",
        "LA6569-3",
        "LA6570-1",
        "LA6571-9",
    ]
    assert [o["extension"][0]["valueDecimal"] for o in found["phq9_1"]["answerOption"]] == [
        0,
        1,
        2,
        3,
    ]
    assert [o["valueCoding"]["code"] for o in found["phq9_difficulty"]["answerOption"]] == [
        "LA6572-7",
        "LA6573-5",
        "LA6575-0",
        "LA6574-3",
    ]
    assert found["phq9_total"]["code"][0]["code"] == "44261-6"
    assert found["phq9_total"]["readOnly"] is True


def test_a_submission_exports_as_a_questionnaire_response(app, signed_in):
    reference = make_submission(
        app,
        medications=["opioid", "other"],
        medications_other="Lithium",
        wants_contact="yes",
        contact_name="Sam",
        contact_email="sam@example.com",
    )
    response = signed_in.client.get(f"/clinician/submissions/{reference}/export.fhir.json")
    assert response.mimetype == "application/fhir+json"
    data = json.loads(text(response))
    model = QuestionnaireResponse.model_validate(data)
    assert model.status == "completed"
    assert data["questionnaire"] == (
        f"http://127.0.0.1:5000/fhir/Questionnaire/ketamine-screening|{QUESTIONNAIRE_VERSION}"
    )
    assert data["identifier"]["value"] == reference
    assert data["authored"].startswith("20")
    answers = items(data)
    assert answers["age"]["answer"] == [{"valueInteger": 42}]
    assert answers["phq9_1"]["answer"][0]["valueCoding"]["code"] == "LA6570-1"
    assert answers["phq9_9"]["answer"][0]["valueCoding"] == {
        "system": "http://loinc.org",
        "code": "LA6568-5",
        "display": "Not at all",
    }
    assert answers["phq9_total"]["answer"] == [{"valueInteger": 14}]
    assert [a["valueCoding"]["code"] for a in answers["medications"]["answer"]] == [
        "opioid",
        "other",
    ]
    assert answers["medications_other"]["answer"] == [{"valueString": "Lithium"}]
    assert answers["contact_email"]["answer"] == [{"valueString": "sam@example.com"}]
    assert "notes" not in answers  # not answered, so not in the response
    # every link id answered exists in the Questionnaire
    questionnaire = items(get_questionnaire(signed_in.client))
    assert set(answers) <= set(questionnaire)
    event = audit_rows(app)[-1]
    assert (event.action, event.reference, event.detail) == ("exported", reference, "fhir")


def test_the_filtered_queue_exports_as_a_bundle(app, admin_in):
    make_submission(app, status="closed")
    first = make_submission(app, phq9_9="1")
    second = make_submission(app)
    response = admin_in.client.get("/clinician/export.fhir.json?status=new")
    data = json.loads(text(response))
    bundle = Bundle.model_validate(data)
    assert bundle.type == "collection"
    references = [e["resource"]["identifier"]["value"] for e in data["entry"]]
    assert sorted(references) == sorted([first, second])
    for entry in data["entry"]:
        QuestionnaireResponse.model_validate(entry["resource"])
    totals = {
        e["resource"]["id"]: items(e["resource"])["phq9_total"]["answer"][0]["valueInteger"]
        for e in data["entry"]
    }
    assert totals == {first: 15, second: 14}
    assert audit_rows(app)[-1].detail == "fhir bundle, filters: status=new"


def test_an_empty_bundle_is_still_valid(app, admin_in):
    data = json.loads(text(admin_in.client.get("/clinician/export.fhir.json?status=closed")))
    Bundle.model_validate(data)
    assert "entry" not in data  # FHIR JSON has no empty arrays
