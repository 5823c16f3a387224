"""Accessible question fields.

Radio and checkbox groups carry their options (value, label, optional hint) so that
templates, the check-answers page, the clinician view and exports all read the same
wording from one place. Rendering lives in ``templates/components/fields.html``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask_wtf import FlaskForm
from wtforms.fields import Field


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str
    hint: str | None = None


class QuestionField(Field):
    """Base for every question: knows how it is shown and how its answer is stored."""

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
        return any(getattr(v, "marks_required", False) for v in self.validators)

    @property
    def required_when_asked(self) -> bool:
        """Required whenever it is asked (always, or while its condition holds)."""
        return self.required or any(
            getattr(v, "required_when_asked", False) for v in self.validators
        )

    @property
    def max_chars(self) -> int | None:
        limits = [v.max_chars for v in self.validators if hasattr(v, "max_chars")]
        return min(limits) if limits else None

    def answer(self) -> Any:
        """The value to store, or None when nothing was given."""
        if self.data in (None, ""):
            return None
        return self.data

    def display(self, value: Any) -> str:
        """The stored value as a person reads it."""
        return "" if value is None else str(value)


class ChoiceMixin:
    options: tuple[Option, ...]
    #: Options no longer offered, kept so that stored answers still read right.
    retired: tuple[Option, ...] = ()

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(o.value for o in self.options)

    def label_of(self, value: str) -> str:
        for option in (*self.options, *self.retired):
            if option.value == value:
                return option.label
        return value


class RadioGroupField(ChoiceMixin, QuestionField):
    kind = "radio"

    def __init__(
        self,
        label: str,
        options: Iterable[Option],
        validators=(),
        *,
        retired: Iterable[Option] = (),
        **kw: Any,
    ):
        super().__init__(label, validators, **kw)
        self.options = tuple(options)
        self.retired = tuple(retired)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = valuelist[0] if valuelist else None

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)

    def display(self, value: Any) -> str:
        return "" if value is None else self.label_of(str(value))


class CheckboxGroupField(ChoiceMixin, QuestionField):
    kind = "checkboxes"

    def __init__(self, label: str, options: Iterable[Option], validators=(), **kw: Any):
        super().__init__(label, validators, **kw)
        self.options = tuple(options)

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


class TextField(QuestionField):
    kind = "text"

    def __init__(self, label: str, validators=(), *, input_type: str = "text", **kw: Any):
        super().__init__(label, validators, **kw)
        self.input_type = input_type

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = valuelist[0] if valuelist else None

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)

    def answer(self) -> str | None:
        # Stored exactly as typed; only an answer of nothing but spaces counts as none.
        if self.data is None or not str(self.data).strip():
            return None
        return str(self.data)


class TextAreaField(TextField):
    kind = "textarea"


class WholeNumberField(TextField):
    """A whole number typed as text (GOV.UK pattern: inputmode numeric, no spinner)."""

    kind = "number"

    def answer(self) -> int | None:
        if self.data in (None, ""):
            return None
        return int(str(self.data).strip())


class SelectField(RadioGroupField):
    """One choice from a drop-down list (for short staff forms, not patient questions)."""

    kind = "select"


class PasswordField(TextField):
    """Never sends the password back to the browser."""

    def __init__(self, label: str, validators=(), **kw: Any):
        super().__init__(label, validators, input_type="password", **kw)

    def _value(self) -> str:
        return ""


class QuestionForm(FlaskForm):
    """A form of questions: what the templates render, list in the error summary and
    read back in summaries."""

    def questions(self) -> list[QuestionField]:
        return [field for field in self if isinstance(field, QuestionField)]
