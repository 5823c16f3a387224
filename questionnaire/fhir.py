"""HL7 FHIR R4: each submission as a ``QuestionnaireResponse``, generated from the form
classes (never written twice); the codings and checks the Questionnaire shares
(``interop/definition.py`` builds that).

PHQ-9 items, their answers and the total score carry their LOINC codes; every other
answer is coded with the value the questionnaire stores. Resources are checked against
the ``fhir.resources`` R4B models (identical to R4 for these two) before they leave.
"""

from __future__ import annotations

import json
from typing import Any

from flask import current_app

from . import phq9
from .forms.catalogue import fields_by_name, question_fields
from .forms.fields import ChoiceMixin, QuestionField
from .models import Submission

FHIR_JSON = "application/fhir+json"
LOINC = "http://loinc.org"
ANSWER_SYSTEM = "urn:ketamine-screening:answer"
REFERENCE_SYSTEM = "urn:ketamine-screening:reference"
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
QUESTIONNAIRE_ID = "ketamine-screening"
TOTAL_LINK_ID = "phq9_total"

_ITEM_LOINC = {item.field: item.loinc for item in phq9.ITEMS}
_ITEM_LOINC[phq9.DIFFICULTY_FIELD] = phq9.DIFFICULTY_LOINC


def item_loinc() -> dict[str, str]:
    """The LOINC code of each PHQ-9 question, by field name."""
    return _ITEM_LOINC


def base_url() -> str:
    """The public base of the FHIR API, from the FHIR_BASE_URL setting."""
    return str(current_app.config["FHIR_BASE_URL"])


def canonical_url() -> str:
    """The Questionnaire's canonical URL: from the setting, never from the Host header."""
    return f"{base_url()}/Questionnaire/{QUESTIONNAIRE_ID}"


def _label(name: str, value: str) -> str:
    field = fields_by_name().get(name)
    return field.label_of(value) if isinstance(field, ChoiceMixin) else value


def coding(name: str, value: str, display: str | None = None) -> dict[str, str]:
    """The Coding of one answer: LOINC for the PHQ-9, our own values otherwise."""
    display = display or _label(name, value)
    if name in _ITEM_LOINC and name != "phq9_difficulty":
        return {"system": LOINC, "code": phq9.ANSWER_LOINC[value], "display": display}
    if name == "phq9_difficulty":
        return {"system": LOINC, "code": phq9.DIFFICULTY_ANSWER_LOINC[value], "display": display}
    return {"system": ANSWER_SYSTEM, "code": value, "display": display}


def _answers(field: QuestionField, value: Any) -> list[dict[str, Any]]:
    if isinstance(field, ChoiceMixin):
        values = value if isinstance(value, list) else [value]
        return [{"valueCoding": coding(field.name, str(v))} for v in values]
    if field.kind == "number":
        return [{"valueInteger": int(value)}]
    return [{"valueString": str(value)}]


def questionnaire_response(submission: Submission, canonical_url: str) -> dict[str, Any]:
    """One submission, every answer given, and the PHQ-9 total."""
    answers = submission.answers
    groups = []
    for form, fields in question_fields():
        items = [
            {"linkId": f.name, "text": f.label.text, "answer": _answers(f, answers[f.name])}
            for f in fields
            if answers.get(f.name) not in (None, "", [])
        ]
        if form.step_id == "phq9" and submission.phq9_total is not None:
            items.append(
                {
                    "linkId": TOTAL_LINK_ID,
                    "text": "PHQ-9 total score",
                    "answer": [{"valueInteger": submission.phq9_total}],
                }
            )
        if items:
            groups.append({"linkId": form.step_id, "text": form.title, "item": items})
    resource = {
        "resourceType": "QuestionnaireResponse",
        "id": submission.reference,
        "identifier": {"system": REFERENCE_SYSTEM, "value": submission.reference},
        "questionnaire": f"{canonical_url}|{submission.questionnaire_version}",
        # The patient withdrew it and its answers are gone: retracted, in FHIR's words.
        "status": "entered-in-error" if submission.withdrawn_at else "completed",
        "authored": submission.created_at.isoformat(),
    }
    if groups:  # FHIR JSON has no empty arrays
        resource["item"] = groups
    return checked("QuestionnaireResponse", resource)


def checked(resource_type: str, resource: dict[str, Any]) -> dict[str, Any]:
    """Validate against the FHIR model; raises if the resource is not valid FHIR.

    FHIR JSON forbids empty arrays and objects, which the models let through, so those
    are refused here too. The models are imported on first use: they are large, and
    most requests never need them."""
    from fhir.resources.R4B import get_fhir_model_class

    empty = empty_paths(resource)
    if empty:
        raise ValueError(f"{resource_type} has empty values at {', '.join(empty[:5])}")
    get_fhir_model_class(resource_type).model_validate(resource)
    return resource


def empty_paths(value: Any, path: str = "$") -> list[str]:
    """Where a JSON value holds an empty array, object or string (FHIR allows none)."""
    if isinstance(value, dict):
        found = [path] if not value else []
        for key, child in value.items():
            found += empty_paths(child, f"{path}.{key}")
        return found
    if isinstance(value, list):
        found = [path] if not value else []
        for index, child in enumerate(value):
            found += empty_paths(child, f"{path}[{index}]")
        return found
    return [path] if value == "" else []


def dumps(resource: dict[str, Any]) -> str:
    return json.dumps(resource, ensure_ascii=False, indent=2)
