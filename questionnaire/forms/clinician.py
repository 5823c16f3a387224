"""Forms of the clinician area: sign-in, one-time code, actions and accounts."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms.validators import StopValidation

from ..auth import passwords
from ..models import ROLES
from .fields import Option, PasswordField, QuestionField, SelectField, TextAreaField, TextField
from .validators import EmailAddress, RequiredWhen, Select, Text

NOTE_MAX = 5000


def _required(message: str) -> RequiredWhen:
    return RequiredWhen(lambda form: True, message)


class StaffForm(FlaskForm):
    def questions(self):
        return [field for field in self if isinstance(field, QuestionField)]


class SignInForm(StaffForm):
    email = TextField(
        "Email address",
        [
            _required("Enter your email address"),
            Text(
                254, "Email address must be 254 characters or fewer", "Enter a valid email address"
            ),
        ],
        input_type="email",
        autocomplete="username",
    )
    password = PasswordField(
        "Password",
        [
            _required("Enter your password"),
            Text(
                passwords.MAX_LENGTH,
                "Enter a correct email address and password",
                "Enter a correct email address and password",
            ),
        ],
        autocomplete="current-password",
    )


class CodeForm(StaffForm):
    code = TextField(
        "Code from your authenticator app",
        [
            _required("Enter the 6-digit code from your authenticator app"),
            Text(
                20,
                "Enter the 6-digit code from your authenticator app",
                "Enter the 6-digit code from your authenticator app",
            ),
        ],
        hint="The 6-digit code, for example 123456.",
        autocomplete="one-time-code",
    )


class StatusForm(StaffForm):
    status = SelectField("New status", [], [Select("Select a new status")])

    def __init__(self, allowed: tuple[str, ...], labels: dict[str, str], **kw: Any):
        super().__init__(**kw)
        self.status.options = tuple(Option(s, labels[s]) for s in allowed)


class AssignForm(StaffForm):
    clinician_id = SelectField("Assign to", [], [Select("Select a clinician")])

    def __init__(self, clinicians: list[tuple[int, str]], **kw: Any):
        super().__init__(**kw)
        self.clinician_id.options = (
            Option("none", "Nobody"),
            *(Option(str(cid), email) for cid, email in clinicians),
        )


class NoteForm(StaffForm):
    body = TextAreaField(
        "Add a note",
        [
            _required("Enter a note"),
            Text(
                NOTE_MAX,
                f"Note must be {NOTE_MAX} characters or fewer",
                "Note must not contain hidden control characters",
            ),
        ],
    )


class PasswordPolicy:
    def __call__(self, form: Any, field: Any) -> None:
        problem = passwords.problem(field.data or "")
        if problem:
            raise StopValidation(problem)


class AccountForm(StaffForm):
    email = TextField(
        "Email address",
        [
            _required("Enter an email address"),
            Text(
                254, "Email address must be 254 characters or fewer", "Enter a valid email address"
            ),
            EmailAddress("Enter an email address in the correct format, like name@example.com"),
        ],
        input_type="email",
        autocomplete="off",
    )
    role = SelectField(
        "Role",
        [Option(r, r.capitalize()) for r in ROLES],
        [Select("Select a role")],
    )
    password = PasswordField(
        "Initial password",
        [_required("Enter a password"), PasswordPolicy()],
        hint=f"At least {passwords.MIN_LENGTH} characters. Long phrases are good. "
        "The person signs in with it, then sets up their authenticator app.",
        autocomplete="new-password",
    )
