"""Alert emails through an outbox: written in the same transaction as what they are
about, sent by a worker (``flask --app wsgi outbox run``), each marked sent once.

No health information in any email: the reference, the time, and a link to sign in
and open it. Never the answers, flags, PHQ-9, name, email or phone of the patient.

The same outbox sends the one email a person may send themselves with their reference
code (``reference_email``): its address is kept only encrypted, erased once it is sent,
and never logged; a reference email that cannot be sent is dropped, not listed for admins.

Sending once, with any number of workers: a worker takes a message by a conditional
update (a lease, ``lease_until``) that only one worker can win; on PostgreSQL it first
picks candidates with ``FOR UPDATE SKIP LOCKED`` so that workers do not even wait on
each other. A worker that dies while sending leaves the lease to run out, and the
message is tried again: a message can then go twice, never not at all.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from . import counting, reference_email
from .extensions import db
from .models import PRIORITY_URGENT, Clinician, OutboxMessage, Submission
from .vocabulary import AlertKind, Status

log = logging.getLogger(__name__)

#: Tries before a message is marked failed (and shown to admins), and the waits
#: between them: 1, 2, 4, 8 ... minutes, at most an hour.
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


# --- writing messages -------------------------------------------------------------


def receives_alerts() -> ColumnElement[bool]:
    """Who is sent alerts (clinician.md): an active account that has finished setting up
    (its authenticator is enrolled, which an invited or reset account has not done yet)
    with alerts on. The one definition, for the outbox and for /readyz."""
    return and_(Clinician.active, Clinician.alerts_enabled, Clinician.totp_secret.is_not(None))


def anyone_receives_alerts() -> bool:
    """Whether an urgent screening stored now would alert anybody: one EXISTS query."""
    return bool(db.session.scalar(select(exists().where(receives_alerts()))))


def _recipients() -> list[Clinician]:
    return list(
        db.session.scalars(select(Clinician).where(receives_alerts()).order_by(Clinician.id))
    )


def _add(kind: AlertKind, key: str, reference: str | None, to: Clinician, now: datetime) -> None:
    """Queue one message unless one with the same key is queued already (another worker
    may be adding the same reminder at the same moment: the unique key settles it)."""
    values = {
        "dedupe_key": f"{kind}:{key}:{to.id}",
        "kind": kind.value,
        "reference": reference,
        "recipient": to.email,
        "created_at": now,
        "due_at": now,
        "attempts": 0,
    }
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(OutboxMessage).values(**values).on_conflict_do_nothing()
    db.session.execute(statement)


def alert_urgent(submission: Submission, now: datetime) -> None:
    """Queue the "urgent screening" email to every clinician with alerts on. Called in
    the transaction that stores the submission, so that neither goes without the other."""
    if not submission.urgent:
        return
    for clinician in _recipients():
        _add(AlertKind.URGENT, submission.reference, submission.reference, clinician, now)


def queue_reminders(now: datetime, after_minutes: int) -> int:
    """Queue a reminder for each urgent submission still ``new`` after ``after_minutes``."""
    waiting = db.session.scalars(
        select(Submission.reference).where(
            Submission.priority == PRIORITY_URGENT,
            Submission.status == Status.NEW,
            Submission.created_at <= now - timedelta(minutes=after_minutes),
        )
    ).all()
    recipients = _recipients() if waiting else []
    for reference in waiting:
        for clinician in recipients:
            _add(AlertKind.REMINDER, reference, reference, clinician, now)
    db.session.commit()
    return len(waiting)


def queue_digest(now: datetime, hour: int | None, zone: ZoneInfo) -> bool:
    """From ``hour`` o'clock (clinic time) on, queue that day's digest once."""
    if hour is None:
        return False
    local = now.astimezone(zone)
    if local.hour < hour:
        return False
    for clinician in _recipients():
        _add(AlertKind.DIGEST, local.date().isoformat(), None, clinician, now)
    db.session.commit()
    return True


# --- composing ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    body: str
    #: The body's language (Content-Language), when it is not English.
    language: str = "en"
    #: To a member of the public (their reference email): the address is never logged.
    personal: bool = False


def compose(
    message: OutboxMessage,
    config: dict[str, Any],
    figures: dict[str, int],
    received: datetime | None = None,
) -> Mail:
    """The email's words: the reference, the time it arrived and a link, nothing about the
    person. ``received`` is when the screening arrived (the message's own time if the
    screening is gone). A reference email's own words are in ``reference_email``; its
    address is opened here (``reference_email.Unsendable`` when it cannot be)."""
    if message.kind == AlertKind.REFERENCE:
        language = message.language or "en"
        subject, body = reference_email.compose(message.reference or "", config, language)
        to = reference_email.unseal(message)
        return Mail(to, subject, body, language=language, personal=True)
    zone = ZoneInfo(config["CLINIC_TIMEZONE"])
    base = config["APP_BASE_URL"]
    clinic = config["CLINIC_NAME"]
    at = (received or message.created_at).astimezone(zone).strftime("%-d %b %Y, %H:%M %Z")
    footer = (
        "\n\nThis email holds no health information. Sign in to read the screening.\n"
        f"You get these emails because alerts are on for your account at {clinic}."
    )
    if message.kind == AlertKind.DIGEST:
        body = (
            f"Today's screening queue at {clinic}:\n\n"
            f"- {counting.as_text(figures.get('urgent', 0))} urgent waiting\n"
            f"- {counting.as_text(figures.get('new', 0))} new\n"
            f"- {counting.as_text(figures.get('in_review', 0))} in review\n\n"
            f"Sign in to see them: {base}/clinician/"
        )
        return Mail(_to(message), "Daily summary of the screening queue", body + footer)
    link = f"{base}/clinician/submissions/{message.reference}"
    if message.kind == AlertKind.REMINDER:
        subject = f"Reminder: urgent screening {message.reference} is still new"
        body = (
            f"The urgent screening {message.reference}, received {at}, is still marked "
            f"new: nobody has taken it on yet.\n\nSign in and open it: {link}"
        )
    else:
        subject = f"Urgent screening {message.reference}"
        body = (
            f"An urgent screening arrived at {at}: reference {message.reference}.\n\n"
            f"Sign in and open it: {link}"
        )
    return Mail(_to(message), subject, body + footer)


def _to(message: OutboxMessage) -> str:
    if message.recipient is None:
        raise ValueError(f"outbox message {message.id} has no recipient")
    return message.recipient


# --- sending ------------------------------------------------------------------------

Sender = Callable[[Mail], None]


def smtp_sender(config: dict[str, Any]) -> Sender:
    """Send through the SMTP server of the settings; with no MAIL_SERVER, log instead."""
    if not config.get("MAIL_SERVER"):

        def to_log(mail: Mail) -> None:
            if mail.personal:
                log.warning(
                    "Reference email (no MAIL_SERVER set, not sent; address not logged): %s\n%s",
                    mail.subject,
                    mail.body,
                )
                return
            log.warning(
                "Alert email (no MAIL_SERVER set, not sent) to %s: %s\n%s",
                mail.to,
                mail.subject,
                mail.body,
            )

        return to_log

    domain = parseaddr(config["MAIL_FROM"])[1].rpartition("@")[2] or "localhost"

    def send(mail: Mail) -> None:
        message = EmailMessage()
        message["From"] = config["MAIL_FROM"]
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message["Date"] = formatdate(usegmt=True)
        # Named after the sender's domain, never this server's host name.
        message["Message-ID"] = make_msgid(domain=domain)
        message.set_content(mail.body)
        if mail.language != "en":  # after set_content, which clears Content-* headers
            message["Content-Language"] = mail.language
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)

    return send


def _due(now: datetime):
    return (
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None),
        OutboxMessage.due_at <= now,
        or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
        or_(OutboxMessage.expires_at.is_(None), OutboxMessage.expires_at > now),
    )


def _take(now: datetime) -> OutboxMessage | None:
    """Win the lease on one due message, or None when nothing is due."""
    while True:
        candidate = db.session.scalar(
            select(OutboxMessage.id)
            .where(*_due(now))
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if candidate is None:
            db.session.commit()
            return None
        won = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == candidate, *_due(now))
            .values(lease_until=now + LEASE)
        ).rowcount
        db.session.commit()
        if won == 1:
            return db.session.get(OutboxMessage, candidate)


def _drop(message: OutboxMessage, why: str) -> None:
    """A reference email that will not be sent goes, address and all: the person may
    ask again. Only the message's number is logged."""
    log.warning("Reference email %s dropped unsent (%s); its address is erased", message.id, why)
    db.session.delete(message)


