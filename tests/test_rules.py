"""The rules of rules.md as decision tables: flags, outcomes and their order,
sections, PHQ-9 bands and the three worked examples."""

from __future__ import annotations

from typing import Any

import pytest

from questionnaire.rules import (
    FLAGS,
    OUTCOMES,
    RULES_VERSION,
    SECTION_ORDER,
    Assessment,
    Level,
    assess,
    phq9_band,
)

from .examples import (
    ALL_SECTIONS,
    EXAMPLE_1_ANSWERS,
    EXAMPLE_1_SECTIONS,
    NOT_RECOMMENDED_SECTIONS,
    OTHER_OPTIONS_SECTIONS,
    URGENT_SECTIONS,
    sections_without,
)

#: Worked example 1, as `assess` receives it.
BASE: dict[str, Any] = EXAMPLE_1_ANSWERS


def with_(**changes: Any) -> dict[str, Any]:
    return {**BASE, **changes}


def phq9(*items: int) -> dict[str, str]:
    return {f"phq9_{i}": str(v) for i, v in enumerate(items, start=1)}


# --- flags ----------------------------------------------------------------------

FLAG_CASES = [
    ("aneurysm", "contraindication", {"vascular": ["aneurysm"]}),
    ("avm", "contraindication", {"vascular": ["avm"]}),
    ("brain-bleed", "contraindication", {"vascular": ["brain-bleed"]}),
    (
        "ketamine-allergy",
        "contraindication",
        {"other_treatments": ["ketamine"], "ketamine_reaction": "allergic"},
    ),
    ("blood-pressure", "precaution", {"blood_pressure": "not-controlled"}),
    ("recent-heart", "precaution", {"heart_brain": ["recent-heart"]}),
    ("stroke", "precaution", {"heart_brain": ["stroke"]}),
    ("head-pressure", "precaution", {"heart_brain": ["head-pressure"]}),
    ("seizures", "precaution", {"heart_brain": ["seizures"]}),
    ("psychosis", "precaution", {"mental_health": ["psychosis"]}),
    ("mania", "precaution", {"mental_health": ["mania"]}),
    ("substance-use", "precaution", {"substance_use": "current"}),
    ("substance-use", "precaution", {"substance_use": "past"}),
    ("pregnancy", "precaution", {"pregnancy": "yes"}),
    ("liver", "precaution", {"other_conditions": ["liver"]}),
    ("glaucoma", "precaution", {"other_conditions": ["glaucoma"]}),
    ("bladder", "precaution", {"other_conditions": ["bladder"]}),
    ("lung", "precaution", {"other_conditions": ["lung"]}),
    (
        "ketamine-bad-reaction",
        "precaution",
        {"other_treatments": ["ketamine"], "ketamine_reaction": "bad-reaction"},
    ),
    ("maoi", "precaution", {"medications": ["maoi"]}),
    ("stimulant", "precaution", {"medications": ["stimulant"]}),
    ("benzodiazepine", "precaution", {"medications": ["benzodiazepine"]}),
    ("opioid", "precaution", {"medications": ["opioid"]}),
    ("symptoms-below-moderate", "precaution", phq9(2, 2, 1, 1, 1, 1, 1, 0, 0)),
    ("trd-unclear", "precaution", {"diagnosed": "not-sure"}),
    ("trd-unclear", "precaution", {"antidepressants_tried": "not-sure"}),
    (
        "fewer-antidepressants",
        "precaution",
        {"antidepressants_tried": "0", "other_treatments": ["ect"]},
    ),
    (
        "fewer-antidepressants",
        "precaution",
        {"antidepressants_tried": "1", "other_treatments": ["tms"]},
    ),
    (
        "fewer-antidepressants",
        "precaution",
        {
            "antidepressants_tried": "1",
            "other_treatments": ["ketamine"],
            "ketamine_reaction": "no-problems",
        },
    ),
    ("no-ride-home", "practical", {"ride_home": "no"}),
    ("no-ride-home", "practical", {"ride_home": "not-sure"}),
    ("cost-question", "practical", {"insurance": "no"}),
    ("cost-question", "practical", {"insurance": "not-sure"}),
    ("suicidal-thoughts", "info", {"phq9_9": "1"}),
    ("suicidal-thoughts", "info", {"phq9_9": "2"}),
    ("suicidal-thoughts", "info", {"phq9_9": "3"}),
    ("lamotrigine", "info", {"medications": ["lamotrigine"]}),
    ("current-antidepressant", "info", {"medications": ["antidepressant"]}),
    ("other-medicines", "info", {"medications": ["other"], "medications_other": "x"}),
    ("prior-ketamine", "info", {"other_treatments": ["ketamine"]}),
    ("prior-ketamine", "info", {"other_treatments": ["ect", "ketamine"]}),
    ("prior-ect-tms", "info", {"other_treatments": ["ect"]}),
    ("prior-ect-tms", "info", {"other_treatments": ["tms"]}),
    ("blood-pressure-check", "info", {"blood_pressure": "not-sure"}),
    ("pregnancy-undisclosed", "info", {"pregnancy": "prefer-not-to-say"}),
    ("substance-use-undisclosed", "info", {"substance_use": "prefer-not-to-say"}),
]


