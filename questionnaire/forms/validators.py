"""Validators that speak in the GOV.UK style: "Enter …", "Select …", "… must be N
characters or fewer".

Each is a WTForms validator (so it sets ``field.flags``: ``required``, ``maxlength``,
``required_if_asked``) and takes the whole sentence a person will read, so that every
message can be translated as it stands.
"""

from __future__ import annotations

import re
from typing import Any

from email_validator import EmailNotValidError, validate_email
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

NONE = "none"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WHOLE_NUMBER = re.compile(r"[0-9]{1,4}")
#: The phone rule as a pattern other systems can apply (FHIR's regex extension).
PHONE_PATTERN = r"^[0-9 +()\-]*([0-9][0-9 +()\-]*){6,}$"
PHONE_MIN_DIGITS = 6


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


class Required(DataRequired):
    """An answer must be given (text of nothing but spaces counts as none)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class Select(Required):
    """A radio answer that is present and one of the options."""

    def __call__(self, form: Any, field: Any) -> None:
        super().__call__(form, field)
        if field.data not in field.values:
            raise StopValidation(self.message)


class OptionalSelect(Optional):
    """A radio answer that may be left out, but if given must be an option."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if _blank(field.data):
            field.data = None
            raise StopValidation()
        if field.data not in field.values:
            raise StopValidation(self.message)


class SelectSome(Required):
    """A checkbox group with at least one known option, and its exclusive "none"
    option only on its own."""

    def __init__(self, message: str, exclusive_message: str) -> None:
        super().__init__(message)
        self.exclusive_message = exclusive_message

    def __call__(self, form: Any, field: Any) -> None:
        super().__call__(form, field)
        chosen = field.data
        if any(v not in field.values for v in chosen):
            raise StopValidation(self.message)
        if NONE in chosen and len(chosen) > 1:
            raise StopValidation(self.exclusive_message)


class Ticked(Required):
    """A single required checkbox with the value ``y``."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data != ["y"]:
            raise StopValidation(self.message)


class WholeNumber(Required):
    """A whole number between ``low`` and ``high``; ``message`` is for a blank answer."""

    def __init__(self, low: int, high: int, *, missing: str, invalid: str, out_of_range: str):
        super().__init__(missing)
        self.low, self.high = low, high
        self.invalid, self.out_of_range = invalid, out_of_range

    def __call__(self, form: Any, field: Any) -> None:
        super().__call__(form, field)
        text = str(field.data).strip()
        if not _WHOLE_NUMBER.fullmatch(text):
            raise StopValidation(self.invalid)
        if not self.low <= int(text) <= self.high:
            raise StopValidation(self.out_of_range)


class Text(Length):
    """Free text: at most ``max_chars`` characters and no invisible control characters.

    Text is never trimmed or cut: over-long text is refused with a message.
    """

    def __init__(self, max_chars: int, *, too_long: str, control: str) -> None:
        super().__init__(max=max_chars, message=too_long)
        self.control = control

    def __call__(self, form: Any, field: Any) -> None:
        if field.data is None:
            return
        if len(field.data) > self.max:
            raise StopValidation(self.message)
        if _CONTROL.search(field.data):
            raise StopValidation(self.control)


class RequiredIfAsked(Required):
    """Required only when the form's own conditions ask the question (see
    ``StepForm.conditional``): one rule decides both what is asked and what is kept."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.field_flags = {"required_if_asked": True}

    def __call__(self, form: Any, field: Any) -> None:
        if form.asked(field.name):
            super().__call__(form, field)


class EmailAddress(Email):
    """An email address in the correct format, never looked up. Blank passes (whether
    one is needed is another rule's), and spaces around it do not count against it."""

    def __init__(self, message: str) -> None:
        super().__init__(message, check_deliverability=False)

    def __call__(self, form: Any, field: Any) -> None:
        if _blank(field.data):
            return
        try:
            validate_email(field.data.strip(), check_deliverability=self.check_deliverability)
        except EmailNotValidError as error:
            raise ValidationError(self.message) from error


class PhoneNumber(Regexp):
    """Digits, spaces, "+", "-" and brackets, with at least six digits. Blank passes."""

    def __init__(self, message: str) -> None:
        super().__init__(r"[0-9 +()\-]+\Z", message=message)

    def __call__(self, form: Any, field: Any) -> None:
        if _blank(field.data):
            return
        text = field.data.strip()
        digits = sum(ch.isdigit() for ch in text)
        if not self.regex.match(text) or digits < PHONE_MIN_DIGITS:
            raise ValidationError(self.message)
