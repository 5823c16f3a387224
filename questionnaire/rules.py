"""Screening rules: one complete set of answers in, one assessment out.

Pure and typed: no Flask, no database, no clock. The decision tables here follow
``shared/spec/rules.md`` row for row; every threshold lives in this module only.

``answers`` maps a field name to its value: ``age`` is an ``int``, checkbox groups
are lists of strings and everything else is a string. Missing fields count as "not
given" so that the adult-only stop (which happens before most questions) can be
assessed too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from . import phq9
from .translatable import N_

RULES_VERSION = "2026.12"
#: The version every rule had when the rules were first published.
FIRST_VERSION = "2026.11.1"

Answers = Mapping[str, Any]


class Level(StrEnum):
    CONTRAINDICATION = "contraindication"
    PRECAUTION = "precaution"
    PRACTICAL = "practical"
    INFO = "info"


#: Levels a patient sees on their result page (info flags are for clinicians only).
PATIENT_LEVELS: frozenset[Level] = frozenset(
    {Level.CONTRAINDICATION, Level.PRECAUTION, Level.PRACTICAL}
)


@dataclass(frozen=True, slots=True)
class Flag:
    id: str
    level: Level
    patient_text: str
    clinician_text: str
    source: str

    @property
    def patient_visible(self) -> bool:
        return self.level in PATIENT_LEVELS

    @classmethod
    def from_dict(cls, stored: Mapping[str, str]) -> Flag:
        """A flag as a submission's assessment snapshot stored it."""
        return cls(
            id=stored["id"],
            level=Level(stored["level"]),
            patient_text=stored["patient_text"],
            clinician_text=stored["clinician_text"],
            source=stored["source"],
        )

    def to_dict(self) -> dict[str, str]:
        return {
            "id": self.id,
            "level": self.level.value,
            "patient_text": self.patient_text,
            "clinician_text": self.clinician_text,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class FlagRule:
    flag: Flag
    applies: Callable[[Answers], bool]
    #: The rules version in which this rule last changed.
    since: str


@dataclass(frozen=True, slots=True)
class Outcome:
    id: str
    title: str
    patient_text: tuple[str, ...]
    clinician_text: str
    #: When the outcome rests on flags of one level, its first sentence names how many
    #: (one form for a single flag, one with ``{count}`` for several), so the text
    #: never says "the condition named below" over a list of eleven.
    counts: Level | None = None
    one: str = ""
    many: str = ""

    def explanation(
        self, flags: Sequence[Flag], translate: Callable[[str], str] = str
    ) -> tuple[str, ...]:
        """The outcome's short explanation for the flags a person was given, each
        sentence through ``translate`` (the page's gettext) before the count goes in."""
        texts = tuple(translate(text) for text in self.patient_text)
        if self.counts is None:
            return texts
        count = sum(1 for f in flags if f.level is self.counts)
        first = translate(self.one) if count == 1 else translate(self.many).format(count=count)
        return (first, *texts)


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the rules made of one set of answers. A submission stores it (``to_dict``)
    and reads it back as it was (``from_dict``), whatever the rules say today."""

    outcome: str
    flags: tuple[Flag, ...]
    sections: tuple[str, ...]
    phq9_total: int | None
    phq9_band: str | None
    rules_version: str = RULES_VERSION

    @property
    def flag_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.flags)

    def flag(self, flag_id: str) -> Flag:
        return next(f for f in self.flags if f.id == flag_id)

    @property
    def patient_flags(self) -> tuple[Flag, ...]:
        return tuple(f for f in self.flags if f.patient_visible)

    def count(self, level: Level) -> int:
        return sum(1 for f in self.flags if f.level is level)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules_version": self.rules_version,
            "outcome": self.outcome,
            "flags": [f.to_dict() for f in self.flags],
            "sections": list(self.sections),
            "phq9_total": self.phq9_total,
            "phq9_band": self.phq9_band,
        }

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> Assessment:
        """A stored snapshot, read back with the wording it had when it was made."""
        return cls(
            outcome=stored["outcome"],
            flags=tuple(Flag.from_dict(f) for f in stored["flags"]),
            sections=tuple(stored["sections"]),
            phq9_total=stored.get("phq9_total"),
            phq9_band=stored.get("phq9_band"),
            rules_version=stored.get("rules_version", FIRST_VERSION),
        )

    def explanation(self, translate: Callable[[str], str] = str) -> tuple[str, ...]:
        """The outcome's short explanation for this assessment's flags."""
        return OUTCOMES[self.outcome].explanation(self.flags, translate)


# --- helpers over answers -------------------------------------------------------


def _has(name: str, value: str) -> Callable[[Answers], bool]:
    def check(answers: Answers) -> bool:
        chosen = answers.get(name) or ()
        return value in chosen

    return check


def _is(name: str, *values: str) -> Callable[[Answers], bool]:
    def check(answers: Answers) -> bool:
        return answers.get(name) in values

    return check


def _any(*checks: Callable[[Answers], bool]) -> Callable[[Answers], bool]:
    return lambda answers: any(check(answers) for check in checks)


# --- PHQ-9 ------------------------------------------------------------------------

ADULT_AGE = 18

# The PHQ-9's items, scoring and crisis threshold live in phq9.py; named here as the
# rules use them.
PHQ9_BAND_LABELS = phq9.BAND_LABELS
phq9_total = phq9.total
phq9_band = phq9.band
crisis_support_needed = phq9.crisis_support_needed


#: ``antidepressants_tried`` answers short of the usual definition of treatment
#: resistance (two or more adequate trials).
FEW_ANTIDEPRESSANTS = ("0", "1")
#: Treatments usually tried after antidepressants: having had one means first-line
#: treatment is behind the person, whatever they count as adequate trials.
LATER_TREATMENTS = ("ect", "tms", "ketamine")


def _had_other_treatment(answers: Answers) -> bool:
    return any(t in (answers.get("other_treatments") or ()) for t in LATER_TREATMENTS)


def is_minor(age: int) -> bool:
    return age < ADULT_AGE


def _below_moderate(answers: Answers) -> bool:
    total = phq9_total(answers)
    return total is not None and total < phq9.MODERATE_THRESHOLD


# --- flags --------------------------------------------------------------------------

LABEL = "Spravato (esketamine) US prescribing information"


def _rule(
    flag_id: str,
    level: Level,
    applies: Callable[[Answers], bool],
    patient: str,
    clinician: str,
    source: str,
    *,
    since: str = FIRST_VERSION,
) -> FlagRule:
    return FlagRule(Flag(flag_id, level, patient, clinician, source), applies, since)


CONTRA, PRECAUTION, PRACTICAL, INFO = (
    Level.CONTRAINDICATION,
    Level.PRECAUTION,
    Level.PRACTICAL,
    Level.INFO,
)

FLAG_RULES: tuple[FlagRule, ...] = (
    _rule(
        "aneurysm",
        CONTRA,
        _has("vascular", "aneurysm"),
        N_(
            "You said you have had an aneurysm (a bulging blood vessel). Ketamine-based "
            "treatments raise blood pressure for a while, so they are usually not used "
            "for people with this condition."
        ),
        "Aneurysmal vascular disease (intracranial, thoracic, abdominal aortic or "
        "peripheral arterial) reported.",
        f"{LABEL}, contraindications",
    ),
    _rule(
        "avm",
        CONTRA,
        _has("vascular", "avm"),
        N_(
            "You said you have an arteriovenous malformation (AVM). Ketamine-based "
            "treatments are usually not used for people with this condition."
        ),
        "Arteriovenous malformation reported.",
        f"{LABEL}, contraindications",
    ),
    _rule(
        "brain-bleed",
        CONTRA,
        _has("vascular", "brain-bleed"),
        N_(
            "You said you have had bleeding in the brain. Ketamine-based treatments are "
            "usually not used for people who have had this."
        ),
        "History of intracerebral haemorrhage reported.",
        f"{LABEL}, contraindications",
    ),
    _rule(
        "ketamine-allergy",
        CONTRA,
        _is("ketamine_reaction", "allergic"),
        N_(
            "You said you had an allergic reaction to ketamine or esketamine. These "
            "medicines are not used for people who are allergic to them."
        ),
        "Hypersensitivity to esketamine, ketamine or excipients reported.",
        f"{LABEL}, contraindications",
    ),
    _rule(
        "blood-pressure",
        PRECAUTION,
        _is("blood_pressure", "not-controlled"),
        N_(
            "You said your high blood pressure is not well controlled. Ketamine-based "
            "treatments raise blood pressure for a while after each dose, so a "
            "professional needs to check your blood pressure first."
        ),
        "Uncontrolled hypertension reported; BP rises transiently after dosing. "
        "Clinics require controlled BP before starting.",
        f"{LABEL}, warnings (increase in blood pressure)",
    ),
    _rule(
        "recent-heart",
        PRECAUTION,
        _has("heart_brain", "recent-heart"),
        N_(
            "You said you had a heart attack, angina or a heart procedure in the last "
            "12 months. A professional needs to look at your heart health first."
        ),
        "MI, unstable angina or cardiac procedure within 12 months reported.",
        f"{LABEL}, warnings; phase 3 trial exclusions",
    ),
    _rule(
        "stroke",
        PRECAUTION,
        _has("heart_brain", "stroke"),
        N_(
            "You said you have had a stroke or mini-stroke. A professional needs to "
            "check whether ketamine-based treatment would be safe for you."
        ),
        "History of stroke or TIA reported.",
        "Esketamine phase 3 trial exclusions",
    ),
    _rule(
        "head-pressure",
        PRECAUTION,
        _has("heart_brain", "head-pressure"),
        N_(
            "You said you have had raised pressure in the skull or a serious head "
            "injury. A professional needs to check this first."
        ),
        "Raised intracranial pressure or serious head injury reported.",
        f"{LABEL}: avoid where raised intracranial pressure is a risk",
    ),
    _rule(
        "seizures",
        PRECAUTION,
        _has("heart_brain", "seizures"),
        N_("You said you have had seizures. A professional needs to check this first."),
        "Seizure history reported.",
        "Common clinic exclusion",
    ),
    _rule(
        "psychosis",
        PRECAUTION,
        _has("mental_health", "psychosis"),
        N_(
            "You said you have had psychosis, hallucinations or delusions. Ketamine can "
            "change how you see things for a short time, so a professional needs to "
            "talk with you about this first."
        ),
        "History of psychosis or schizophrenia reported; assess carefully.",
        f"{LABEL}; APA consensus statement 2017",
    ),
    _rule(
        "mania",
        PRECAUTION,
        _has("mental_health", "mania"),
        N_(
            "You said you have bipolar disorder or have had mania. A professional needs "
            "to talk with you about this first."
        ),
        "Bipolar disorder or history of mania reported.",
        "APA consensus statement 2017; clinic practice",
    ),
    _rule(
        "substance-use",
        PRECAUTION,
        _is("substance_use", "current", "past"),
        N_(
            "You said you have had problems with alcohol or drugs. Ketamine can be "
            "misused, so a professional needs to talk with you about this first."
        ),
        "Current or past substance use problems reported; abuse and misuse risk.",
        f"{LABEL}, boxed warning (abuse and misuse)",
    ),
    _rule(
        "pregnancy",
        PRECAUTION,
        _is("pregnancy", "yes"),
        N_(
            "You said you are pregnant, breastfeeding or planning a pregnancy. "
            "Esketamine is not recommended during pregnancy or breastfeeding, so a "
            "professional needs to talk with you about this."
        ),
        "Pregnant, breastfeeding or planning pregnancy within 6 months.",
        f"{LABEL}: not recommended in pregnancy or breastfeeding",
    ),
    _rule(
        "liver",
        PRECAUTION,
        _has("other_conditions", "liver"),
        N_(
            "You said you have liver disease. The liver breaks down ketamine, so a "
            "professional needs to check this first."
        ),
        "Hepatic impairment reported.",
        f"{LABEL}: hepatic impairment",
    ),
    _rule(
        "glaucoma",
        PRECAUTION,
        _has("other_conditions", "glaucoma"),
        N_("You said you have glaucoma. A professional needs to check this first."),
        "Glaucoma reported.",
        "Esketamine phase 3 trial exclusions",
    ),
    _rule(
        "bladder",
        PRECAUTION,
        _has("other_conditions", "bladder"),
        N_(
            "You said you have bladder pain or interstitial cystitis. Ketamine can "
            "affect the bladder, so a professional needs to check this first."
        ),
        "Interstitial cystitis or ongoing bladder pain reported.",
        f"{LABEL}: cystitis",
    ),
    _rule(
        "lung",
        PRECAUTION,
        _has("other_conditions", "lung"),
        N_(
            "You said you have severe lung disease or sleep apnoea. Ketamine-based "
            "treatments can slow breathing, so a professional needs to check this first."
        ),
        "Severe lung disease or sleep apnoea reported; respiratory depression risk.",
        f"{LABEL}: respiratory depression",
    ),
    _rule(
        "ketamine-bad-reaction",
        PRECAUTION,
        _is("ketamine_reaction", "bad-reaction"),
        N_(
            "You said you had a bad reaction to ketamine or esketamine before. A "
            "professional needs to know what happened."
        ),
        "Previous adverse reaction to ketamine or esketamine reported.",
        f"Source article: safety and side effects; {LABEL}",
    ),
    _rule(
        "maoi",
        PRECAUTION,
        _has("medications", "maoi"),
        N_(
            "You take an MAOI medicine. Together with ketamine-based treatment it can "
            "raise blood pressure, so a professional needs to review it."
        ),
        "Takes an MAOI; additive blood pressure rise.",
        f"{LABEL}: MAOIs can raise blood pressure",
    ),
    _rule(
        "stimulant",
        PRECAUTION,
        _has("medications", "stimulant"),
        N_(
            "You take a stimulant medicine. Together with ketamine-based treatment it "
            "can raise blood pressure, so a professional needs to review it."
        ),
        "Takes a psychostimulant; additive blood pressure rise.",
        f"{LABEL}: psychostimulants can raise blood pressure",
    ),
    _rule(
        "benzodiazepine",
        PRECAUTION,
        _has("medications", "benzodiazepine"),
        N_(
            "You take a benzodiazepine. It can add to the sleepiness ketamine causes and "
            "may make it work less well, so a professional needs to review it."
        ),
        "Takes a benzodiazepine; additive sedation, may blunt response.",
        f"{LABEL}: CNS depressants",
    ),
    _rule(
        "opioid",
        PRECAUTION,
        _has("medications", "opioid"),
        N_(
            "You take an opioid pain medicine. Together with ketamine it can slow your "
            "breathing, so a professional needs to review it."
        ),
        "Takes an opioid; additive sedation and respiratory depression.",
        f"{LABEL}: CNS depressants, breathing",
    ),
    _rule(
        "symptoms-below-moderate",
        PRECAUTION,
        _below_moderate,
        N_(
            "Your answers about how you have been feeling give a score below the "
            "moderate range. The studies of esketamine were done with people whose "
            "depression was at least moderate, so a professional should look at your "
            "symptoms with you."
        ),
        "PHQ-9 total below 10; esketamine trials enrolled moderate-to-severe episodes "
        "(EU label: moderate to severe). The US label sets no score threshold.",
        "Esketamine phase 3 trials; EU SmPC (moderate to severe); US label sets no score",
        since="2026.12",
    ),
    _rule(
        "trd-unclear",
        PRECAUTION,
        _any(_is("diagnosed", "not-sure"), _is("antidepressants_tried", "not-sure")),
        N_(
            "You were not sure about your diagnosis or the medicines you have tried. A "
            "professional can go through your history with you."
        ),
        "Diagnosis or number of adequate antidepressant trials uncertain; "
        "treatment resistance not established.",
        "Source article: thorough evaluation and screening before starting",
    ),
    _rule(
        "fewer-antidepressants",
        PRECAUTION,
        lambda answers: (
            answers.get("antidepressants_tried") in FEW_ANTIDEPRESSANTS
            and _had_other_treatment(answers)
        ),
        N_(
            "You said fewer than two antidepressant medicines did not help enough, and "
            "that you have had ECT, TMS or ketamine. A professional can go through your "
            "treatment history with you."
        ),
        "0 or 1 adequate antidepressant trials, but ECT, TMS or ketamine before: "
        "first-line treatment is behind them; go through the history.",
        "TRD definition: two or more adequate antidepressant trials (FDA, EMA)",
        since="2026.12",
    ),
    _rule(
        "no-ride-home",
        PRACTICAL,
        _is("ride_home", "no", "not-sure"),
        N_(
            "After each treatment you cannot drive until the next day, after a night's "
            "sleep. You will need someone to take you home."
        ),
        "No confirmed ride home after sessions.",
        f"{LABEL}: no driving until the next day after restful sleep",
    ),
    _rule(
        "cost-question",
        PRACTICAL,
        _is("insurance", "no", "not-sure"),
        N_(
            "You may have costs to pay. Ask your insurer and the clinic what is covered "
            "before you start."
        ),
        "No or uncertain insurance cover; discuss costs.",
        "Source article, FAQ 6 (insurance)",
    ),
    _rule(
        "suicidal-thoughts",
        INFO,
        crisis_support_needed,
        N_(
            "You told us you have had thoughts of being better off dead or of hurting "
            "yourself. You deserve support now."
        ),
        "PHQ-9 item 9 positive: assess suicide risk urgently.",
        "PHQ-9 item 9",
    ),
    _rule(
        "lamotrigine",
        INFO,
        _has("medications", "lamotrigine"),
        N_("You take lamotrigine. A professional will review it."),
        "Takes lamotrigine; may reduce the response to ketamine.",
        "Clinic practice: lamotrigine may reduce the response",
    ),
    _rule(
        "current-antidepressant",
        INFO,
        _has("medications", "antidepressant"),
        N_("You take an antidepressant now."),
        "Takes an oral antidepressant; esketamine is used together with one.",
        f"{LABEL}: indication with an oral antidepressant",
    ),
    _rule(
        "other-medicines",
        INFO,
        _has("medications", "other"),
        N_("You listed other medicines. A professional will review them."),
        "Other medicines listed: review the list.",
        "Clinic practice",
    ),
    _rule(
        "prior-ketamine",
        INFO,
        _has("other_treatments", "ketamine"),
        N_("You have had ketamine or esketamine before."),
        "Prior ketamine or esketamine treatment.",
        "Clinic practice",
        since="2026.12",
    ),
    _rule(
        "prior-ect-tms",
        INFO,
        _any(_has("other_treatments", "ect"), _has("other_treatments", "tms")),
        N_("You have had ECT or TMS before."),
        "Prior ECT or TMS.",
        "Clinic practice",
    ),
    _rule(
        "blood-pressure-check",
        INFO,
        _is("blood_pressure", "not-sure"),
        N_("You were not sure about your blood pressure. It will be checked."),
        "Blood pressure status unknown: measure before any treatment.",
        "Clinic practice",
    ),
    _rule(
        "pregnancy-undisclosed",
        INFO,
        _is("pregnancy", "prefer-not-to-say"),
        N_("You chose not to say about pregnancy."),
        "Pregnancy status not disclosed: ask in person.",
        "Clinic practice",
    ),
    _rule(
        "substance-use-undisclosed",
        INFO,
        _is("substance_use", "prefer-not-to-say"),
        N_("You chose not to say about alcohol or drugs."),
        "Substance use not disclosed: ask in person.",
        "Clinic practice",
    ),
)

FLAGS: Mapping[str, Flag] = {rule.flag.id: rule.flag for rule in FLAG_RULES}


def raised_flags(answers: Answers) -> tuple[Flag, ...]:
    return tuple(rule.flag for rule in FLAG_RULES if rule.applies(answers))


# --- outcomes -----------------------------------------------------------------------

CONSULT = N_(
    "Please talk to a qualified healthcare professional, such as your doctor or "
    "psychiatrist. Only they can tell you what treatment may suit you."
)

OUTCOMES: Mapping[str, Outcome] = {
    o.id: o
    for o in (
        Outcome(
            "urgent-support",
            N_("Please get support now"),
            (
                N_(
                    "If you feel unsafe, please use one of the crisis contacts above now. "
                    "They are there for you at any time, day or night."
                ),
                N_("Please also talk to a doctor or another health professional today."),
            ),
            "PHQ-9 item 9 positive. Marked urgent: contact and assess suicide risk today.",
        ),
        Outcome(
            "adult-only",
            N_("This screening is for adults"),
            (
                N_(
                    "This screening is only for people aged 18 or over, so we have not "
                    "kept any of your answers."
                ),
                N_(
                    "If you are feeling low, please talk to a parent, a carer or another "
                    "adult you trust, and to a doctor. They can help you find support."
                ),
            ),
            "Under 18: the flow stops and nothing is stored.",
        ),
        Outcome(
            "not-recommended",
            N_("Ketamine therapy is usually not used with a condition you told us about"),
            (
                N_(
                    "This is not the end of the road. A professional can talk with you "
                    "about other options that may help."
                ),
            ),
            "At least one label contraindication reported.",
            counts=CONTRA,
            one=N_(
                "Ketamine-based treatments are usually not used for people with the "
                "condition listed below, because it could be unsafe."
            ),
            many=N_(
                "Ketamine-based treatments are usually not used for people with any of "
                "the {count} conditions listed below, because it could be unsafe."
            ),
        ),
        Outcome(
            "other-options-first",
            N_("Other treatments are usually tried first"),
            (
                N_(
                    "Ketamine therapy is usually tried only after other treatments have "
                    "not helped enough. These include antidepressant medicines and talking "
                    "therapy."
                ),
                N_(
                    "A professional can check how you are. They can talk with you about the "
                    "treatments that are usually tried first."
                ),
            ),
            "No diagnosis of depression, or fewer than two adequate antidepressant trials "
            "and no ECT, TMS or ketamine.",
        ),
        Outcome(
            "evaluate-first",
            N_("Some of your answers need a professional's check first"),
            (
                N_(
                    "This does not mean ketamine therapy is ruled out, and it does not "
                    "mean it is right for you. A full evaluation will tell."
                ),
            ),
            "One or more precautions need evaluation before treatment could be considered.",
            counts=PRECAUTION,
            one=N_(
                "One of your answers needs a professional to look at it before ketamine "
                "therapy could be considered. It is explained below."
            ),
            many=N_(
                "{count} of your answers need a professional to look at them before "
                "ketamine therapy could be considered. Each one is explained below."
            ),
        ),
        Outcome(
            "discuss",
            N_("Ketamine therapy may be worth talking about with a professional"),
            (
                N_(
                    "Your answers suggest that ketamine therapy may be worth talking about "
                    "with a qualified professional."
                ),
                N_(
                    "They will do a full evaluation first. Only they can say whether it "
                    "could suit you."
                ),
            ),
            "No contraindication or precaution reported; history consistent with TRD.",
        ),
    )
}


def _outcome(answers: Answers, flags: Sequence[Flag]) -> str:
    ids = {f.id for f in flags}
    levels = {f.level for f in flags}
    age = answers.get("age")
    if "suicidal-thoughts" in ids:
        return "urgent-support"
    if age is not None and is_minor(int(age)):
        return "adult-only"
    if Level.CONTRAINDICATION in levels:
        return "not-recommended"
    if answers.get("diagnosed") == "no" or (
        answers.get("antidepressants_tried") in FEW_ANTIDEPRESSANTS
        and list(answers.get("other_treatments") or ()) == ["none"]
    ):
        return "other-options-first"
    if Level.PRECAUTION in levels:
        return "evaluate-first"
    return "discuss"


# --- educational sections -----------------------------------------------------------

SECTION_ORDER: tuple[str, ...] = (
    "what-is-ketamine",
    "how-it-works",
    "rapid-relief",
    "efficacy",
    "safety",
    "integration",
    "faq-fda",
    "faq-duration",
    "faq-safe",
    "faq-medications",
    "faq-sessions",
    "faq-insurance",
    "consult",
)
ALWAYS_SECTIONS: frozenset[str] = frozenset({"what-is-ketamine", "safety", "consult"})
_EXPLORING = frozenset({"discuss", "evaluate-first"})


def _section_applies(section: str, outcome: str, answers: Answers, flags: Sequence[Flag]) -> bool:
    ids = {f.id for f in flags}
    levels = {f.level for f in flags}
    medications = answers.get("medications") or []
    rules: dict[str, bool] = {
        "how-it-works": outcome in _EXPLORING,
        "rapid-relief": outcome in _EXPLORING,
        "efficacy": outcome in _EXPLORING,
        "integration": outcome == "other-options-first"
        or answers.get("therapy") == "current"
        or "antidepressant" in medications,
        "faq-fda": outcome in _EXPLORING or answers.get("format_interest") in ("iv", "nasal-spray"),
        "faq-duration": outcome in _EXPLORING,
        "faq-safe": bool(levels & {Level.CONTRAINDICATION, Level.PRECAUTION}),
        "faq-medications": bool(medications) and list(medications) != ["none"],
        "faq-sessions": outcome in _EXPLORING,
        "faq-insurance": "cost-question" in ids or outcome == "discuss",
    }
    return section in ALWAYS_SECTIONS or rules.get(section, False)


def _sections(outcome: str, answers: Answers, flags: Sequence[Flag]) -> tuple[str, ...]:
    if outcome == "adult-only":
        return ("consult",)
    if outcome == "urgent-support":
        return tuple(s for s in SECTION_ORDER if s in ALWAYS_SECTIONS)
    return tuple(s for s in SECTION_ORDER if _section_applies(s, outcome, answers, flags))


# --- entry point --------------------------------------------------------------------


def assess(answers: Answers) -> Assessment:
    """Assess one set of answers. Never a diagnosis and never a treatment decision."""
    flags = raised_flags(answers)
    outcome = _outcome(answers, flags)
    total = phq9_total(answers)
    return Assessment(
        outcome=outcome,
        flags=tuple(flags),
        sections=_sections(outcome, answers, flags),
        phq9_total=total,
        phq9_band=None if total is None else phq9_band(total),
    )
