"""The screening questionnaire: one form per step, the single source of question wording.

Field names and option values are the contract of ``shared/spec/questionnaire.md``.
The check-answers page, the clinician view and every export read labels from here.
The wording is English, wrapped in the lazy ``_l()``: a page words it in its own
language when it is drawn (Spanish from ``translations/es``), the clinic in English.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar

from wtforms.fields.core import UnboundField

from .. import phq9
from ..i18n import _l
from .fields import (
    CheckboxGroupField,
    Option,
    QuestionForm,
    RadioGroupField,
    TextAreaField,
    TextField,
    WholeNumberField,
)
from .validators import (
    EmailAddress,
    OptionalSelect,
    PhoneNumber,
    RequiredIfAsked,
    Select,
    SelectSome,
    Text,
    Ticked,
    WholeNumber,
)

QUESTIONNAIRE_VERSION = "1.0"

NONE_OF_THESE = Option("none", _l("None of these"))
YES_NO_NOT_SURE = (
    Option("yes", _l("Yes")),
    Option("no", _l("No")),
    Option("not-sure", _l("I'm not sure")),
)


SELECT_ALL = _l("Select all that apply.")


def none_or_some(
    label: str,
    options: tuple[Option, ...],
    *,
    missing: str,
    only_none: str,
    summary_label: str,
) -> CheckboxGroupField:
    """A checkbox group that ends in "None of these", which stands only on its own (the
    one rule for every such question: here, in the page script and in FHIR)."""
    return CheckboxGroupField(
        label,
        (*options, NONE_OF_THESE),
        [SelectSome(missing, only_none)],
        hint=SELECT_ALL,
        summary_label=summary_label,
    )


@dataclass(frozen=True, slots=True)
class When:
    """One condition on another answer of the step (FHIR's enableWhen, in words)."""

    question: str
    operator: str  # "=" (equals, or ticked among a checkbox group's answers) or "!="
    answer: str

    def holds(self, answers: Mapping[str, Any]) -> bool:
        given = answers.get(self.question)
        if given is None:
            return False
        values = given if isinstance(given, list) else [given]
        if self.operator == "=":
            return self.answer in values
        return self.answer not in values


@dataclass(frozen=True, slots=True)
class AskWhen:
    """A field asked only when its conditions hold: all of them, or any one."""

    conditions: tuple[When, ...]
    behavior: str = "all"  # or "any"

    def holds(self, answers: Mapping[str, Any]) -> bool:
        results = (c.holds(answers) for c in self.conditions)
        return any(results) if self.behavior == "any" else all(results)


#: Field name → when the field is asked, given the step's other answers.
Conditions = Mapping[str, AskWhen]


class StepForm(QuestionForm):
    """One page of the questionnaire.

    A conditional question depends either on another answer of the same step (shown
    on the page and revealed by that answer) or on an answer of an earlier step (then
    the page asks it only when that earlier answer calls for it). The view hands the
    earlier steps' answers over as ``earlier``.
    """

    step_id: ClassVar[str]
    title: ClassVar[str]
    intro: ClassVar[str] = ""
    #: Fields asked only when another answer calls for them.
    conditional: ClassVar[Conditions] = {}
    #: The answers of the steps before this one.
    earlier: Mapping[str, Any] = {}
    #: A step of statements to agree to (shown as agreed, not as answers to change).
    agreements: ClassVar[bool] = False

    @classmethod
    def applies(cls, name: str, answers: Mapping[str, Any]) -> bool:
        condition = cls.conditional.get(name)
        return condition is None or condition.holds(answers)

    @classmethod
    @cache
    def field_names(cls) -> frozenset[str]:
        """The form's own question names (read once per class: drafts ask on every
        request which step is unanswered)."""
        return frozenset(
            name
            for klass in cls.__mro__
            for name, value in vars(klass).items()
            if isinstance(value, UnboundField)
        )

    @classmethod
    def depends_on_earlier(cls, name: str) -> bool:
        """True when the question hangs on an answer given on an earlier step."""
        condition = cls.conditional.get(name)
        own = cls.field_names()
        return condition is not None and any(c.question not in own for c in condition.conditions)

    @classmethod
    def missing(cls, stored: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
        """True when an earlier answer now calls for a question this step has not
        answered (ketamine ticked after "Your health" was done, say)."""
        return any(
            cls.depends_on_earlier(name) and name not in stored and cls.applies(name, answers)
            for name in cls.conditional
        )

    def given(self) -> dict[str, Any]:
        """The earlier steps' answers and this step's as posted, blanks left out: what
        decides which of its conditional questions are asked."""
        own = {f.name: f.data for f in self.questions() if f.data not in (None, "", [])}
        return {**self.earlier, **own}

    def asked(self, name: str) -> bool:
        return self.applies(name, self.given())

    def shown(self, name: str) -> bool:
        """Whether the page shows the question: a question revealed by an answer on the
        same page is always there (without JavaScript too); one that hangs on an
        earlier step only when that answer calls for it."""
        return (
            not self.depends_on_earlier(name)
            or self.applies(name, self.earlier)
            or self[name].data not in (None, "", [])
        )

    def reveal(self, name: str) -> When | None:
        """The answer on this page that reveals the question, for the page script to
        show it only once that answer is chosen (it is shown without the script)."""
        condition = self.conditional.get(name)
        if condition is None or self.depends_on_earlier(name) or len(condition.conditions) != 1:
            return None
        only = condition.conditions[0]
        return only if only.operator == "=" else None

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        # A question that is not asked is ignored, not judged.
        for field in self.questions():
            if not self.asked(field.name):
                field.errors = []
        return not any(field.errors for field in self)

    def answers(self) -> dict[str, Any]:
        """The validated answers of this step that apply, ready to store."""
        stored = {}
        for field in self.questions():
            value = field.answer()
            if value is not None:
                stored[field.name] = value
        # Answers that no longer apply (say, other medicines once "other" is unticked)
        # are dropped rather than kept out of sight.
        context = {**self.earlier, **stored}
        return {name: v for name, v in stored.items() if self.applies(name, context)}


# --- start --------------------------------------------------------------------------


class StartForm(StepForm):
    step_id = "start"
    title = _l("Before you start")
    agreements = True

    understand_not_diagnosis = CheckboxGroupField(
        _l("Screening is not a diagnosis"),
        [Option("y", _l("I understand this screening is not a diagnosis or medical advice"))],
        [
            Ticked(
                _l(
                    "Select the box to show you understand this screening is not a "
                    "diagnosis or medical advice"
                )
            )
        ],
        summary_label=_l("I understand this is not a diagnosis or medical advice"),
    )
    consent_store = CheckboxGroupField(
        _l("Storing your answers"),
        [
            Option(
                "y",
                _l(
                    "I agree that my answers are stored securely and read by the "
                    "clinic's clinicians"
                ),
            )
        ],
        [
            Ticked(
                _l(
                    "Select the box to agree that your answers are stored securely and "
                    "read by the clinic's clinicians"
                )
            )
        ],
        summary_label=_l("I agree my answers are stored and read by the clinic's clinicians"),
    )


# --- about --------------------------------------------------------------------------


class AboutForm(StepForm):
    step_id = "about"
    title = _l("About you")

    age = WholeNumberField(
        _l("How old are you?"),
        [
            WholeNumber(
                0,
                120,
                missing=_l("Enter your age in years, for example 34"),
                invalid=_l("Enter your age as a whole number, for example 34"),
                out_of_range=_l("Enter an age between 0 and 120"),
            )
        ],
        hint=_l("In years, for example 34"),
        summary_label=_l("Age"),
    )
    pregnancy = RadioGroupField(
        _l("Are you pregnant, breastfeeding, or planning a pregnancy in the next 6 months?"),
        [
            Option("yes", _l("Yes")),
            Option("no", _l("No")),
            Option("not-applicable", _l("This does not apply to me")),
            Option("prefer-not-to-say", _l("I prefer not to say")),
        ],
        [Select(_l("Select if you are pregnant, breastfeeding or planning a pregnancy"))],
        summary_label=_l("Pregnant, breastfeeding or planning a pregnancy"),
    )


# --- history ------------------------------------------------------------------------


class HistoryForm(StepForm):
    step_id = "history"
    title = _l("Your depression and treatment so far")

    diagnosed = RadioGroupField(
        _l("Has a doctor or other qualified professional told you that you have depression?"),
        YES_NO_NOT_SURE,
        [
            Select(
                _l("Select if a doctor or other professional has told you that you have depression")
            )
        ],
        summary_label=_l("Diagnosed with depression by a professional"),
    )
    episode_length = RadioGroupField(
        _l("How long has your current period of depression lasted?"),
        [
            Option("under-6-months", _l("Less than 6 months")),
            Option("6-to-12-months", _l("6 to 12 months")),
            Option("1-to-2-years", _l("1 to 2 years")),
            Option("over-2-years", _l("More than 2 years")),
        ],
        [Select(_l("Select how long your current period of depression has lasted"))],
        summary_label=_l("Current period of depression"),
    )
    antidepressants_tried = RadioGroupField(
        _l(
            "During this period, how many different antidepressant medicines have you "
            "taken that did not help enough?"
        ),
        [
            Option("0", _l("None")),
            Option("1", _l("1")),
            Option("2", _l("2")),
            Option("3-or-more", _l("3 or more")),
            Option("not-sure", _l("I'm not sure")),
        ],
        [Select(_l("Select how many antidepressant medicines you have tried"))],
        hint=_l(
            "Count each medicine you took for at least 6 weeks at the dose your "
            "prescriber gave you."
        ),
        summary_label=_l("Antidepressants tried without enough improvement"),
    )
    therapy = RadioGroupField(
        _l("Have you had talking therapy (psychotherapy) for depression?"),
        [
            Option("current", _l("Yes, I have it now")),
            Option("past", _l("Yes, in the past")),
            Option("never", _l("No, never")),
        ],
        [Select(_l("Select if you have had talking therapy for depression"))],
        summary_label=_l("Talking therapy"),
    )
    other_treatments = none_or_some(
        _l("Have you had any of these treatments for depression?"),
        (
            Option("ect", _l("Electroconvulsive therapy (ECT)")),
            Option("tms", _l("Transcranial magnetic stimulation (TMS)")),
            Option("ketamine", _l("Ketamine or esketamine")),
        ),
        missing=_l("Select the treatments you have had, or 'None of these'"),
        only_none=_l("Select 'None of these' on its own, or the treatments you have had"),
        summary_label=_l("Other treatments had"),
    )


# --- PHQ-9 --------------------------------------------------------------------------

PHQ9_OPTIONS = tuple(Option(a.value, _l(a.label)) for a in phq9.ANSWERS)


def _phq9_field(item: phq9.Item) -> RadioGroupField:
    return RadioGroupField(
        _l(item.text),
        PHQ9_OPTIONS,
        [
            Select(
                _l("Select how often you have been bothered by %(problem)s", problem=_l(item.short))
            )
        ],
        summary_label=_l("%(number)s. %(item)s", number=item.number, item=_l(item.text)),
    )


class Phq9Form(StepForm):
    step_id = "phq9"
    title = _l("How you have been feeling (PHQ-9)")
    intro = _l(phq9.STEM)

    phq9_1 = _phq9_field(phq9.ITEMS[0])
    phq9_2 = _phq9_field(phq9.ITEMS[1])
    phq9_3 = _phq9_field(phq9.ITEMS[2])
    phq9_4 = _phq9_field(phq9.ITEMS[3])
    phq9_5 = _phq9_field(phq9.ITEMS[4])
    phq9_6 = _phq9_field(phq9.ITEMS[5])
    phq9_7 = _phq9_field(phq9.ITEMS[6])
    phq9_8 = _phq9_field(phq9.ITEMS[7])
    phq9_9 = _phq9_field(phq9.ITEMS[8])
    phq9_difficulty = RadioGroupField(
        _l(phq9.DIFFICULTY_TEXT),
        [Option(a.value, _l(a.label)) for a in phq9.DIFFICULTY_ANSWERS],
        [
            RequiredIfAsked(_l("Select how difficult these problems have made things for you")),
            OptionalSelect(_l("Select how difficult these problems have made things for you")),
        ],
        hint=_l("Answer this if you chose anything other than 'Not at all' above."),
        summary_label=_l("How difficult these problems have made things"),
    )
    # Asked once any item is above "Not at all": "=" conditions only, because FHIR
    # clients treat "!=" as true before anything is answered.
    conditional: ClassVar[Conditions] = {
        "phq9_difficulty": AskWhen(
            tuple(
                When(field, "=", value) for field in phq9.FIELDS for value in phq9.ABOVE_NOT_AT_ALL
            ),
            behavior="any",
        )
    }


# --- health -------------------------------------------------------------------------


class HealthForm(StepForm):
    step_id = "health"
    title = _l("Your health")

    blood_pressure = RadioGroupField(
        _l("Has a doctor or nurse ever told you that you have high blood pressure?"),
        [
            Option("no", _l("No")),
            Option("controlled", _l("Yes, and it is well controlled")),
            Option("not-controlled", _l("Yes, and it is not well controlled")),
            Option("not-sure", _l("I'm not sure")),
        ],
        [Select(_l("Select if you have ever been told you have high blood pressure"))],
        summary_label=_l("High blood pressure"),
    )
    vascular = none_or_some(
        _l("Have you ever had any of these blood vessel problems?"),
        (
            Option(
                "aneurysm",
                _l("Aneurysm"),
                _l("A bulging blood vessel in the brain, chest, belly or elsewhere"),
            ),
            Option(
                "avm",
                _l("Arteriovenous malformation (AVM)"),
                _l("A tangle of blood vessels that formed the wrong way"),
            ),
            Option("brain-bleed", _l("Bleeding in the brain")),
        ),
        missing=_l("Select the blood vessel problems you have had, or 'None of these'"),
        only_none=_l("Select 'None of these' on its own, or the conditions you have had"),
        summary_label=_l("Blood vessel problems"),
    )
    heart_brain = none_or_some(
        _l("Have you had any of these heart or brain problems?"),
        (
            Option(
                "recent-heart",
                _l("A heart problem in the last 12 months"),
                _l("A heart attack, angina, or a heart procedure"),
            ),
            Option("stroke", _l("A stroke or mini-stroke")),
            Option("head-pressure", _l("Raised pressure in the skull, or a serious head injury")),
            Option("seizures", _l("Seizures (fits)")),
        ),
        missing=_l("Select the heart or brain problems you have had, or 'None of these'"),
        only_none=_l("Select 'None of these' on its own, or the conditions you have had"),
        summary_label=_l("Heart or brain problems"),
    )
    mental_health = none_or_some(
        _l("Have you ever had any of these?"),
        (
            Option(
                "psychosis",
                _l("Psychosis"),
                _l("Hallucinations, delusions, psychosis or schizophrenia"),
            ),
            Option("mania", _l("Bipolar disorder or episodes of mania")),
        ),
        missing=_l("Select the conditions you have had, or 'None of these'"),
        only_none=_l("Select 'None of these' on its own, or the conditions you have had"),
        summary_label=_l("Psychosis, bipolar disorder or mania"),
    )
    substance_use = RadioGroupField(
        _l("Have you had problems with alcohol or drugs?"),
        [
            Option("no", _l("No")),
            Option("past", _l("Yes, in the past")),
            Option("current", _l("Yes, now")),
            Option("prefer-not-to-say", _l("I prefer not to say")),
        ],
        [Select(_l("Select if you have had problems with alcohol or drugs"))],
        summary_label=_l("Problems with alcohol or drugs"),
    )
    other_conditions = none_or_some(
        _l("Do you have any of these conditions?"),
        (
            Option("liver", _l("Liver disease")),
            Option("glaucoma", _l("Glaucoma")),
            Option(
                "bladder",
                _l("Bladder problems"),
                _l("Interstitial cystitis or ongoing bladder pain"),
            ),
            Option("lung", _l("Serious lung problems"), _l("Severe lung disease or sleep apnoea")),
        ),
        missing=_l("Select the conditions you have, or 'None of these'"),
        only_none=_l("Select 'None of these' on its own, or the conditions you have had"),
        summary_label=_l("Other conditions"),
    )
    ketamine_reaction = RadioGroupField(
        _l("You said you have had ketamine or esketamine before. How did it go?"),
        [
            Option("no-problems", _l("I had it with no problems")),
            Option("bad-reaction", _l("I had a bad reaction")),
            Option("allergic", _l("I had an allergic reaction")),
        ],
        [
            RequiredIfAsked(_l("Select how ketamine or esketamine went for you before")),
            OptionalSelect(_l("Select how ketamine or esketamine went for you before")),
        ],
        summary_label=_l("How ketamine or esketamine went before"),
        # Asked of everyone before rules 2026.12; stored answers still read right.
        retired=(Option("never-had", _l("Not had before")),),
    )
    conditional: ClassVar[Conditions] = {
        "ketamine_reaction": AskWhen((When("other_treatments", "=", "ketamine"),))
    }


# --- medicines ----------------------------------------------------------------------


class MedicinesForm(StepForm):
    step_id = "medicines"
    title = _l("Medicines you take now")

    medications = none_or_some(
        _l("Do you take any of these medicines now?"),
        (
            Option(
                "antidepressant",
                _l("An antidepressant"),
                _l("For example sertraline, fluoxetine, citalopram, venlafaxine or mirtazapine"),
            ),
            Option(
                "maoi", _l("An MAOI"), _l("For example phenelzine, tranylcypromine or selegiline")
            ),
            Option(
                "benzodiazepine",
                _l("A benzodiazepine"),
                _l("For example lorazepam, alprazolam or diazepam"),
            ),
            Option(
                "stimulant",
                _l("A stimulant"),
                _l("ADHD medicines such as methylphenidate or amphetamine, or modafinil"),
            ),
            Option("lamotrigine", _l("Lamotrigine")),
            Option(
                "opioid",
                _l("An opioid pain medicine"),
                _l("For example codeine, tramadol, oxycodone or morphine"),
            ),
            Option("other", _l("Another medicine")),
        ),
        missing=_l("Select the medicines you take now, or 'None of these'"),
        only_none=_l("Select 'None of these' on its own, or the medicines you take"),
        summary_label=_l("Medicines taken now"),
    )
    medications_other = TextAreaField(
        _l("Other medicines"),
        [
            RequiredIfAsked(_l("Enter the names of your other medicines")),
            Text(
                500,
                too_long=_l("Other medicines must be 500 characters or fewer"),
                control=_l("Other medicines must not contain hidden control characters"),
            ),
        ],
        hint=_l("If you selected 'Another medicine', write their names here."),
        summary_label=_l("Other medicines"),
    )
    conditional: ClassVar[Conditions] = {
        "medications_other": AskWhen((When("medications", "=", "other"),))
    }


# --- practical ----------------------------------------------------------------------


class PracticalForm(StepForm):
    step_id = "practical"
    title = _l("Practical matters")

    ride_home = RadioGroupField(
        _l("Could someone take you home after each treatment?"),
        YES_NO_NOT_SURE,
        [Select(_l("Select if someone could take you home after each treatment"))],
        hint=_l("After each treatment you cannot drive until the next day, after a night's sleep."),
        summary_label=_l("Someone could take me home"),
    )
    insurance = RadioGroupField(
        _l("Do you have health insurance that could help pay for treatment?"),
        YES_NO_NOT_SURE,
        [Select(_l("Select if you have health insurance that could help pay for treatment"))],
        summary_label=_l("Health insurance that could help pay"),
    )
    format_interest = RadioGroupField(
        _l("Which type of treatment would you like to know more about?"),
        [
            Option("iv", _l("Ketamine given through a drip into a vein (IV infusion)")),
            Option("nasal-spray", _l("Esketamine nasal spray")),
            Option("not-sure", _l("I'm not sure")),
        ],
        [Select(_l("Select which type of treatment you would like to know more about"))],
        summary_label=_l("Type of treatment of interest"),
    )
    notes = TextAreaField(
        _l("Is there anything else you would like a clinician to know? (optional)"),
        [
            Text(
                1000,
                too_long=_l("Notes must be 1000 characters or fewer"),
                control=_l("Notes must not contain hidden control characters"),
            )
        ],
        summary_label=_l("Anything else for the clinician"),
    )


# --- contact ------------------------------------------------------------------------


CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone", "contact_time")


class ContactForm(StepForm):
    step_id = "contact"
    title = _l("Would you like the clinic to contact you?")

    wants_contact = RadioGroupField(
        _l("Would you like the clinic to contact you about your answers?"),
        [Option("yes", _l("Yes")), Option("no", _l("No"))],
        [Select(_l("Select if you would like the clinic to contact you"))],
        hint=_l("If you choose no, we will not keep any contact details."),
        summary_label=_l("Clinic may contact me"),
    )
    contact_name = TextField(
        _l("Your name"),
        [
            RequiredIfAsked(_l("Enter your name")),
            Text(
                100,
                too_long=_l("Name must be 100 characters or fewer"),
                control=_l("Name must not contain hidden control characters"),
            ),
        ],
        autocomplete="name",
        summary_label=_l("Name"),
    )
    contact_email = TextField(
        _l("Email address"),
        [
            Text(
                254,
                too_long=_l("Email address must be 254 characters or fewer"),
                control=_l("Email address must not contain hidden control characters"),
            ),
            EmailAddress(_l("Enter an email address in the correct format, like name@example.com")),
        ],
        input_type="email",
        autocomplete="email",
        hint=_l("Give an email address, a phone number, or both."),
        summary_label=_l("Email address"),
    )
    contact_phone = TextField(
        _l("Phone number"),
        [
            Text(
                30,
                too_long=_l("Phone number must be 30 characters or fewer"),
                control=_l("Phone number must not contain hidden control characters"),
            ),
            PhoneNumber(_l("Enter a phone number, like 01632 960 001 or +1 555 010 0199")),
        ],
        input_type="tel",
        autocomplete="tel",
        summary_label=_l("Phone number"),
    )
    contact_time = RadioGroupField(
        _l("When is the best time to contact you? (optional)"),
        [
            Option("morning", _l("Morning")),
            Option("afternoon", _l("Afternoon")),
            Option("evening", _l("Evening")),
            Option("any", _l("Any time")),
        ],
        [OptionalSelect(_l("Select a time of day that suits you"))],
        summary_label=_l("Best time to contact"),
    )

    def validate(self, extra_validators: Any = None) -> bool:
        # Contact details are ignored, not judged, when no contact is wanted.
        valid = super().validate(extra_validators)
        if not self.asked("contact_email"):
            return valid
        if (
            not self.contact_email.errors
            and not self.contact_phone.errors
            and not (self.contact_email.data or "").strip()
            and not (self.contact_phone.data or "").strip()
        ):
            self.contact_email.errors = [_l("Enter an email address or a phone number")]
            valid = False
        return valid

    conditional: ClassVar[Conditions] = {
        name: AskWhen((When("wants_contact", "=", "yes"),)) for name in CONTACT_FIELDS
    }


# --- the sequence -------------------------------------------------------------------

STEP_FORMS: tuple[type[StepForm], ...] = (
    StartForm,
    AboutForm,
    HistoryForm,
    Phq9Form,
    HealthForm,
    MedicinesForm,
    PracticalForm,
    ContactForm,
)
STEP_IDS: tuple[str, ...] = (*(f.step_id for f in STEP_FORMS), "check")
FORMS_BY_STEP: dict[str, type[StepForm]] = {f.step_id: f for f in STEP_FORMS}
STEP_TITLES: dict[str, str] = {
    **{f.step_id: f.title for f in STEP_FORMS},
    "check": _l("Check your answers"),
}
