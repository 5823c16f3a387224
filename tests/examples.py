"""Example answers shared by the tests: worked example 1 of rules.md, as the steps post
it and as ``rules.assess`` receives it, and what it should show."""

from __future__ import annotations

from typing import Any

#: Worked example 1 of rules.md, step by step: outcome "discuss".
EXAMPLE_1: dict[str, dict[str, Any]] = {
    "start": {"understand_not_diagnosis": "y", "consent_store": "y"},
    "about": {"age": "42", "pregnancy": "no"},
    "history": {
        "diagnosed": "yes",
        "episode_length": "over-2-years",
        "antidepressants_tried": "3-or-more",
        "therapy": "past",
        "other_treatments": ["none"],
    },
    "phq9": {
        "phq9_1": "2",
        "phq9_2": "2",
        "phq9_3": "2",
        "phq9_4": "2",
        "phq9_5": "1",
        "phq9_6": "2",
        "phq9_7": "2",
        "phq9_8": "1",
        "phq9_9": "0",
        "phq9_difficulty": "very",
    },
    "health": {
        "blood_pressure": "no",
        "vascular": ["none"],
        "heart_brain": ["none"],
        "mental_health": ["none"],
        "substance_use": "no",
        "other_conditions": ["none"],
    },
    "medicines": {"medications": ["antidepressant"]},
    "practical": {
        "ride_home": "yes",
        "insurance": "yes",
        "format_interest": "not-sure",
        "notes": "",
    },
    "contact": {"wants_contact": "no"},
}
STEPS = list(EXAMPLE_1)

#: Every educational section, in the order of rules.md (written out here, not read from
#: the code, so that the tests check the code against the spec).
ALL_SECTIONS = (
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


def sections_without(*left_out: str) -> list[str]:
    """Every section but ``left_out``, in the spec's order."""
    assert set(left_out) <= set(ALL_SECTIONS), left_out
    return [s for s in ALL_SECTIONS if s not in left_out]


#: The educational sections worked example 1 is shown (rules.md).
EXAMPLE_1_SECTIONS = sections_without("faq-safe")
#: The sections of worked examples 2 (not-recommended), 3 (urgent-support) and 5
#: (other-options-first).
NOT_RECOMMENDED_SECTIONS = [
    "what-is-ketamine",
    "safety",
    "integration",
    "faq-safe",
    "faq-medications",
    "consult",
]
URGENT_SECTIONS = ["what-is-ketamine", "safety", "consult"]
OTHER_OPTIONS_SECTIONS = ["what-is-ketamine", "safety", "integration", "faq-medications", "consult"]


NONE = "none"
#: questionnaire.md's steps, field names and option values (None for typed answers).
CONTRACT: dict[str, dict[str, tuple[str, ...] | None]] = {
    "start": {"understand_not_diagnosis": ("y",), "consent_store": ("y",)},
    "about": {"age": None, "pregnancy": ("yes", "no", "not-applicable", "prefer-not-to-say")},
    "history": {
        "diagnosed": ("yes", "no", "not-sure"),
        "episode_length": ("under-6-months", "6-to-12-months", "1-to-2-years", "over-2-years"),
        "antidepressants_tried": ("0", "1", "2", "3-or-more", "not-sure"),
        "therapy": ("current", "past", "never"),
        "other_treatments": ("ect", "tms", "ketamine", NONE),
    },
    "phq9": {
        **{f"phq9_{n}": ("0", "1", "2", "3") for n in range(1, 10)},
        "phq9_difficulty": ("not-difficult", "somewhat", "very", "extremely"),
    },
    "health": {
        "blood_pressure": ("no", "controlled", "not-controlled", "not-sure"),
        "vascular": ("aneurysm", "avm", "brain-bleed", NONE),
        "heart_brain": ("recent-heart", "stroke", "head-pressure", "seizures", NONE),
        "mental_health": ("psychosis", "mania", NONE),
        "substance_use": ("no", "past", "current", "prefer-not-to-say"),
        "other_conditions": ("liver", "glaucoma", "bladder", "lung", NONE),
        "ketamine_reaction": ("no-problems", "bad-reaction", "allergic"),
    },
    "medicines": {
        "medications": (
            "antidepressant",
            "maoi",
            "benzodiazepine",
            "stimulant",
            "lamotrigine",
            "opioid",
            "other",
            NONE,
        ),
        "medications_other": None,
    },
    "practical": {
        "ride_home": ("yes", "no", "not-sure"),
        "insurance": ("yes", "no", "not-sure"),
        "format_interest": ("iv", "nasal-spray", "not-sure"),
        "notes": None,
    },
    "contact": {
        "wants_contact": ("yes", "no"),
        "contact_name": None,
        "contact_email": None,
        "contact_phone": None,
        "contact_time": ("morning", "afternoon", "evening", "any"),
    },
}

#: The questions that offer "None of these", which stands only on its own.
NONE_OF_THESE_FIELDS = tuple(
    name
    for fields in CONTRACT.values()
    for name, values in fields.items()
    if values is not None and NONE in values
)

#: Fields whose answers are lists (checkbox groups).
CHECKBOX_FIELDS = frozenset(
    {
        "understand_not_diagnosis",
        "consent_store",
        "other_treatments",
        "vascular",
        "heart_brain",
        "mental_health",
        "other_conditions",
        "medications",
    }
)


def as_answers(steps: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Posted steps as the stored answers the rules read: ages are numbers, checkbox
    groups lists, and blanks are left out."""
    answers: dict[str, Any] = {}
    for fields in steps.values():
        for name, value in fields.items():
            if value in ("", []):
                continue
            if name in CHECKBOX_FIELDS and not isinstance(value, list):
                value = [value]
            answers[name] = int(value) if name == "age" else value
    return answers


#: Worked example 1, as ``assess`` receives it.
EXAMPLE_1_ANSWERS: dict[str, Any] = as_answers(EXAMPLE_1)
