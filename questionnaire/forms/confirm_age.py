"""The confirm-age step: asked before the adult-only stop, so that one mistyped digit
never throws a screening away."""

from __future__ import annotations

from ..i18n import _l
from .fields import Option, QuestionForm, RadioGroupField
from .validators import Select

CHANGE_AGE = Option("no", _l("No, I want to change my age"))


class ConfirmAgeForm(QuestionForm):
    step_id = "confirm-age"
    title = _l("Check your age")

    confirm_age = RadioGroupField(
        _l("Is your age right?"),
        [Option("yes", _l("Yes")), CHANGE_AGE],
        [Select(_l("Select yes if your age is right, or no to change it"))],
    )

    def for_age(self, age: int) -> ConfirmAgeForm:
        """Word the first option with the age given, as in "Yes, I am 16"."""
        self.confirm_age.options = (Option("yes", _l("Yes, I am %(age)s", age=age)), CHANGE_AGE)
        return self
