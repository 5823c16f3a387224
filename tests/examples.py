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

#: The educational sections worked example 1 is shown (rules.md).
EXAMPLE_1_SECTIONS = [
    "what-is-ketamine",
    "how-it-works",
    "rapid-relief",
    "efficacy",
    "safety",
    "integration",
    "faq-fda",
    "faq-duration",
    "faq-medications",
    "faq-sessions",
    "faq-insurance",
    "consult",
]


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
