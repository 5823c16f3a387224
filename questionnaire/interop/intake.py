"""Screenings that arrive as FHIR ``QuestionnaireResponse`` resources from another forms
client: read back into the fields the web forms know, and checked by those same forms,
so the same answers get the same messages and are stored the same way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from .. import phq9
from ..fhir import LOINC
from ..forms.catalogue import fields_by_name
from ..forms.screening import STEP_FORMS, StepForm


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a response: where (a linkId, or None) and what."""

    message: str
    link_id: str | None = None
    code: str = "invalid"


@dataclass(slots=True)
class Intake:
    answers: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


#: LOINC answer codes of the PHQ-9 back to the values the forms store.
_FROM_LOINC: dict[str, dict[str, str]] = {
    **{field: {a.loinc: a.value for a in phq9.ANSWERS} for field in phq9.FIELDS},
    phq9.DIFFICULTY_FIELD: {a.loinc: a.value for a in phq9.DIFFICULTY_ANSWERS},
}


def _answer_values(link_id: str, item: Mapping[str, Any]) -> Iterator[str]:
    for answer in item.get("answer") or ():
        if not isinstance(answer, Mapping):
            continue
        if isinstance(answer.get("valueCoding"), Mapping):
            code = str(answer["valueCoding"].get("code", ""))
            if answer["valueCoding"].get("system") == LOINC:
                code = _FROM_LOINC.get(link_id, {}).get(code, code)
            yield code
        for key in ("valueInteger", "valueString"):
            if key in answer:
                yield str(answer[key])


def _items(items: Any) -> Iterator[Mapping[str, Any]]:
    """Every item, at any depth (inside groups and under answers)."""
    for item in items or ():
        if not isinstance(item, Mapping):
            continue
        yield item
        yield from _items(item.get("item"))
        for answer in item.get("answer") or ():
            if isinstance(answer, Mapping):
                yield from _items(answer.get("item"))


def posted_values(resource: Mapping[str, Any]) -> MultiDict:
    """The response's answers as the web forms receive them: one value per answer,
    keyed by field name. Items that are not questions of ours are ignored, as unknown
    form fields are."""
    known = fields_by_name()
    data: MultiDict = MultiDict()
    for item in _items(resource.get("item")):
        link_id = item.get("linkId")
        if link_id in known:
            for value in _answer_values(link_id, item):
                data.add(link_id, value)
    return data


def read(resource: Mapping[str, Any]) -> Intake:
    """Check every step's answers with its form, as if each page had been posted."""
    posted = posted_values(resource)
    intake = Intake()
    for form_class in STEP_FORMS:
        form = _form(form_class, posted, intake.answers)
        if form.validate():
            intake.answers.update(form.answers())
            continue
        for question in form.questions():
            if question.errors:
                intake.problems.append(Problem(str(question.errors[0]), question.name))
    return intake


def _form(form_class: type[StepForm], posted: MultiDict, earlier: dict[str, Any]) -> StepForm:
    own = form_class.field_names()
    formdata = MultiDict([(k, v) for k, v in posted.items(multi=True) if k in own])
    form = form_class(formdata=formdata, meta={"csrf": False})
    form.earlier = dict(earlier)
    return form