def send_due(now: datetime, send: Sender, config: dict[str, Any]) -> tuple[int, int]:
    """Send every message that is due. Returns (sent, not sent this time): failed alerts
    and messages to try again; a dropped reference email counts in neither."""
    sent = failed = 0
    figures: dict[str, int] = {}
    while (message := _take(now)) is not None:
        personal = message.kind == AlertKind.REFERENCE
        if message.kind == AlertKind.DIGEST and not figures:
            figures = counting.figures(db.session)
        received = (
            db.session.scalar(
                select(Submission.created_at).where(Submission.reference == message.reference)
            )
            if message.reference and not personal
            else None
        )
        try:
            send(compose(message, config, figures, received))
        except reference_email.Unsendable as error:
            _drop(message, str(error))
        except (smtplib.SMTPException, OSError) as error:
            message.attempts += 1
            message.last_error = type(error).__name__
            message.lease_until = None
            retry_at = now + backoff(message.attempts)
            if personal and (
                message.attempts >= MAX_ATTEMPTS
                or (message.expires_at is not None and retry_at >= message.expires_at)
            ):
                _drop(message, f"{message.attempts} tries, last {message.last_error}")
            elif message.attempts >= MAX_ATTEMPTS:
                failed += 1
                message.failed_at = now
                log.error("Alert email %s failed %d times; given up", message.id, message.attempts)
            else:
                failed += 1
                message.due_at = retry_at
                log.warning(
                    "%s email %s not sent (%s); trying again at %s",
                    "Reference" if personal else "Alert",
                    message.id,
                    message.last_error,
                    message.due_at.isoformat(),
                )
        else:
            sent += 1
            message.attempts += 1
            message.sent_at = now
            message.lease_until = None
            if personal:
                reference_email.sent(message)
        db.session.commit()
    return sent, failed


def run_once(now: datetime, send: Sender | None = None) -> tuple[int, int]:
    """One round of the worker: drop reference emails past their time, queue reminders
    and the digest, then send what is due."""
    config = current_app.config
    reference_email.drop_expired(now)
    db.session.commit()
    queue_reminders(now, config["URGENT_REMINDER_MINUTES"])
    queue_digest(now, config["DIGEST_HOUR"], ZoneInfo(config["CLINIC_TIMEZONE"]))
    return send_due(now, send or smtp_sender(config), config)


def failed_count() -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.failed_at.is_not(None))
        )
        or 0
    )


def failed() -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.failed_at.is_not(None))
            .order_by(OutboxMessage.failed_at.desc())
            .limit(200)
        )
    )


def retry(message_id: int, now: datetime) -> bool:
    """Put a failed message back in the queue (after the mail settings are fixed)."""
    done = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.failed_at.is_not(None))
        .values(failed_at=None, attempts=0, due_at=now, lease_until=None)
    ).rowcount
    return done == 1