@pytest.mark.parametrize(("flag", "level", "changes"), FLAG_CASES)
def test_each_flag_is_raised_by_its_answer_at_its_level(flag, level, changes):
    assessment = assess(with_(**changes))
    assert flag in assessment.flag_ids
    details = assessment.flag(flag)
    assert details.level == Level(level)
    assert details.patient_text and details.clinician_text and details.source


def test_every_flag_of_rules_md_has_a_case():
    assert {flag for flag, _, _ in FLAG_CASES} == set(FLAGS)


@pytest.mark.parametrize(
    ("flag", "changes"),
    [
        ("substance-use", {"substance_use": "no"}),
        ("substance-use", {"substance_use": "prefer-not-to-say"}),
        ("pregnancy", {"pregnancy": "not-applicable"}),
        ("blood-pressure", {"blood_pressure": "controlled"}),
        ("symptoms-below-moderate", phq9(2, 2, 2, 1, 1, 1, 1, 0, 0)),  # total 10
        ("suicidal-thoughts", {"phq9_9": "0"}),
        ("prior-ketamine", {"other_treatments": ["ect", "tms"]}),
        # 2026.12: the ketamine answer alone no longer raises it (stored, older answers)
        ("prior-ketamine", {"ketamine_reaction": "no-problems"}),
        ("prior-ketamine", {"ketamine_reaction": "never-had"}),
        ("fewer-antidepressants", {"antidepressants_tried": "1"}),  # other_treatments none
        ("fewer-antidepressants", {"antidepressants_tried": "2", "other_treatments": ["ect"]}),
        (
            "fewer-antidepressants",
            {"antidepressants_tried": "not-sure", "other_treatments": ["tms"]},
        ),
        ("no-ride-home", {"ride_home": "yes"}),
    ],
)
def test_flag_is_not_raised_by_neighbouring_answers(flag, changes):
    assert flag not in assess(with_(**changes)).flag_ids


def test_flags_are_listed_in_the_order_of_rules_md():
    assessment = assess(with_(vascular=["avm", "aneurysm"], insurance="no", phq9_9="1"))
    assert assessment.flag_ids == (
        "aneurysm",
        "avm",
        "cost-question",
        "suicidal-thoughts",
        "current-antidepressant",
    )


# --- outcomes and their order ---------------------------------------------------

OUTCOME_CASES = [
    ("discuss", {}),
    ("urgent-support", {"phq9_9": "2"}),
    ("adult-only", {"age": 17}),
    ("not-recommended", {"vascular": ["brain-bleed"]}),
    ("not-recommended", {"other_treatments": ["ketamine"], "ketamine_reaction": "allergic"}),
    ("other-options-first", {"diagnosed": "no"}),
    ("other-options-first", {"antidepressants_tried": "0"}),
    ("other-options-first", {"antidepressants_tried": "1"}),
    # 2026.12: ECT, TMS or ketamine before means other treatments are behind them
    ("evaluate-first", {"antidepressants_tried": "0", "other_treatments": ["ect"]}),
    ("evaluate-first", {"antidepressants_tried": "1", "other_treatments": ["tms", "ect"]}),
    (
        "evaluate-first",
        {
            "antidepressants_tried": "1",
            "other_treatments": ["ketamine"],
            "ketamine_reaction": "no-problems",
        },
    ),
    ("other-options-first", {"diagnosed": "no", "other_treatments": ["ect"]}),
    (
        "not-recommended",
        {"antidepressants_tried": "1", "other_treatments": ["tms"], "vascular": ["avm"]},
    ),
    ("evaluate-first", {"antidepressants_tried": "2", "blood_pressure": "not-controlled"}),
    ("evaluate-first", {"medications": ["opioid"]}),
    ("discuss", {"antidepressants_tried": "2"}),
    ("discuss", {"ride_home": "no", "insurance": "no"}),  # practical flags only
    ("discuss", {"blood_pressure": "not-sure", "pregnancy": "prefer-not-to-say"}),  # info only
    # order: the first row that applies wins
    ("urgent-support", {"phq9_9": "3", "age": 16}),
    ("urgent-support", {"phq9_9": "1", "vascular": ["aneurysm"]}),
    ("adult-only", {"age": 17, "vascular": ["aneurysm"]}),
    ("not-recommended", {"vascular": ["aneurysm"], "diagnosed": "no"}),
    ("not-recommended", {"vascular": ["aneurysm"], "stroke": "x", "heart_brain": ["stroke"]}),
    ("other-options-first", {"diagnosed": "no", "heart_brain": ["stroke"]}),
    ("other-options-first", {"antidepressants_tried": "1", "substance_use": "current"}),
    ("evaluate-first", {"diagnosed": "not-sure"}),
]


