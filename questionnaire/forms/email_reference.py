""" "Email me my reference": the one question, the address to send the reference code to
(``reference_email`` keeps it only encrypted, only until the email is sent)."""

from __future__ import annotations

from ..i18n import _l
from .fields import QuestionForm, TextField
from .validators import EmailAddress, Required, Text

#: The longest address SMTP carries (RFC 5321's 256-octet path less the angle brackets).
MAX_CHARS = 254


class EmailReferenceForm(QuestionForm):
    title = _l("Email me my reference")

    email = TextField(
        _l("Your email address"),
        [
            Required(_l("Enter your email address")),
            Text(
                MAX_CHARS,
                too_long=_l("Email address must be 254 characters or fewer"),
                control=_l("Email address must not contain hidden control characters"),
            ),
            EmailAddress(_l("Enter an email address in the correct format, like name@example.com")),
        ],
        input_type="email",
        autocomplete="email",
        hint=_l(
            "We send only your reference code and how to reach the clinic and crisis "
            "support. We keep your email address only until the email is sent, then "
            "delete it."
        ),
    )

    def address(self) -> str:
        """The address as it will be used: without the spaces around it."""
        return str(self.email.data or "").strip()
