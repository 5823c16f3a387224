"""The screening as one FHIR R4 ``Questionnaire`` with the SDC extensions a forms client
needs to show it safely: generated from the form classes (never written twice).

What a client gets: the PHQ-9 stem, items and answers as published with their LOINC
codes and ordinal weights, the attribution as ``copyright``, the PHQ-9 total as a
calculated expression, a crisis message that appears as soon as item 9 is above "Not at
all", every hint, the conditions (only ``=``, which FHIR clients read as intended),
``required`` on conditional questions (applied while shown), ranges, lengths, formats,
exclusive "None of these" options, and the "email or phone" rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import force_locale
from markupsafe import escape

from .. import phq9
from ..fhir import LOINC, ORDINAL, QUESTIONNAIRE_ID, TOTAL_LINK_ID, checked, coding, item_loinc
from ..forms.catalogue import question_fields
from ..forms.fields import ChoiceMixin, QuestionField
from ..forms.screening import QUESTIONNAIRE_VERSION, StepForm
from ..forms.validators import PHONE_PATTERN
from ..i18n import N_, _

#: The date this version of the questionnaire was published.
QUESTIONNAIRE_DATE = "2026-12-01"

SD = "http://hl7.org/fhir/StructureDefinition"
SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition"
ITEM_CONTROL = f"{SD}/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
OPTION_EXCLUSIVE = f"{SD}/questionnaire-optionExclusive"
MIN_VALUE = f"{SD}/minValue"
MAX_VALUE = f"{SD}/maxValue"
REGEX = f"{SD}/regex"
ENTRY_FORMAT = f"{SD}/entryFormat"
TARGET_CONSTRAINT = f"{SD}/targetConstraint"
CALCULATED = f"{SDC}/sdc-questionnaire-calculatedExpression"
RENDERING_STYLE = f"{SD}/rendering-style"
CRISIS_STYLE = (
    "color: #8a1c1c; font-weight: bold; border-left: 6px solid #8a1c1c; padding-left: 8px;"
)

CRISIS_LINK_ID = "phq9-crisis"
STEM_LINK_ID = "phq9-stem"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
EMAIL_OR_PHONE = N_("Enter an email address or a phone number")

_CONTROLS = {"radio": "radio-button", "checkboxes": "check-box"}
_ITEM_TYPES = {
    "radio": "choice",
    "checkboxes": "choice",
    "text": "string",
    "textarea": "text",
    "number": "integer",
}


def _item_control(code: str) -> dict[str, Any]:
    return {
        "url": ITEM_CONTROL,
        "valueCodeableConcept": {"coding": [{"system": ITEM_CONTROL_SYSTEM, "code": code}]},
    }


def _display(link_id: str, text: str) -> dict[str, Any]:
    return {"linkId": link_id, "type": "display", "text": text}


def _options(field: QuestionField) -> list[dict[str, Any]]:
    options = []
    for option in field.options:  # type: ignore[attr-defined]
        entry: dict[str, Any] = {"valueCoding": coding(field.name, option.value, str(option.label))}
        extensions = []
        if field.name in phq9.FIELDS:
            extensions.append({"url": ORDINAL, "valueDecimal": int(option.value)})
        if option.value == "none" and field.kind == "checkboxes":
            extensions.append({"url": OPTION_EXCLUSIVE, "valueBoolean": True})
        if extensions:
            entry["extension"] = extensions
        options.append(entry)
    return options


def _limits(field: QuestionField) -> list[dict[str, Any]]:
    extensions = []
    if field.kind in _CONTROLS:
        extensions.append(_item_control(_CONTROLS[field.kind]))
    for validator in field.validators:
        if hasattr(validator, "low") and hasattr(validator, "high"):
            extensions.append({"url": MIN_VALUE, "valueInteger": validator.low})
            extensions.append({"url": MAX_VALUE, "valueInteger": validator.high})
    if field.name == "contact_email":
        extensions.append({"url": REGEX, "valueString": EMAIL_PATTERN})
    if field.name == "contact_phone":
        extensions.append({"url": REGEX, "valueString": PHONE_PATTERN})
    if field.kind == "number" and field.hint:
        extensions.append({"url": ENTRY_FORMAT, "valueString": field.hint})
    return extensions


def _question(form: type[StepForm], field: QuestionField) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": field.name,
        "text": str(field.label.text),
        "type": _ITEM_TYPES[field.kind],
        # Conditional questions too: FHIR applies "required" only while one is shown.
        "required": field.required_when_asked,
    }
    extensions = _limits(field)
    if extensions:
        item["extension"] = extensions
    if field.name in item_loinc():
        item["code"] = [
            {"system": LOINC, "code": item_loinc()[field.name], "display": str(field.label.text)}
        ]
    if field.kind == "checkboxes":
        item["repeats"] = True
    if field.max_chars and field.kind in ("text", "textarea"):
        item["maxLength"] = field.max_chars
    if isinstance(field, ChoiceMixin):
        item["answerOption"] = _options(field)
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
    hints = []
    if field.hint and field.kind != "number":
        hints.append(_display(f"{field.name}-hint", field.hint))
    for option in getattr(field, "options", ()):
        if option.hint:
            text = f"{option.label}: {option.hint}"
            hints.append(_display(f"{field.name}-{option.value}-hint", text))
    if hints:
        item["item"] = hints
    return item


def crisis_text(contacts: Sequence[Mapping[str, str]]) -> str:
    lines = [
        _(
            "You told us you have had thoughts of being better off dead or of hurting "
            "yourself. You deserve support now. Help is there for you right now, day or "
            "night:"
        )
    ]
    for contact in contacts:
        if contact.get("note"):
            lines.append(f"{contact['detail']} ({contact['name']}) {contact['note']}")
        else:
            lines.append(f"{contact['detail']} ({contact['name']}).")
    lines.append(_("Please talk to a doctor or another health professional today."))
    return " ".join(lines)


def _crisis_item(contacts: Sequence[Mapping[str, str]]) -> dict[str, Any]:
    """Shown first in the PHQ-9 group as soon as item 9 is above "Not at all"."""
    return {
        **_display(CRISIS_LINK_ID, crisis_text(contacts)),
        # Clients that support it show the message in bold dark red (LHC-Forms does).
        "_text": {"extension": [{"url": RENDERING_STYLE, "valueString": CRISIS_STYLE}]},
        "enableWhen": [
            {"question": "phq9_9", "operator": "=", "answerCoding": coding("phq9_9", value)}
            for value in phq9.CRISIS_ANSWERS
        ],
        "enableBehavior": "any",
    }


#: The PHQ-9 total: the sum of the weights (ordinal values) of items 1 to 9.
TOTAL_EXPRESSION = (
    "%resource.repeat(item).where(linkId in ("
    + " | ".join(f"'{link_id}'" for link_id in phq9.FIELDS)
    + ")).answer.value.weight().sum()"
)

#: With contact wanted, an email address or a phone number: the web form's rule.
CONTACT_EXPRESSION = (
    "%resource.repeat(item).where(linkId = 'wants_contact').answer.value.code contains 'yes'"
    " implies %resource.repeat(item).where(linkId = 'contact_email' or "
    "linkId = 'contact_phone').answer.exists()"
)


def _total_item() -> dict[str, Any]:
    return {
        "linkId": TOTAL_LINK_ID,
        "text": _("PHQ-9 total score"),
        "type": "integer",
        "readOnly": True,
        "code": [
            {
                "system": LOINC,
                "code": phq9.TOTAL_LOINC,
                "display": "Patient Health Questionnaire 9 item total score",
            }
        ],
        "extension": [
            {
                "url": CALCULATED,
                "valueExpression": {
                    "description": "Sum of the answers to PHQ-9 items 1 to 9",
                    "language": "text/fhirpath",
                    "expression": TOTAL_EXPRESSION,
                },
            }
        ],
    }


def _group(form: type[StepForm], fields: Sequence[QuestionField], contacts) -> dict[str, Any]:
    items = [_question(form, field) for field in fields]
    group: dict[str, Any] = {"linkId": form.step_id, "text": str(form.title), "type": "group"}
    if form.step_id == "phq9":
        group["code"] = [
            {
                "system": LOINC,
                "code": phq9.PANEL_LOINC,
                "display": "PHQ-9 quick depression assessment panel",
            }
        ]
        group["prefix"] = "PHQ-9"
        items = [
            _crisis_item(contacts),
            _display(STEM_LINK_ID, _(phq9.STEM)),
            *items,
            _total_item(),
            _display("phq9-attribution", f"PHQ-9: {_(phq9.ATTRIBUTION)}"),
        ]
    if form.step_id == "contact":
        group["extension"] = [
            {
                "url": TARGET_CONSTRAINT,
                "extension": [
                    {"url": "key", "valueId": "email-or-phone"},
                    {"url": "severity", "valueCode": "error"},
                    {
                        "url": "expression",
                        "valueExpression": {
                            "language": "text/fhirpath",
                            "expression": CONTACT_EXPRESSION,
                        },
                    },
                    {"url": "human", "valueString": _(EMAIL_OR_PHONE)},
                    {"url": "location", "valueString": "contact_email"},
                ],
            }
        ]
    group["item"] = items
    return group


def _narrative(title: str, publisher: str) -> dict[str, str]:
    steps = "".join(f"<li>{escape(str(form.title))}</li>" for form, _fields in question_fields())
    about = _(
        "A screening for adults with depression that has not improved enough with "
        "treatment. It is not a diagnosis. Its steps:"
    )
    version = _("(version %(version)s)", version=QUESTIONNAIRE_VERSION)
    div = (
        '<div xmlns="http://www.w3.org/1999/xhtml">'
        f"<p><b>{escape(title)}</b> {escape(version)}, {escape(publisher)}.</p>"
        f"<p>{escape(about)}</p>"
        f"<ol>{steps}</ol></div>"
    )
    return {"status": "generated", "div": div}


def questionnaire(
    canonical_url: str,
    publisher: str,
    contacts: Sequence[Mapping[str, str]],
    language: str = "en",
) -> dict[str, Any]:
    """The whole screening as one Questionnaire: a group per step, an item per field,
    worded in ``language`` (the same questions, codes and rules in each)."""
    with force_locale(language):
        return _questionnaire(canonical_url, publisher, contacts, language)


def _questionnaire(
    canonical_url: str, publisher: str, contacts: Sequence[Mapping[str, str]], language: str
) -> dict[str, Any]:
    title = _("Screening for ketamine therapy for treatment-resistant depression")
    resource = {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "language": language,
        "meta": {"profile": [f"{SDC}/sdc-questionnaire|3.0.0"]},
        "text": _narrative(title, publisher),
        "url": canonical_url,
        "version": QUESTIONNAIRE_VERSION,
        "name": "KetamineTherapyScreening",
        "title": title,
        "status": "active",
        "date": QUESTIONNAIRE_DATE,
        "publisher": publisher,
        "description": _(
            "Screening questions for adults considering ketamine therapy for depression "
            "that has not improved enough with treatment. Not a diagnosis: every result "
            "tells the person to talk to a qualified healthcare professional."
        ),
        "copyright": f"PHQ-9: {phq9.ATTRIBUTION} No permission is required to reproduce it.",
        "subjectType": ["Patient"],
        "item": [_group(form, fields, contacts) for form, fields in question_fields()],
    }
    return checked("Questionnaire", resource)
