"""What happens next, for each outcome and contact choice: the hand-off to a
professional, as numbered steps a person can act on.

The outcome comes from ``rules.py``; this module only words what follows from it and
from the clinic's settings. It never promises a call the clinic cannot make: with no
contact details, the page says so; an urgent result never quotes the ordinary response
time, and says first that the form is not watched all the time. When the clinic has put
no phone number, email or address on the site, nobody is told to contact it.
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
SHOW_DOCTOR = N_("Take or send this page to your own doctor, and talk to them about it.")

#: Urgent, with contact: when the clinic will try, never a response time.
URGENT_CALL = N_(
    "The clinic will see your answers as urgent. A clinician will try to reach you "
    "during the clinic's opening hours."
)
URGENT_CALL_HOURS = N_(
    "The clinic will see your answers as urgent. A clinician will try to reach you "
    "during the clinic's opening hours: %(hours)s."
)
#: Urgent, with contact, while no clinician receives urgent alerts (/readyz says so):
#: nobody may read the answers soon, so no call is promised.
URGENT_UNALERTED = N_(
    "The clinic has your answers, but no one there may read them soon, so no one may "
    "contact you soon."
)
#: With contact wanted: what the clinician will talk about.
TOPIC_WITH_CONTACT: Mapping[str, str] = {
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
        "To talk to the clinic, contact them yourself and give them your reference code."
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
HAVE_READY = N_("Before you talk to a professional, have these ready:")
HAVE_READY_ITEMS = (
    N_("the medicines you take, with their doses"),
    N_("the antidepressants and other treatments you have tried"),
    N_("your most recent blood pressure reading, if you know it"),
    N_("your reference code: %(reference)s"),
)
ADULT_ONLY = (
    N_("We have not kept your answers, so the clinic cannot contact you about them."),
    N_(
        "If you feel unsafe now, call or text 988, or call 911. You can also text HOME to "
        "741741. They are there for you at any time, day or night."
    ),
)


@dataclass(frozen=True, slots=True)
class Step:
    """One numbered step, with a list under it when it has one."""

    text: str
    items: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NextSteps:
    #: Said before the numbered steps (an urgent result's "not watched" first).
    paragraphs: tuple[str, ...]
    steps: tuple[Step, ...] = ()
    #: Shown with ``data-no-contact-warning``: nobody can reach this person.
    no_contact_warning: str = ""
    #: Show the clinic's contact details here, for the person to use.
    show_clinic_contact: bool = True
    closing: str = CONSULT

    def lines(self) -> tuple[str, ...]:
        """Every sentence in the order the page shows them (for the FHIR reply)."""
        lines = [self.no_contact_warning, *self.paragraphs]
        for step in self.steps:
            lines.append(" ".join((step.text, "; ".join(step.items))) if step.items else step.text)
        lines.append(self.closing)
        return tuple(line for line in lines if line)


def _contact_method(answers: Mapping[str, Any]) -> str:
    phone = bool((answers.get("contact_phone") or "").strip())
    email = bool((answers.get("contact_email") or "").strip())
    if phone and email:
        return _(BY_EITHER)
    return _(BY_PHONE if phone else BY_EMAIL)


def _have_ready(reference: str) -> Step:
    items = [_(item) for item in HAVE_READY_ITEMS[:-1]]
    if reference:
        items.append(_(HAVE_READY_ITEMS[-1], reference=reference))
    return Step(_(HAVE_READY), tuple(items))


def next_steps(
    outcome: str,
    answers: Mapping[str, Any],
    clinic: ClinicContact,
    reference: str = "",
    *,
    alerted: bool = True,
) -> NextSteps:
    """What happens next for this outcome, contact choice and clinic, in the page's
    language. ``reference`` goes into what to have ready; ``alerted`` is False while no
    clinician receives urgent alerts, when an urgent result promises no call."""
    if outcome == "adult-only":
        return NextSteps(
            tuple(_(text) for text in ADULT_ONLY),
            show_clinic_contact=False,
            closing=_(CONSULT_YOUNG),
        )
    urgent = outcome == "urgent-support"
    wants_contact = answers.get("wants_contact") == "yes"
    paragraphs = (_(NOT_WATCHED),) if urgent else ()
    steps: list[Step] = []
    if wants_contact and urgent and not alerted:
        steps.append(Step(_(URGENT_UNALERTED)))
        if clinic.reachable:
            steps.append(Step(_(TOPIC_WITHOUT_CONTACT[outcome])))
        steps.append(_have_ready(reference))
        if not clinic.reachable:
            steps.append(Step(_(SHOW_DOCTOR)))
        return NextSteps(paragraphs, tuple(steps), closing=_(CONSULT))
    if wants_contact:
        if urgent:
            call = _(URGENT_CALL_HOURS, hours=clinic.hours) if clinic.hours else _(URGENT_CALL)
            steps.append(Step(" ".join((call, _contact_method(answers)))))
        else:
            contact = [_(TOPIC_WITH_CONTACT[outcome]), _contact_method(answers)]
            if clinic.response_time:
                contact.append(_(RESPONSE_TIME, response_time=clinic.response_time))
            steps.append(Step(" ".join(contact)))
        steps.append(_have_ready(reference))
        if clinic.reachable:
            steps.append(Step(_(IF_NOT_HEARD)))
        return NextSteps(paragraphs, tuple(steps), closing=_(CONSULT))
    if not urgent:
        steps.append(Step(_(NOT_CONTACTED)))
    if clinic.reachable:
        steps.append(Step(_(TOPIC_WITHOUT_CONTACT[outcome])))
        steps.append(_have_ready(reference))
        steps.append(Step(_(OWN_DOCTOR)))
    else:
        steps.append(_have_ready(reference))
        steps.append(Step(_(SHOW_DOCTOR)))
    return NextSteps(
        paragraphs,
        tuple(steps),
        no_contact_warning=_(NO_CONTACT_URGENT) if urgent else "",
        closing=_(CONSULT),
    )
