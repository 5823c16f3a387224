"""The rules in words, for clinicians: what raises each flag, when each outcome and
section applies, the source, and the rules version each changed in; and the changelog.

Pure, like ``rules.py``: the decisions are made there, this module only describes
them. ``tests/test_rulebook.py`` keeps the two in step (every flag, outcome and section
described once, versions known).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .rules import (
    FIRST_VERSION,
    FLAG_RULES,
    SECTION_ORDER,
)


@dataclass(frozen=True, slots=True)
class RuleEntry:
    id: str
    level: str
    when: str
    source: str
    since: str


FLAG_WHEN: Mapping[str, str] = {
    "aneurysm": "Blood vessel problems include an aneurysm",
    "avm": "Blood vessel problems include an arteriovenous malformation",
    "brain-bleed": "Blood vessel problems include bleeding in the brain",
    "ketamine-allergy": "Ketamine or esketamine before: an allergic reaction",
    "blood-pressure": "High blood pressure that is not well controlled",
    "recent-heart": "Heart attack, angina or a heart procedure in the last 12 months",
    "stroke": "Stroke or mini-stroke",
    "head-pressure": "Raised pressure in the skull or a serious head injury",
    "seizures": "Seizures",
    "psychosis": "Psychosis, hallucinations, delusions or schizophrenia",
    "mania": "Bipolar disorder or episodes of mania",
    "substance-use": "Problems with alcohol or drugs, now or in the past",
    "pregnancy": "Pregnant, breastfeeding or planning a pregnancy in the next 6 months",
    "liver": "Liver disease",
    "glaucoma": "Glaucoma",
    "bladder": "Interstitial cystitis or ongoing bladder pain",
    "lung": "Severe lung disease or sleep apnoea",
    "ketamine-bad-reaction": "Ketamine or esketamine before: a bad reaction",
    "maoi": "Takes an MAOI",
    "stimulant": "Takes a stimulant",
    "benzodiazepine": "Takes a benzodiazepine",
    "opioid": "Takes an opioid",
    "symptoms-below-moderate": "PHQ-9 total below 10",
    "trd-unclear": "Not sure of the diagnosis, or of the antidepressants tried",
    "fewer-antidepressants": "0 or 1 antidepressants tried, and ECT, TMS or ketamine before",
    "no-ride-home": "No one, or not sure anyone, could take them home",
    "cost-question": "No health insurance, or not sure",
    "suicidal-thoughts": "PHQ-9 item 9 answered 1, 2 or 3 (makes the outcome urgent-support)",
    "lamotrigine": "Takes lamotrigine",
    "current-antidepressant": "Takes an antidepressant",
    "other-medicines": "Takes another medicine (listed)",
    "prior-ketamine": "Other treatments include ketamine or esketamine",
    "prior-ect-tms": "Other treatments include ECT or TMS",
    "blood-pressure-check": "Not sure about high blood pressure",
    "pregnancy-undisclosed": "Prefers not to say about pregnancy",
    "substance-use-undisclosed": "Prefers not to say about alcohol or drugs",
}

#: Outcomes in the order they are tried: the first that applies wins.
OUTCOME_RULES: tuple[RuleEntry, ...] = (
    RuleEntry("urgent-support", "1", "Flag suicidal-thoughts", "PHQ-9 item 9", FIRST_VERSION),
    RuleEntry(
        "adult-only",
        "2",
        "Age under 18 (the flow stops at About you; nothing is stored)",
        "Esketamine is not approved for people under 18",
        FIRST_VERSION,
    ),
    RuleEntry(
        "not-recommended",
        "3",
        "Any contraindication flag",
        "Spravato (esketamine) US prescribing information, contraindications",
        FIRST_VERSION,
    ),
    RuleEntry(
        "other-options-first",
        "4",
        "Not diagnosed with depression, or 0 or 1 antidepressants tried while other "
        "treatments is 'None of these'",
        "TRD definition: two or more adequate antidepressant trials (FDA, EMA)",
        "2026.12",
    ),
    RuleEntry(
        "evaluate-first",
        "5",
        "Any precaution flag",
        "Source article: thorough evaluation and screening before starting",
        FIRST_VERSION,
    ),
    RuleEntry(
        "discuss",
        "6",
        "None of the above",
        "Source article: consult a qualified healthcare professional",
        FIRST_VERSION,
    ),
)

_EXPLORING = "Outcome discuss or evaluate-first"
SECTION_WHEN: Mapping[str, str] = {
    "what-is-ketamine": "Always",
    "how-it-works": _EXPLORING,
    "rapid-relief": _EXPLORING,
    "efficacy": _EXPLORING,
    "safety": "Always",
    "integration": "Outcome other-options-first, or talking therapy now, or takes an "
    "antidepressant",
    "faq-fda": f"{_EXPLORING}, or interested in IV or nasal spray",
    "faq-duration": _EXPLORING,
    "faq-safe": "Any contraindication or precaution flag",
    "faq-medications": "Takes any of the listed medicines",
    "faq-sessions": _EXPLORING,
    "faq-insurance": "Flag cost-question, or outcome discuss",
    "consult": "Always (the only section for adult-only)",
}

#: Each version and what changed in it, newest first.
CHANGELOG: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "2026.12",
        (
            "The ketamine question is asked only of people who had ketamine or esketamine "
            "before. Its answer 'I have never had it' (never-had) is gone; a stored "
            "never-had from earlier submissions still reads as 'Not had before'.",
            "New precaution fewer-antidepressants: 0 or 1 antidepressants tried, with "
            "ECT, TMS or ketamine before.",
            "Outcome other-options-first no longer applies to people who have had ECT, "
            "TMS or ketamine.",
            "Flag prior-ketamine follows other treatments alone (no longer the ketamine answer).",
            "Flag symptoms-below-moderate: the patient text no longer says esketamine is "
            "approved for moderate to severe depression (the US label sets no score).",
            "The not-recommended and evaluate-first texts say how many answers they refer to.",
        ),
    ),
    (FIRST_VERSION, ("First version.",)),
)


def flag_entries() -> tuple[RuleEntry, ...]:
    return tuple(
        RuleEntry(r.flag.id, r.flag.level.value, FLAG_WHEN[r.flag.id], r.flag.source, r.since)
        for r in FLAG_RULES
    )


def section_entries(sources: Mapping[str, tuple[str, ...]]) -> tuple[RuleEntry, ...]:
    """Each section with when it shows; ``sources`` are the section files' own."""
    return tuple(
        RuleEntry(s, "", SECTION_WHEN[s], "; ".join(sources.get(s, ())), FIRST_VERSION)
        for s in SECTION_ORDER
    )
