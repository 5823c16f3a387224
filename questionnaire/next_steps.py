"""What happens next, for each outcome and contact choice: the hand-off to a
professional, in words a person can act on.

The outcome comes from ``rules.py``; this module only words what follows from it and
from the clinic's settings. It never promises a call the clinic cannot make: with no
contact details, the page says so, and tells the person how to reach the clinic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .clinic import ClinicContact

CONSULT = (
    "Please talk to a qualified healthcare professional, such as your doctor or "
    "psychiatrist. Only they can tell you what treatment may suit you."
)
CONSULT_YOUNG = (
    "Please talk to a doctor about how you feel. A doctor can help you find the right support."
)
NOT_WATCHED = (
    "This form is not watched all the time, so no one may read your answers for a "
    "while. Do not wait for the clinic. If you feel unsafe now, call or text 988, or "
    "call 911."
)
NO_CONTACT_URGENT = (
    "You chose not to be contacted, so the clinic cannot contact you about these answers."
)
NOT_CONTACTED = "You chose not to be contacted, so the clinic will not get in touch with you."
OWN_DOCTOR = "You can also take or send this page to your own doctor."

#: With contact wanted: what the clinician will talk about.
TOPIC_WITH_CONTACT: Mapping[str, str] = {
    "urgent-support": "The clinic will see your answers as urgent. A clinician will try "
    "to contact you, using the details you gave.",
    "not-recommended": "A clinician will read your answers and contact you to talk "
    "about other options that may help.",
    "other-options-first": "A clinician will read your answers and contact you to talk "
    "about the treatments that are usually tried first.",
    "evaluate-first": "A clinician will read your answers and contact you to talk about "
    "the checks you may need first.",
    "discuss": "A clinician will read your answers and contact you to talk about a full "
    "evaluation.",
}
#: Without contact: how to take the next step themselves.
TOPIC_WITHOUT_CONTACT: Mapping[str, str] = {
    "urgent-support": "Please talk to a doctor or another health professional today. To "
    "talk to the clinic, contact them yourself and give them your reference code.",
    "not-recommended": "To talk about other options that may help, contact the clinic "
    "yourself and give them your reference code.",
    "other-options-first": "To talk about the treatments that are usually tried first, "
    "contact the clinic yourself and give them your reference code.",
    "evaluate-first": "To talk about the checks you may need first, contact the clinic "
    "yourself and give them your reference code.",
    "discuss": "To talk about a full evaluation, contact the clinic yourself and give "
    "them your reference code.",
}
BY_PHONE = "They will use the phone number you gave."
BY_EMAIL = "They will use the email address you gave."
BY_EITHER = "They will use the phone number or email address you gave."
RESPONSE_TIME = "The clinic aims to contact you {response_time}."
IF_NOT_HEARD = (
    "If you do not hear from the clinic, contact them yourself and give them your reference code."
)
ADULT_ONLY = (
    "We have not kept your answers, so the clinic cannot contact you about them.",
    "If you feel unsafe now, call or text 988, or call 911. You can also text HOME to "
    "741741. They are there for you at any time, day or night.",
)


@dataclass(frozen=True, slots=True)
class NextSteps:
    paragraphs: tuple[str, ...]
    #: Shown with ``data-no-contact-warning``: nobody can reach this person.
    no_contact_warning: str = ""
    #: Show the clinic's contact details here, for the person to use.
    show_clinic_contact: bool = True
    closing: str = CONSULT


def _contact_method(answers: Mapping[str, Any]) -> str:
    phone = bool((answers.get("contact_phone") or "").strip())
    email = bool((answers.get("contact_email") or "").strip())
    if phone and email:
        return BY_EITHER
    return BY_PHONE if phone else BY_EMAIL


def next_steps(outcome: str, answers: Mapping[str, Any], clinic: ClinicContact) -> NextSteps:
    """What happens next for this outcome, contact choice and clinic."""
    if outcome == "adult-only":
        return NextSteps(ADULT_ONLY, show_clinic_contact=False, closing=CONSULT_YOUNG)
    urgent = outcome == "urgent-support"
    if answers.get("wants_contact") == "yes":
        paragraphs = [NOT_WATCHED] if urgent else []
        contact = [TOPIC_WITH_CONTACT[outcome], _contact_method(answers)]
        if clinic.response_time:
            contact.append(RESPONSE_TIME.format(response_time=clinic.response_time))
        paragraphs.append(" ".join(contact))
        paragraphs.append(IF_NOT_HEARD)
        return NextSteps(tuple(paragraphs))
    if urgent:
        return NextSteps(
            (NOT_WATCHED, TOPIC_WITHOUT_CONTACT[outcome], OWN_DOCTOR),
            no_contact_warning=NO_CONTACT_URGENT,
        )
    return NextSteps((NOT_CONTACTED, TOPIC_WITHOUT_CONTACT[outcome], OWN_DOCTOR))
