"""Properties that hold for any complete, valid set of answers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaire.rules import OUTCOMES, SECTION_ORDER, assess


def one_of(*values: str) -> st.SearchStrategy[str]:
    return st.sampled_from(values)


def some_or_none(*values: str) -> st.SearchStrategy[list[str]]:
    """A valid checkbox group: 'none' alone, or a non-empty subset of the rest."""
    subset = st.lists(st.sampled_from(values), min_size=1, unique=True).map(
        lambda chosen: [v for v in values if v in chosen]
    )
    return st.one_of(st.just(["none"]), subset)


PHQ = one_of("0", "1", "2", "3")

answers_strategy = st.fixed_dictionaries(
    {
        "understand_not_diagnosis": st.just(["y"]),
        "consent_store": st.just(["y"]),
        "age": st.integers(0, 120),
        "pregnancy": one_of("yes", "no", "not-applicable", "prefer-not-to-say"),
        "diagnosed": one_of("yes", "no", "not-sure"),
        "episode_length": one_of(
            "under-6-months", "6-to-12-months", "1-to-2-years", "over-2-years"
        ),
        "antidepressants_tried": one_of("0", "1", "2", "3-or-more", "not-sure"),
        "therapy": one_of("current", "past", "never"),
        "other_treatments": some_or_none("ect", "tms", "ketamine"),
        **{f"phq9_{i}": PHQ for i in range(1, 10)},
        "phq9_difficulty": one_of("not-difficult", "somewhat", "very", "extremely"),
        "blood_pressure": one_of("no", "controlled", "not-controlled", "not-sure"),
        "vascular": some_or_none("aneurysm", "avm", "brain-bleed"),
        "heart_brain": some_or_none("recent-heart", "stroke", "head-pressure", "seizures"),
        "mental_health": some_or_none("psychosis", "mania"),
        "substance_use": one_of("no", "past", "current", "prefer-not-to-say"),
        "other_conditions": some_or_none("liver", "glaucoma", "bladder", "lung"),
        "ketamine_reaction": one_of("no-problems", "bad-reaction", "allergic"),
        "medications": some_or_none(
            "antidepressant",
            "maoi",
            "benzodiazepine",
            "stimulant",
            "lamotrigine",
            "opioid",
            "other",
        ),
        "ride_home": one_of("yes", "no", "not-sure"),
        "insurance": one_of("yes", "no", "not-sure"),
        "format_interest": one_of("iv", "nasal-spray", "not-sure"),
        "wants_contact": one_of("yes", "no"),
    }
)


@settings(max_examples=400, deadline=None)
@given(answers_strategy)
def test_any_complete_answers_give_one_outcome_and_always_consult(answers):
    assessment = assess(answers)
    assert assessment.outcome in OUTCOMES
    assert assessment.sections[-1] == "consult"
    assert list(assessment.sections) == [s for s in SECTION_ORDER if s in assessment.sections]
    assert 0 <= assessment.phq9_total <= 27
    if answers["phq9_9"] in ("1", "2", "3"):
        assert assessment.outcome == "urgent-support"
        assert "suicidal-thoughts" in assessment.flag_ids
    else:
        assert assessment.outcome != "urgent-support"
    levels = {f.level.value for f in assessment.flags}
    if assessment.outcome == "discuss":
        assert not levels & {"contraindication", "precaution"}
