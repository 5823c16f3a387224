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
from .i18n import N_, _

CONSULT = N_(
    "Please talk to a qualified healthcare professional, such as your doctor or "
    "psychiatrist. Only they can tell you what treatment may suit you."
)
CONSULT_YOUNG = N_(
    "Please talk to a doctor about how you feel. A doctor can help you find the right support."
)
NOT_WATCHED = N_(
    "This form is not watched all the time, so no one may read your answers for a "
    "while. Do not wait for the clinic. If you feel unsafe now, call or text 988, or "
    "call 911."
)
NO_CONTACT_URGENT = N_(
    "You chose not to be contacted, so the clinic cannot contact you about these answers."
)
NOT_CONTACTED = N_("You chose not to be contacted, so the clinic will not get in touch with you.")
OWN_DOCTOR = N_("You can also take or send this page to your own doctor.")

#: With contact wanted: what the clinician will talk about.
TOPIC_WITH_CONTACT: Mapping[str, str] = {
    "urgent-support": N_(
        "The clinic will see your answers as urgent. A clinician will try "
        "to contact you, using the details you gave."
    ),
    "not-recommended": N_(
        "A clinician will read your answers and contact you to talk "
        "about other options that may help."
    ),
    "other-options-first": N_(
        "A clinician will read your answers and contact you to talk "
        "about the treatments that are usually tried first."
    ),
    "evaluate-first": N_(
        "A clinician will read your answers and contact you to talk about "
        "the checks you may need first."
    ),
    "discuss": N_(
        "A clinician will read your answers and contact you to talk about a full evaluation."
    ),
}
#: Without contact: how to take the next step themselves.
TOPIC_WITHOUT_CONTACT: Mapping[str, str] = {
    "urgent-support": N_(
        "Please talk to a doctor or another health professional today. To "
        "talk to the clinic, contact them yourself and give them your reference code."
    ),
    "not-recommended": N_(
        "To talk about other options that may help, contact the clinic "
        "yourself and give them your reference code."
    ),
    "other-options-first": N_(
        "To talk about the treatments that are usually tried first, "
        "contact the clinic yourself and give them your reference code."
    ),
    "evaluate-first": N_(
        "To talk about the checks you may need first, contact the clinic "
        "yourself and give them your reference code."
    ),
    "discuss": N_(
        "To talk about a full evaluation, contact the clinic yourself and give "
        "them your reference code."
    ),
}
BY_PHONE = N_("They will use the phone number you gave.")
BY_EMAIL = N_("They will use the email address you gave.")
BY_EITHER = N_("They will use the phone number or email address you gave.")
RESPONSE_TIME = N_("The clinic aims to contact you %(response_time)s.")
IF_NOT_HEARD = N_(
    "If you do not hear from the clinic, contact them yourself and give them your reference code."
)
ADULT_ONLY = (
    N_("We have not kept your answers, so the clinic cannot contact you about them."),
    N_(
        "If you feel unsafe now, call or text 988, or call 911. You can also text HOME to "
        "741741. They are there for you at any time, day or night."
    ),
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
        return _(BY_EITHER)
    return _(BY_PHONE if phone else BY_EMAIL)


def _all(texts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_(text) for text in texts)


def next_steps(outcome: str, answers: Mapping[str, Any], clinic: ClinicContact) -> NextSteps:
    """What happens next for this outcome, contact choice and clinic, in the page's
    language."""
    if outcome == "adult-only":
        return NextSteps(_all(ADULT_ONLY), show_clinic_contact=False, closing=_(CONSULT_YOUNG))
    urgent = outcome == "urgent-support"
    if answers.get("wants_contact") == "yes":
        paragraphs = [_(NOT_WATCHED)] if urgent else []
        contact = [_(TOPIC_WITH_CONTACT[outcome]), _contact_method(answers)]
        if clinic.response_time:
            contact.append(_(RESPONSE_TIME, response_time=clinic.response_time))
        paragraphs.append(" ".join(contact))
        paragraphs.append(_(IF_NOT_HEARD))
        return NextSteps(tuple(paragraphs), closing=_(CONSULT))
    if urgent:
        return NextSteps(
            _all((NOT_WATCHED, TOPIC_WITHOUT_CONTACT[outcome], OWN_DOCTOR)),
            no_contact_warning=_(NO_CONTACT_URGENT),
            closing=_(CONSULT),
        )
    return NextSteps(
        _all((NOT_CONTACTED, TOPIC_WITHOUT_CONTACT[outcome], OWN_DOCTOR)), closing=_(CONSULT)
    )
