"""HL7 FHIR R4: each submission as a ``QuestionnaireResponse``, generated from the form
classes (never written twice); the codings and checks the Questionnaire shares
(``interop/definition.py`` builds that).

PHQ-9 items, their answers and the total score carry their LOINC codes; every other
answer is coded with the value the questionnaire stores. A resource exported on its own
is checked against the ``fhir.resources`` R4B models (identical to R4 for these two)
before it leaves; the bulk exports (NDJSON, Bundle) use the same builder without that
check on each resource, and the tests validate every line of them with the models.
The question wording is read once per process, in English (the clinic's language).
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from typing import Any, Protocol

import orjson
from flask import current_app
from flask_babel import force_locale

from . import phq9
from .forms.catalogue import fields_by_name, question_fields
from .forms.fields import ChoiceMixin, QuestionField

FHIR_JSON = "application/fhir+json"
FHIR_NDJSON = "application/fhir+ndjson"  # FHIR Bulk Data: one resource per line
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


class Answered(Protocol):
    """What a QuestionnaireResponse is made from: a stored ``Submission``, or a row of
    the same columns read for a bulk export."""

    reference: str
    created_at: datetime
    withdrawn_at: datetime | None
    questionnaire_version: str
    phq9_total: int | None
    answers: dict[str, Any]
    #: The language the person answered in ("en", "es").
    language: str


class _Question:
    """How one question's answers are written, worked out once: a bulk export writes
    the same few hundred answer codings a million times."""

    __slots__ = ("choices", "field", "name", "text")

    def __init__(self, field: QuestionField) -> None:
        self.name = field.name
        self.text = str(field.label.text)
        self.field = field
        #: Each choice's ``{"valueCoding": ...}``, shared by every resource (never
        #: change one).
        self.choices: dict[str, dict[str, Any]] = (
            {str(v): {"valueCoding": coding(field.name, str(v))} for v, _ in field.choices}
            if isinstance(field, ChoiceMixin)
            else {}
        )

    def answer(self, value: Any) -> list[dict[str, Any]]:
        if self.choices:
            values = value if isinstance(value, list) else [value]
            found = [self.choices.get(str(v)) for v in values]
            if None not in found:
                return found  # type: ignore[return-value]
        return _answers(self.field, value)


@cache
def _steps() -> tuple[tuple[str, str, tuple[_Question, ...]], ...]:
    """Each step's link id and title, with its questions, read once, in English (the
    wording is translated for patient pages; the clinic's exports are in English)."""
    with force_locale("en"):
        return tuple(
            (form.step_id, str(form.title), tuple(_Question(f) for f in fields))
            for form, fields in question_fields()
        )


def questionnaire_response(
    submission: Answered, canonical_url: str, *, check: bool = True
) -> dict[str, Any]:
    """One submission, every answer given, and the PHQ-9 total.

    ``check`` validates the resource against the FHIR models (see ``checked``). A bulk
    export passes False for all but a sample: validation costs more than building, and
    the tests validate every kind of resource the builder makes."""
    answers = submission.answers
    groups = []
    for step_id, title, fields in _steps():
        items = [
            {"linkId": q.name, "text": q.text, "answer": q.answer(answers[q.name])}
            for q in fields
            if answers.get(q.name) not in (None, "", [])
        ]
        if step_id == "phq9" and submission.phq9_total is not None:
            items.append(
                {
                    "linkId": TOTAL_LINK_ID,
                    "text": "PHQ-9 total score",
                    "answer": [{"valueInteger": submission.phq9_total}],
                }
            )
        if items:
            groups.append({"linkId": step_id, "text": title, "item": items})
    resource = {
        "resourceType": "QuestionnaireResponse",
        "id": submission.reference,
        # The language the person answered in; the item texts are the clinic's English.
        "language": submission.language,
        "identifier": {"system": REFERENCE_SYSTEM, "value": submission.reference},
        "questionnaire": f"{canonical_url}|{submission.questionnaire_version}",
        # The patient withdrew it and its answers are gone: retracted, in FHIR's words.
        "status": "entered-in-error" if submission.withdrawn_at else "completed",
        "authored": submission.created_at.isoformat(),
    }
    if groups:  # FHIR JSON has no empty arrays
        resource["item"] = groups
    return checked("QuestionnaireResponse", resource) if check else resource


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


def line(resource: dict[str, Any]) -> bytes:
    """One resource as a line of NDJSON (FHIR Bulk Data): compact UTF-8, newline-ended."""
    return orjson.dumps(resource, option=orjson.OPT_APPEND_NEWLINE)
