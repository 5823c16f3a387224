"""The PHQ-9, in one place: its stem, items, answers and their LOINC codes, the
difficulty question, the attribution, the scoring bands and the crisis threshold.

Pure: no Flask, no database. The rules, the step form, FHIR, the clinician page and the
step template all read it. Wording is the published instrument's, word for word.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .translatable import N_

STEM = N_(
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
)
ATTRIBUTION = N_(
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and "
    "colleagues, with an educational grant from Pfizer Inc."
)
PANEL_LOINC = "44249-1"
TOTAL_LOINC = "44261-6"


@dataclass(frozen=True, slots=True)
class Item:
    number: int
    text: str
    #: How the validation message names it: "Select how often … by <short>".
    short: str
    loinc: str

    @property
    def field(self) -> str:
        return f"phq9_{self.number}"


@dataclass(frozen=True, slots=True)
class Answer:
    value: str
    label: str
    loinc: str


ITEMS: tuple[Item, ...] = (
    Item(
        1,
        N_("Little interest or pleasure in doing things"),
        N_("little interest or pleasure in doing things"),
        "44250-9",
    ),
    Item(
        2,
        N_("Feeling down, depressed, or hopeless"),
        N_("feeling down, depressed or hopeless"),
        "44255-8",
    ),
    Item(
        3,
        N_("Trouble falling or staying asleep, or sleeping too much"),
        N_("trouble sleeping, or sleeping too much"),
        "44259-0",
    ),
    Item(
        4,
        N_("Feeling tired or having little energy"),
        N_("feeling tired or having little energy"),
        "44254-1",
    ),
    Item(5, N_("Poor appetite or overeating"), N_("poor appetite or overeating"), "44251-7"),
    Item(
        6,
        N_(
            "Feeling bad about yourself — or that you are a failure or have let "
            "yourself or your family down"
        ),
        N_("feeling bad about yourself"),
        "44258-2",
    ),
    Item(
        7,
        N_("Trouble concentrating on things, such as reading the newspaper or watching television"),
        N_("trouble concentrating"),
        "44252-5",
    ),
    Item(
        8,
        N_(
            "Moving or speaking so slowly that other people could have noticed? Or "
            "the opposite — being so fidgety or restless that you have been moving "
            "around a lot more than usual"
        ),
        N_("moving or speaking slowly, or being fidgety or restless"),
        "44253-3",
    ),
    Item(
        9,
        N_("Thoughts that you would be better off dead or of hurting yourself in some way"),
        N_("thoughts that you would be better off dead or of hurting yourself"),
        "44260-8",
    ),
)
FIELDS: tuple[str, ...] = tuple(item.field for item in ITEMS)

ANSWERS: tuple[Answer, ...] = (
    Answer("0", N_("Not at all"), "LA6568-5"),
    Answer("1", N_("Several days"), "LA6569-3"),
    Answer("2", N_("More than half the days"), "LA6570-1"),
    Answer("3", N_("Nearly every day"), "LA6571-9"),
)
ANSWER_LOINC: Mapping[str, str] = {a.value: a.loinc for a in ANSWERS}
_ANSWER_LABELS: Mapping[str, str] = {a.value: a.label for a in ANSWERS}


def answer_label(value: str | None) -> str | None:
    """An item's answer as the person read it ("Several days"), or None."""
    return None if value is None else _ANSWER_LABELS.get(value, value)


DIFFICULTY_FIELD = "phq9_difficulty"
DIFFICULTY_TEXT = N_(
    "How difficult have these problems made it for you to do your work, take care of "
    "things at home, or get along with other people?"
)
DIFFICULTY_LOINC = "69722-7"
DIFFICULTY_ANSWERS: tuple[Answer, ...] = (
    Answer("not-difficult", N_("Not difficult at all"), "LA6572-7"),
    Answer("somewhat", N_("Somewhat difficult"), "LA6573-5"),
    Answer("very", N_("Very difficult"), "LA6575-0"),
    Answer("extremely", N_("Extremely difficult"), "LA6574-3"),
)
DIFFICULTY_ANSWER_LOINC: Mapping[str, str] = {a.value: a.loinc for a in DIFFICULTY_ANSWERS}

#: Answers above "Not at all": they make the difficulty question apply.
ABOVE_NOT_AT_ALL: tuple[str, ...] = ("1", "2", "3")

# --- scoring ---------------------------------------------------------------------------

#: A total below this is below the moderate range.
MODERATE_THRESHOLD = 10

#: (lowest total, band id), highest first.
BANDS: tuple[tuple[int, str], ...] = (
    (20, "severe"),
    (15, "moderately-severe"),
    (10, "moderate"),
    (5, "mild"),
    (0, "minimal"),
)
BAND_LABELS: Mapping[str, str] = {
    "minimal": N_("minimal"),
    "mild": N_("mild"),
    "moderate": N_("moderate"),
    "moderately-severe": N_("moderately severe"),
    "severe": N_("severe"),
}


def total(answers: Mapping[str, Any]) -> int | None:
    """Sum of items 1–9, or None when any item is missing."""
    values = [answers.get(field) for field in FIELDS]
    if any(v is None for v in values):
        return None
    return sum(int(v) for v in values)


def band(score: int) -> str:
    for lowest, band_id in BANDS:
        if score >= lowest:
            return band_id
    raise ValueError(f"PHQ-9 total out of range: {score}")


# --- the crisis threshold --------------------------------------------------------------

#: Item 9 answers that call for crisis support (several days or more).
CRISIS_ANSWERS: tuple[str, ...] = ABOVE_NOT_AT_ALL


def crisis_support_needed(answers: Mapping[str, Any]) -> bool:
    """True once item 9 is answered above "Not at all": decides the crisis panel on every
    page, the crisis item in FHIR clients and the ``suicidal-thoughts`` flag."""
    return answers.get("phq9_9") in CRISIS_ANSWERS
