"""Answers as a person reads them, worded by the form classes (never written twice): the
presenter the patient pages, the clinician pages, the exports and FHIR all read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..i18n import _l
from .fields import QuestionField
from .screening import STEP_FORMS, StepForm

NOT_ANSWERED = _l("Not answered")


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Group:
    step_id: str
    title: str
    rows: tuple[Row, ...]
    #: Statements the person agreed to, rather than answers they can change.
    agreements: bool = False


def unbound(form_class: type[StepForm]) -> StepForm:
    """A form with no data, to read its wording."""
    return form_class(formdata=None, meta={"csrf": False})


@cache
def question_fields() -> tuple[tuple[type[StepForm], tuple[QuestionField, ...]], ...]:
    """Every step with its questions, built once: the wording never changes while the
    app runs, and exports ask for it once per answer."""
    return tuple((form, tuple(unbound(form).questions())) for form in STEP_FORMS)


@cache
def fields_by_name() -> dict[str, QuestionField]:
    return {field.name: field for _, fields in question_fields() for field in fields}


def answer_groups(answers: Mapping[str, Any]) -> list[Group]:
    """Every question that applies to these answers, with the answer given."""
    groups = []
    for form_class, fields in question_fields():
        rows = tuple(
            Row(
                name=field.name,
                label=str(field.summary_label),
                value=str(NOT_ANSWERED)
                if answers.get(field.name) is None
                else str(field.display(answers[field.name])),
            )
            for field in fields
            # Shown when it applies now, or when it was answered (under earlier rules,
            # say, a question asked of everyone).
            if form_class.applies(field.name, answers) or field.name in answers
        )
        groups.append(Group(form_class.step_id, str(form_class.title), rows, form_class.agreements))
    return groups
