"""Properties that hold for any complete, valid set of answers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaire.rules import OUTCOMES, SECTION_ORDER, assess

from .examples import CHECKBOX_FIELDS, CONTRACT, NONE


def one_of(*values: str) -> st.SearchStrategy[str]:
    return st.sampled_from(values)


def some_or_none(*values: str) -> st.SearchStrategy[list[str]]:
    """A valid checkbox group: 'none' alone, or a non-empty subset of the rest."""
    subset = st.lists(st.sampled_from(values), min_size=1, unique=True).map(
        lambda chosen: [v for v in values if v in chosen]
    )
    return st.one_of(st.just(["none"]), subset)


def _strategy(name: str, values: tuple[str, ...]) -> st.SearchStrategy[object]:
    if NONE in values:
        return some_or_none(*(v for v in values if v != NONE))
    if name in CHECKBOX_FIELDS:
        return st.just(list(values))  # a statement to agree to: ticked, or no screening
    return one_of(*values)


#: Every choice question of questionnaire.md (typed answers other than age are free
#: text, which no rule reads).
answers_strategy = st.fixed_dictionaries(
    {
        "age": st.integers(0, 120),
        **{
            name: _strategy(name, values)
            for fields in CONTRACT.values()
            for name, values in fields.items()
            if values is not None
        },
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
