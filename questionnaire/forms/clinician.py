"""Forms of the clinician area: sign-in, one-time code, actions and accounts."""

from __future__ import annotations

from typing import Any

from wtforms.validators import StopValidation

from ..auth import passwords
from ..vocabulary import ContactMethod, ContactResult, Role
from .fields import (
    Option,
    PasswordField,
    QuestionForm,
    RadioGroupField,
    SelectField,
    TextAreaField,
    TextField,
)
from .validators import EmailAddress, Required, Select, Text

NOTE_MAX = 5000
ATTEMPT_NOTE_MAX = 2000
REASON_MAX = 1000


class SignInForm(QuestionForm):
    email = TextField(
        "Email address",
        [
            Required("Enter your email address"),
            Text(
                254,
                too_long="Email address must be 254 characters or fewer",
                control="Enter a valid email address",
            ),
        ],
        input_type="email",
        autocomplete="username",
    )
    password = PasswordField(
        "Password",
        [
            Required("Enter your password"),
            Text(
                passwords.MAX_LENGTH,
                too_long="Enter a correct email address and password",
                control="Enter a correct email address and password",
            ),
        ],
        autocomplete="current-password",
    )


def code_field(hint: str = "") -> TextField:
    """The 6-digit code from an authenticator app (sign-in, set-up, password change)."""
    message = "Enter the 6-digit code from your authenticator app"
    return TextField(
        "Code from your authenticator app",
        [Required(message), Text(20, too_long=message, control=message)],
        hint=hint,
        autocomplete="one-time-code",
    )


class CodeForm(QuestionForm):
    code = code_field("The 6-digit code, for example 123456.")


class StatusForm(QuestionForm):
    status = SelectField("New status", [], [Select("Select a new status")])
    reason = TextAreaField(
        "Reason for closing without a contact attempt",
        [
            Text(
                REASON_MAX,
                too_long=f"Reason must be {REASON_MAX} characters or fewer",
                control="Reason must not contain hidden control characters",
            )
        ],
        hint="Only needed to close an urgent submission when no contact attempt is recorded.",
    )

    def __init__(self, allowed: tuple[str, ...], labels: dict[str, str], **kw: Any):
        super().__init__(**kw)
        self.status.options = tuple(Option(s, labels[s]) for s in allowed)


CONTACT_METHODS = (
    Option(ContactMethod.PHONE, "Phone call"),
    Option(ContactMethod.EMAIL, "Email"),
    Option(ContactMethod.TEXT, "Text message"),
)
CONTACT_RESULTS = (
    Option(ContactResult.REACHED, "Reached the person"),
    Option(ContactResult.NO_ANSWER, "No answer"),
    Option(ContactResult.LEFT_MESSAGE, "Left a message"),
    Option(ContactResult.WRONG_NUMBER, "Wrong number or address"),
)


class ContactAttemptForm(QuestionForm):
    method = RadioGroupField("How", CONTACT_METHODS, [Select("Select how you tried to reach them")])
    result = RadioGroupField("Result", CONTACT_RESULTS, [Select("Select what happened")])
    note = TextAreaField(
        "Note (optional)",
        [
            Text(
                ATTEMPT_NOTE_MAX,
                too_long=f"Note must be {ATTEMPT_NOTE_MAX} characters or fewer",
                control="Note must not contain hidden control characters",
            )
        ],
    )


class AssignForm(QuestionForm):
    clinician_id = SelectField("Assign to", [], [Select("Select a clinician")])

    def __init__(self, clinicians: list[tuple[int, str]], **kw: Any):
        super().__init__(**kw)
        self.clinician_id.options = (
            Option("none", "Nobody"),
            *(Option(str(cid), email) for cid, email in clinicians),
        )


class NoteForm(QuestionForm):
    body = TextAreaField(
        "Add a note",
        [
            Required("Enter a note"),
            Text(
                NOTE_MAX,
                too_long=f"Note must be {NOTE_MAX} characters or fewer",
                control="Note must not contain hidden control characters",
            ),
        ],
    )


class PasswordPolicy:
    def __call__(self, form: Any, field: Any) -> None:
        problem = passwords.problem(field.data or "")
        if problem:
            raise StopValidation(problem)


class AccountForm(QuestionForm):
    email = TextField(
        "Email address",
        [
            Required("Enter an email address"),
            Text(
                254,
                too_long="Email address must be 254 characters or fewer",
                control="Enter a valid email address",
            ),
            EmailAddress("Enter an email address in the correct format, like name@example.com"),
        ],
        input_type="email",
        autocomplete="off",
    )
    role = SelectField(
        "Role",
        [Option(r.value, r.value.capitalize()) for r in Role],
        [Select("Select a role")],
    )


class SetUpForm(QuestionForm):
    """The owner of an invited or reset account sets their password and enrols their
    authenticator, in one go."""

    password = PasswordField(
        "Choose a password",
        [Required("Enter a password"), PasswordPolicy()],
        hint=f"At least {passwords.MIN_LENGTH} characters. A few unusual words make a good "
        "one. Nobody else at the clinic will know it.",
        autocomplete="new-password",
    )
    code = code_field("After you add the key above to the app, it shows a 6-digit code.")


class AlertsForm(QuestionForm):
    alerts = RadioGroupField(
        "Email me when an urgent screening arrives",
        [Option("on", "Yes, email me (and remind me if it waits)"), Option("off", "No")],
        [Select("Select whether you want alert emails")],
    )


class PasswordChangeForm(QuestionForm):
    current_password = PasswordField(
        "Your current password",
        [Required("Enter your current password")],
        autocomplete="current-password",
    )
    new_password = PasswordField(
        "New password",
        [Required("Enter a new password"), PasswordPolicy()],
        hint=f"At least {passwords.MIN_LENGTH} characters. A few unusual words make a good one.",
        autocomplete="new-password",
    )
    code = code_field()
