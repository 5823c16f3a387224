"""Validators that speak in the GOV.UK style: "Enter …", "Select …", "… must be N
characters or fewer". Each takes the exact message a person will read."""

from __future__ import annotations

import re
from typing import Any

from email_validator import EmailNotValidError, validate_email
from wtforms.validators import StopValidation, ValidationError

NONE = "none"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WHOLE_NUMBER = re.compile(r"[0-9]{1,4}")
_PHONE = re.compile(r"[0-9 +()\-]+")
#: The phone rule as a pattern other systems can apply (FHIR's regex extension).
PHONE_PATTERN = r"^[0-9 +()\-]*([0-9][0-9 +()\-]*){6,}$"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


class Select:
    """A radio answer that is present and one of the options."""

    marks_required = True

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if _blank(field.data) or field.data not in field.values:
            raise StopValidation(self.message)


class OptionalSelect:
    """A radio answer that may be left out, but if given must be an option."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if _blank(field.data):
            field.data = None
            raise StopValidation()
        if field.data not in field.values:
            raise StopValidation(self.message)


class SelectSome:
    """A checkbox group with at least one known option, and 'none' only on its own."""

    marks_required = True

    def __init__(self, message: str, exclusive_message: str) -> None:
        self.message = message
        self.exclusive_message = exclusive_message

    def __call__(self, form: Any, field: Any) -> None:
        chosen = field.data or []
        if not chosen or any(v not in field.values for v in chosen):
            raise StopValidation(self.message)
        if NONE in chosen and len(chosen) > 1:
            raise StopValidation(self.exclusive_message)


class Ticked:
    """A single required checkbox with the value ``y``."""

    marks_required = True

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if field.data != ["y"]:
            raise StopValidation(self.message)


class WholeNumber:
    marks_required = True

    def __init__(self, low: int, high: int, *, missing: str, invalid: str, out_of_range: str):
        self.low, self.high = low, high
        self.missing, self.invalid, self.out_of_range = missing, invalid, out_of_range

    def __call__(self, form: Any, field: Any) -> None:
        if _blank(field.data):
            raise StopValidation(self.missing)
        text = str(field.data).strip()
        if not _WHOLE_NUMBER.fullmatch(text):
            raise StopValidation(self.invalid)
        if not self.low <= int(text) <= self.high:
            raise StopValidation(self.out_of_range)


class Text:
    """Free text: at most ``max_chars`` characters and no invisible control characters.

    Text is never trimmed or cut: over-long text is refused with a message.
    """

    def __init__(self, max_chars: int, too_long: str, control: str) -> None:
        self.max_chars = max_chars
        self.too_long = too_long
        self.control = control

    def __call__(self, form: Any, field: Any) -> None:
        if field.data is None:
            return
        if len(field.data) > self.max_chars:
            raise StopValidation(self.too_long)
        if _CONTROL.search(field.data):
            raise StopValidation(self.control)


class Required:
    """An answer must be given (text of nothing but spaces counts as none)."""

    marks_required = True

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if _blank(field.data):
            raise StopValidation(self.message)


class RequiredIfAsked:
    """Required only when the form's own conditions ask the question (see
    ``StepForm.conditional``): one rule decides both what is asked and what is kept."""

    required_when_asked = True

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if form.asked(field.name) and _blank(field.data):
            raise StopValidation(self.message)


class EmailAddress:
    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if _blank(field.data):
            return
        try:
            validate_email(field.data.strip(), check_deliverability=False)
        except EmailNotValidError as error:
            raise ValidationError(self.message) from error


class PhoneNumber:
    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if _blank(field.data):
            return
        text = field.data.strip()
        digits = sum(ch.isdigit() for ch in text)
        if not _PHONE.fullmatch(text) or digits < 6:
            raise ValidationError(self.message)