@pytest.mark.parametrize(("outcome", "changes"), OUTCOME_CASES)
def test_outcome_table_and_its_order(outcome, changes):
    assert assess(with_(**changes)).outcome == outcome


@pytest.mark.parametrize(
    ("age", "outcome"), [(17, "adult-only"), (18, "discuss"), (0, "adult-only")]
)
def test_adult_age_boundary(age, outcome):
    assert assess(with_(age=age)).outcome == outcome


def test_adult_only_from_the_answers_given_before_the_stop():
    early = {
        "understand_not_diagnosis": ["y"],
        "consent_store": ["y"],
        "age": 15,
        "pregnancy": "no",
    }
    assessment = assess(early)
    assert assessment.outcome == "adult-only"
    assert assessment.sections == ("consult",)
    assert assessment.phq9_total is None


def test_every_outcome_has_words_and_never_claims_eligibility():
    assert set(OUTCOMES) == {
        "urgent-support",
        "adult-only",
        "not-recommended",
        "other-options-first",
        "evaluate-first",
        "discuss",
    }
    for outcome in OUTCOMES.values():
        words = " ".join((outcome.title, *outcome.patient_text)).lower()
        assert "eligib" not in words
        assert "approved" not in words
        assert "qualified for" not in words and "you qualify" not in words


