"""The confirm-age step: asked before the adult-only stop, so that one mistyped digit
never throws a screening away."""

from __future__ import annotations

from .fields import Option, QuestionForm, RadioGroupField
from .validators import Select

CHANGE_AGE = Option("no", "No, I want to change my age")


class ConfirmAgeForm(QuestionForm):
    step_id = "confirm-age"
    title = "Check your age"

    confirm_age = RadioGroupField(
        "Is your age right?",
        [Option("yes", "Yes"), CHANGE_AGE],
        [Select("Select yes if your age is right, or no to change it")],
    )

    def for_age(self, age: int) -> ConfirmAgeForm:
        """Word the first option with the age given, as in "Yes, I am 16"."""
        self.confirm_age.options = (Option("yes", f"Yes, I am {age}"), CHANGE_AGE)
        return self
