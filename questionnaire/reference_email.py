"""The email a person may send themselves from their result (issue 23, "Email me my
reference"): their reference code, how to reach the clinic and where to get crisis
support. Never the answers, the outcome, the PHQ-9, the flags or a link to the result.

One email per submission, through the outbox: asking queues one outbox message whose
unique key is ``reference:<code>`` (two requests at once: the database lets one in), and
the outbox worker sends it with its retries. That message is also the record that the
email was asked for; nothing else about it is stored.

The address is not kept. The outbox row holds it only encrypted (Fernet, with
``MFA_ENCRYPTION_KEY``), never in clear, and only until the email is sent: the worker
erases it in the same transaction that marks the message sent. A message that cannot
be sent (the worker gives up, or ``KEEP`` has passed, or no key opens the address) is
deleted, address and all, and the person may ask again. The words are composed when the
email is sent, in the language of the page it was asked from.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .auth import secret_box
from .extensions import db
from .i18n import _, clinic_contact, in_language
from .models import OutboxMessage
from .vocabulary import AlertKind

#: How long an address may wait, encrypted, for its email to be sent.
KEEP = timedelta(hours=24)


class Unsendable(Exception):
    """The message's address is gone or cannot be opened: the message is dropped."""


def dedupe_key(reference: str) -> str:
    return f"{AlertKind.REFERENCE.value}:{reference}"


def requested(reference: str) -> bool:
    """Whether this reference's email was asked for: sent, or on its way."""
    found = db.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key(reference))
    )
    return found is not None


def request(reference: str, address: str, language: str, now: datetime) -> bool:
    """Queue the reference email to ``address``; False when it was asked for already.
    Adds to the session; the caller commits."""
    values = {
        "dedupe_key": dedupe_key(reference),
        "kind": AlertKind.REFERENCE.value,
        "reference": reference,
        "recipient": None,
        "sealed_recipient": secret_box.encrypt(address),
        "language": language,
        "created_at": now,
        "due_at": now,
        "expires_at": now + KEEP,
        "attempts": 0,
    }
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(OutboxMessage.id)  # no row when it was asked for already
    )
    return db.session.execute(statement).scalar() is not None


def unseal(message: OutboxMessage) -> str:
    """The address of a waiting reference email, in clear for the moment of sending."""
    if not message.sealed_recipient:
        raise Unsendable("the address was erased")
    try:
        return secret_box.decrypt(message.sealed_recipient)
    except ValueError as error:
        raise Unsendable("no key in MFA_ENCRYPTION_KEY opens the address") from error


def sent(message: OutboxMessage) -> None:
    """After a successful send: the address goes; the row stays as the record."""
    message.sealed_recipient = None


def drop_expired(now: datetime) -> int:
    """Delete the reference emails still unsent after ``KEEP``, addresses and all (none
    that a worker is sending right now). The caller commits."""
    statement = delete(OutboxMessage).where(
        OutboxMessage.kind == AlertKind.REFERENCE.value,
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.expires_at <= now,
        or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
    )
    return db.session.execute(statement).rowcount


def reseal() -> int:
    """Encrypt every waiting address again with the first key (key rotation)."""
    waiting = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.sealed_recipient.is_not(None))
    ).all()
    for message in waiting:
        try:
            message.sealed_recipient = secret_box.encrypt(unseal(message))
        except Unsendable:
            message.sealed_recipient = None  # unreadable: the worker drops it
    return len(waiting)


# --- the words ------------------------------------------------------------------------


def compose(reference: str, config: Mapping[str, Any], language: str) -> tuple[str, str]:
    """The subject and plain-text body, in ``language``."""
    with in_language(language):
        clinic = clinic_contact(config, language)
        contacts = config["CRISIS_CONTACTS_ES" if language == "es" else "CRISIS_CONTACTS"]
        lines = [
            _("Your reference code is %(reference)s.", reference=reference),
            "",
            _(
                "Keep this email. When you talk to the clinic, give them this code so that "
                "they can find the answers you sent."
            ),
            "",
            _("How to contact %(clinic)s", clinic=clinic.name),
        ]
        for label, value in (
            (_("Phone"), clinic.phone),
            (_("Email"), clinic.email),
            (_("Opening hours"), clinic.hours),
            (_("Address"), clinic.address),
        ):
            if value:
                lines.append(f"{label}: {value}")
        if not clinic.reachable:
            lines.append(
                _(
                    "The clinic has not put its phone number or email address on this "
                    "site. Please talk to your own doctor instead."
                )
            )
        lines += ["", _("If you need help now")]
        for contact in contacts:
            line = f"- {contact['name']}: {contact['detail']}"
            if contact.get("href", "").startswith("https://"):
                line += f" ({contact['href']})"
            if contact.get("note"):
                line += f" {contact['note']}"
            lines.append(line)
        lines += [
            "",
            _(
                "You asked for this email on the ketamine therapy screening. It does not "
                "hold your answers or your result. We delete your email address once this "
                "email is sent."
            ),
        ]
        return _("Your reference code"), "\n".join(lines) + "\n"