# --- PHQ-9 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately-severe"),
        (19, "moderately-severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_band_boundaries(total, band):
    assert phq9_band(total) == band
    if total > 24:
        return  # needs item 9 above 0 (urgent); covered by the total of 27 below
    items = [min(3, max(0, total - 3 * i)) for i in range(8)] + [0]
    assessment = assess(with_(**phq9(*items)))
    assert (assessment.phq9_total, assessment.phq9_band) == (total, band)


def test_phq9_total_of_27():
    assessment = assess(with_(**phq9(3, 3, 3, 3, 3, 3, 3, 3, 3)))
    assert (assessment.phq9_total, assessment.phq9_band) == (27, "severe")


# --- sections -------------------------------------------------------------------

SECTION_CASES = [
    # worked example 1 (discuss)
    ({}, EXAMPLE_1_SECTIONS),
    # evaluate-first: faq-safe, no faq-insurance unless cost-question
    (
        {"medications": ["benzodiazepine"], "therapy": "never"},
        sections_without("integration", "faq-insurance"),
    ),
    # other-options-first with a practical flag: faq-insurance, but no faq-safe
    (
        {"medications": ["none"], "insurance": "not-sure", "antidepressants_tried": "1"},
        ["what-is-ketamine", "safety", "integration", "faq-insurance", "consult"],
    ),
    # other-options-first with no flags beyond info: integration, no faq-safe
    (
        {"medications": ["none"], "diagnosed": "no"},
        ["what-is-ketamine", "safety", "integration", "consult"],
    ),
    # integration from current therapy; faq-fda from interest in a format
    (
        {
            "vascular": ["avm"],
            "medications": ["none"],
            "therapy": "current",
            "format_interest": "iv",
        },
        ["what-is-ketamine", "safety", "integration", "faq-fda", "faq-safe", "consult"],
    ),
    (
        {"vascular": ["avm"], "medications": ["none"], "format_interest": "nasal-spray"},
        ["what-is-ketamine", "safety", "faq-fda", "faq-safe", "consult"],
    ),
    # discuss without antidepressant or current therapy: no integration, no faq-medications
    (
        {"medications": ["none"]},
        sections_without("integration", "faq-safe", "faq-medications"),
    ),
    # urgent: the "always" sections only
    ({"phq9_9": "1", "vascular": ["aneurysm"]}, ["what-is-ketamine", "safety", "consult"]),
    # adult-only: consult only
    ({"age": 17}, ["consult"]),
]


@pytest.mark.parametrize(("changes", "sections"), SECTION_CASES)
def test_section_rules(changes, sections):
    assert list(assess(with_(**changes)).sections) == sections


def test_sections_follow_the_order_of_rules_md():
    assert SECTION_ORDER == ALL_SECTIONS


# --- worked examples ------------------------------------------------------------


def test_worked_example_1():
    assessment = assess(BASE)
    assert assessment.outcome == "discuss"
    assert assessment.flag_ids == ("current-antidepressant",)
    assert (assessment.phq9_total, assessment.phq9_band) == (14, "moderate")
    assert list(assessment.sections) == EXAMPLE_1_SECTIONS


def test_worked_example_2():
    assessment = assess(with_(vascular=["aneurysm"]))
    assert assessment.outcome == "not-recommended"
    assert assessment.flag_ids == ("aneurysm", "current-antidepressant")
    assert list(assessment.sections) == NOT_RECOMMENDED_SECTIONS


def test_worked_example_3():
    assessment = assess(with_(phq9_9="1"))
    assert assessment.outcome == "urgent-support"
    assert "suicidal-thoughts" in assessment.flag_ids
    assert list(assessment.sections) == URGENT_SECTIONS


def test_worked_example_4():
    assessment = assess(with_(antidepressants_tried="1", other_treatments=["tms"]))
    assert assessment.outcome == "evaluate-first"
    # rules.md names them fewer-antidepressants, prior-ect-tms, current-antidepressant;
    # flags are listed in the order of its table.
    assert assessment.flag_ids == (
        "fewer-antidepressants",
        "current-antidepressant",
        "prior-ect-tms",
    )


def test_worked_example_5():
    assessment = assess(with_(antidepressants_tried="1"))
    assert assessment.outcome == "other-options-first"
    assert list(assessment.sections) == OTHER_OPTIONS_SECTIONS


def test_rules_version_is_2026_12():
    assert RULES_VERSION == "2026.12"


@pytest.mark.parametrize(
    ("changes", "outcome", "first_sentence"),
    [
        (
            {"vascular": ["aneurysm"]},
            "not-recommended",
            "Ketamine-based treatments are usually not used for people with the condition "
            "listed below, because it could be unsafe.",
        ),
        (
            {"vascular": ["aneurysm", "avm", "brain-bleed"]},
            "not-recommended",
            "Ketamine-based treatments are usually not used for people with any of the 3 "
            "conditions listed below, because it could be unsafe.",
        ),
        (
            {"medications": ["opioid"]},
            "evaluate-first",
            "One of your answers needs a professional to look at it before ketamine "
            "therapy could be considered. It is explained below.",
        ),
        (
            {"medications": ["opioid", "maoi"], "other_conditions": ["liver", "lung"]},
            "evaluate-first",
            "4 of your answers need a professional to look at them before ketamine "
            "therapy could be considered. Each one is explained below.",
        ),
    ],
)
def test_outcome_text_counts_what_it_refers_to(changes, outcome, first_sentence):
    assessment = assess(with_(**changes))
    assert assessment.outcome == outcome
    assert assessment.explanation()[0] == first_sentence


def test_symptoms_below_moderate_never_claims_an_approval_for_moderate_depression():
    text = FLAGS["symptoms-below-moderate"].patient_text.lower()
    assert "approved" not in text and "moderate to severe" not in text


def test_assessment_snapshot_carries_the_rules_version_and_every_flag_detail():
    snapshot = assess(with_(vascular=["aneurysm"], ride_home="no")).to_dict()
    assert snapshot["rules_version"] == RULES_VERSION
    assert snapshot["outcome"] == "not-recommended"
    assert [f["id"] for f in snapshot["flags"]] == [
        "aneurysm",
        "no-ride-home",
        "current-antidepressant",
    ]
    assert snapshot["flags"][0]["level"] == "contraindication"
    assert snapshot["flags"][0]["source"] == (
        "Spravato (esketamine) US prescribing information, contraindications"
    )


def test_patients_see_contraindications_precautions_and_practical_flags_only():
    assessment = assess(with_(vascular=["aneurysm"], ride_home="no", pregnancy="yes"))
    assert [f.id for f in assessment.patient_flags] == ["aneurysm", "pregnancy", "no-ride-home"]


def test_a_stored_assessment_reads_back_as_it_was_made():
    made = assess(with_(vascular=["aneurysm"], ride_home="no", phq9_9="2"))
    again = Assessment.from_dict(made.to_dict())
    assert again == made
    older = {**made.to_dict(), "rules_version": "2026.11.1"}
    older["flags"][0]["patient_text"] = "Wording of an earlier version."
    read = Assessment.from_dict(older)
    assert read.rules_version == "2026.11.1"
    assert read.flag("aneurysm").patient_text == "Wording of an earlier version."
