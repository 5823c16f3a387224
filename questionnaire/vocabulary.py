"""The named values the service stores: outcomes, review statuses, roles and where a
submission came from. One module, so the rules, the database's CHECK constraints, the
forms and the pages all read the same list."""

from __future__ import annotations

from enum import StrEnum


class OutcomeId(StrEnum):
    URGENT_SUPPORT = "urgent-support"
    ADULT_ONLY = "adult-only"
    NOT_RECOMMENDED = "not-recommended"
    OTHER_OPTIONS_FIRST = "other-options-first"
    EVALUATE_FIRST = "evaluate-first"
    DISCUSS = "discuss"


class Status(StrEnum):
    NEW = "new"
    IN_REVIEW = "in-review"
    CONTACTED = "contacted"
    UNABLE_TO_CONTACT = "unable-to-contact"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


#: Statuses in which an urgent submission is still waiting for someone to act.
WAITING: tuple[Status, ...] = (Status.NEW, Status.IN_REVIEW)


class ContactMethod(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    TEXT = "text"


class ContactResult(StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no-answer"
    LEFT_MESSAGE = "left-message"
    WRONG_NUMBER = "wrong-number"


class AlertKind(StrEnum):
    """What an outbox email is: three alerts to clinicians, and the reference email a
    person sends themselves from their result."""

    URGENT = "urgent"
    REMINDER = "reminder"
    DIGEST = "digest"
    REFERENCE = "reference"


class Role(StrEnum):
    CLINICIAN = "clinician"
    ADMIN = "admin"


class Source(StrEnum):
    WEB = "web"
    FHIR = "fhir"


class Language(StrEnum):
    """The languages a person can answer in (``i18n.LANGUAGES``)."""

    EN = "en"
    ES = "es"


#: Outcomes a stored submission can have: a minor's answers are never stored.
STORED_OUTCOMES: tuple[OutcomeId, ...] = tuple(
    o for o in OutcomeId if o is not OutcomeId.ADULT_ONLY
)


def one_of(column: str, values: type[StrEnum] | tuple[StrEnum, ...]) -> str:
    """A CHECK constraint's text: ``column IN ('a', 'b')``."""
    quoted = ", ".join(f"'{v.value}'" for v in values)
    return f"{column} IN ({quoted})"
