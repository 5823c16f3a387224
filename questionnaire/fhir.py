"""HL7 FHIR R4: the questionnaire as a ``Questionnaire`` and each submission as a
``QuestionnaireResponse``, both generated from the form classes (never written twice).

PHQ-9 items, their answers and the total score carry their LOINC codes; every other
answer is coded with the value the questionnaire stores. Resources are checked against
the ``fhir.resources`` R4B models (identical to R4 for these two) before they leave.
"""

from __future__ import annotations

import json
from typing import Any

from .forms.fields import ChoiceMixin, QuestionField
from .forms.screening import (
    PHQ9_ANSWER_LOINC,
    PHQ9_DIFFICULTY_ANSWER_LOINC,
    PHQ9_DIFFICULTY_LOINC,
    PHQ9_ITEMS,
    PHQ9_PANEL_LOINC,
    PHQ9_TOTAL_LOINC,
    QUESTIONNAIRE_VERSION,
)
from .models import Submission
from .patient.summary import fields_by_name, question_fields

LOINC = "http://loinc.org"
ANSWER_SYSTEM = "urn:ketamine-screening:answer"
REFERENCE_SYSTEM = "urn:ketamine-screening:reference"
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
QUESTIONNAIRE_ID = "ketamine-screening"
TOTAL_LINK_ID = "phq9_total"

_ITEM_LOINC = {f"phq9_{i.number}": i.loinc for i in PHQ9_ITEMS}
_ITEM_LOINC["phq9_difficulty"] = PHQ9_DIFFICULTY_LOINC
_ITEM_TYPES = {
    "radio": "choice",
    "checkboxes": "choice",
    "text": "string",
    "textarea": "text",
    "number": "integer",
}


def _label(name: str, value: str) -> str:
    field = fields_by_name().get(name)
    return field.label_of(value) if isinstance(field, ChoiceMixin) else value


def coding(name: str, value: str, display: str | None = None) -> dict[str, str]:
    """The Coding of one answer: LOINC for the PHQ-9, our own values otherwise."""
    display = display or _label(name, value)
    if name in _ITEM_LOINC and name != "phq9_difficulty":
        return {"system": LOINC, "code": PHQ9_ANSWER_LOINC[value], "display": display}
    if name == "phq9_difficulty":
        return {"system": LOINC, "code": PHQ9_DIFFICULTY_ANSWER_LOINC[value], "display": display}
    return {"system": ANSWER_SYSTEM, "code": value, "display": display}


def _question_item(form: type, field: QuestionField) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": field.name,
        "text": field.label.text,
        "type": _ITEM_TYPES[field.kind],
        "required": field.required,
    }
    if field.name in _ITEM_LOINC:
        item["code"] = [
            {"system": LOINC, "code": _ITEM_LOINC[field.name], "display": field.label.text}
        ]
    if field.kind == "checkboxes":
        item["repeats"] = True
    if field.max_chars and field.kind in ("text", "textarea"):
        item["maxLength"] = field.max_chars
    if isinstance(field, ChoiceMixin):
        options = []
        for option in field.options:
            entry: dict[str, Any] = {"valueCoding": coding(field.name, option.value, option.label)}
            if field.name in _ITEM_LOINC and field.name != "phq9_difficulty":
                entry["extension"] = [{"url": ORDINAL, "valueDecimal": int(option.value)}]
            options.append(entry)
        item["answerOption"] = options
    condition = form.conditional.get(field.name)
    if condition is not None:
        item["enableWhen"] = [
            {
                "question": c.question,
                "operator": c.operator,
                "answerCoding": coding(c.question, c.answer),
            }
            for c in condition.conditions
        ]
        if len(condition.conditions) > 1:
            item["enableBehavior"] = condition.behavior
    return item


def questionnaire(canonical_url: str) -> dict[str, Any]:
    """The whole screening as one Questionnaire: a group per step, an item per field."""
    groups = []
    for form, fields in question_fields():
        group: dict[str, Any] = {
            "linkId": form.step_id,
            "text": form.title,
            "type": "group",
            "item": [_question_item(form, field) for field in fields],
        }
        if form.step_id == "phq9":
            group["code"] = [
                {
                    "system": LOINC,
                    "code": PHQ9_PANEL_LOINC,
                    "display": "PHQ-9 quick depression assessment panel",
                }
            ]
            group["prefix"] = "PHQ-9"
            group["item"].append(
                {
                    "linkId": TOTAL_LINK_ID,
                    "text": "PHQ-9 total score",
                    "type": "integer",
                    "readOnly": True,
                    "code": [
                        {
                            "system": LOINC,
                            "code": PHQ9_TOTAL_LOINC,
                            "display": "Patient Health Questionnaire 9 item total score",
                        }
                    ],
                }
            )
        groups.append(group)
    resource = {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": canonical_url,
        "version": QUESTIONNAIRE_VERSION,
        "name": "KetamineTherapyScreening",
        "title": "Screening for ketamine therapy for treatment-resistant depression",
        "status": "active",
        "subjectType": ["Patient"],
        "item": groups,
    }
    return _checked("Questionnaire", resource)


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
        "status": "completed",
        "authored": submission.created_at.isoformat(),
        "item": groups,
    }
    return _checked("QuestionnaireResponse", resource)


def _checked(resource_type: str, resource: dict[str, Any]) -> dict[str, Any]:
    """Validate against the FHIR model; raises if the resource is not valid FHIR.

    The models are imported on first use: they are large, and most requests never
    need them."""
    from fhir.resources.R4B import get_fhir_model_class

    get_fhir_model_class(resource_type).model_validate(resource)
    return resource


def dumps(resource: dict[str, Any]) -> str:
    return json.dumps(resource, ensure_ascii=False, indent=2)
