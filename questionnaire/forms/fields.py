"""Accessible question fields, built on WTForms' own.

Radio and checkbox groups carry their options (value, label, optional hint) so that
templates, the check-answers page, the clinician view and exports all read the same
wording from one place. What a field requires is read from WTForms' ``field.flags``,
which its validators set. Rendering lives in ``templates/components/fields.html``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import wtforms
from flask_wtf import FlaskForm


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str
    hint: str | None = None


class QuestionField(wtforms.Field):
    """What every question adds to its WTForms field: a hint, a short label for
    summaries, an autocomplete token, and how its answer is stored and read back."""

    kind = "text"

    def __init__(
        self,
        label: str,
        validators: Sequence[Any] = (),
        *,
        hint: str = "",
        summary_label: str | None = None,
        autocomplete: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, list(validators), description=hint, **kwargs)
        self.summary_label = summary_label or label
        self.autocomplete = autocomplete

    @property
    def hint(self) -> str:
        return str(self.description or "")

    @property
    def required(self) -> bool:
        """Always required (conditional requirements are the form's ``conditional``)."""
        return bool(self.flags.required)

    @property
    def required_when_asked(self) -> bool:
        """Required whenever it is asked (always, or while its condition holds)."""
        return bool(self.flags.required or self.flags.required_if_asked)

    @property
    def max_chars(self) -> int | None:
        return self.flags.maxlength or None

    def answer(self) -> Any:
        """The value to store, or None when nothing was given."""
        if self.data in (None, ""):
            return None
        return self.data

    def display(self, value: Any) -> str:
        """The stored value as a person reads it."""
        return "" if value is None else str(value)


class ChoiceMixin:
    """A question answered by choosing among options (WTForms' ``choices`` follow)."""

    choices: Any
    #: Options no longer offered, kept so that stored answers still read right.
    retired: tuple[Option, ...] = ()

    @property
    def options(self) -> tuple[Option, ...]:
        return self._options

    @options.setter
    def options(self, options: Iterable[Option]) -> None:
        self._options = tuple(options)
        self.choices = [(o.value, o.label) for o in self._options]

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(o.value for o in self.options)

    def label_of(self, value: str) -> str:
        for option in (*self.options, *self.retired):
            if option.value == value:
                # Worded in the language of the page (labels are lazy translations).
                return str(option.label)
        return value


class RadioGroupField(ChoiceMixin, QuestionField, wtforms.RadioField):
    """One choice. The validators judge the choice, with messages of their own."""

    kind = "radio"

    def __init__(
        self,
        label: str,
        options: Iterable[Option],
        validators: Sequence[Any] = (),
        *,
        retired: Iterable[Option] = (),
        **kw: Any,
    ):
        super().__init__(label, validators, validate_choice=False, **kw)
        self.options = options
        self.retired = tuple(retired)

    def process_formdata(self, valuelist: list[str]) -> None:
        # Nothing chosen is nothing, even when the form was built over stored answers.
        self.data = valuelist[0] if valuelist else None

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)

    def display(self, value: Any) -> str:
        return "" if value is None else self.label_of(str(value))


class SelectField(RadioGroupField):
    """One choice from a drop-down list (for short staff forms, not patient questions)."""

    kind = "select"


class CheckboxGroupField(ChoiceMixin, QuestionField, wtforms.SelectMultipleField):
    kind = "checkboxes"

    def __init__(
        self, label: str, options: Iterable[Option], validators: Sequence[Any] = (), **kw: Any
    ):
        super().__init__(label, validators, validate_choice=False, **kw)
        self.options = options

    def process_data(self, value: Any) -> None:
        self.data = list(value) if value else []

    def process_formdata(self, valuelist: list[str]) -> None:
        # Repeated values count once; stored in the order the options are listed.
        order = {v: i for i, v in enumerate(self.values)}
        unique = dict.fromkeys(valuelist)
        self.data = sorted(unique, key=lambda v: order.get(v, len(order)))

    def answer(self) -> list[str] | None:
        return list(self.data) if self.data else None

    def display(self, value: Any) -> str:
        return ", ".join(self.label_of(v) for v in value or [])

    def is_checked(self, value: str) -> bool:
        return value in (self.data or [])


class TextField(QuestionField, wtforms.StringField):
    kind = "text"

    def __init__(
        self, label: str, validators: Sequence[Any] = (), *, input_type: str = "text", **kw: Any
    ):
        super().__init__(label, validators, **kw)
        self.input_type = input_type

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = valuelist[0] if valuelist else None

    def answer(self) -> str | None:
        # Stored exactly as typed; only an answer of nothing but spaces counts as none.
        if self.data is None or not str(self.data).strip():
            return None
        return str(self.data)


class TextAreaField(TextField):
    kind = "textarea"


class WholeNumberField(TextField):
    """A whole number typed as text (GOV.UK pattern: inputmode numeric, no spinner), so
    that "34 years" earns a message rather than WTForms' own coercion error."""

    kind = "number"

    def answer(self) -> int | None:
        if self.data in (None, ""):
            return None
        return int(str(self.data).strip())


class PasswordField(TextField):
    """Never sends the password back to the browser."""

    def __init__(self, label: str, validators: Sequence[Any] = (), **kw: Any):
        super().__init__(label, validators, input_type="password", **kw)

    def _value(self) -> str:
        return ""


class QuestionForm(FlaskForm):
    """A form of questions: what the templates render, list in the error summary and
    read back in summaries."""

    def questions(self) -> list[QuestionField]:
        return [field for field in self if isinstance(field, QuestionField)]
