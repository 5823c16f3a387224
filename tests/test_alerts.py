"""Urgent alerts through the outbox, sent to a real SMTP server (aiosmtpd, in-process):
delivery, what the email holds (no health data), a mail outage, two workers at once,
reminders on a controllable clock, and failed alerts shown to admins."""

from __future__ import annotations

import email
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from questionnaire import outbox
from questionnaire.extensions import db
from questionnaire.models import Clinician, OutboxMessage, Submission

from .helpers import Patient
from .html import soup, words
from .staff import make_clinician, make_submission

CONTACT = {
    "wants_contact": "yes",
    "contact_name": "Robin Quinterro",
    "contact_email": "robin.quinterro@example.com",
    "contact_phone": "+1 555 010 0142",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """Collects every message the SMTP server accepts (optionally slowly)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.messages: list[Message] = []
        self.delay = delay
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


class MailServer:
    def __init__(self, port: int, delay: float = 0.0) -> None:
        self.port = port
        self.inbox = Inbox(delay)
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def mail(app) -> Iterator[MailServer]:
    server = MailServer(free_port())
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=server.port,
        MAIL_USE_TLS=False,
        MAIL_FROM="alerts@clinic.example",
        APP_BASE_URL="https://screening.example.org",
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def team(app) -> dict[str, dict]:
    """Two clinicians who get alerts, one who turned them off, one disabled."""
    people = {
        "sam": make_clinician(app, "sam@clinic.example"),
        "ada": make_clinician(app, "ada@clinic.example", role="admin"),
        "quiet": make_clinician(app, "quiet@clinic.example"),
        "gone": make_clinician(app, "gone@clinic.example"),
    }
    with app.app_context():
        for name, active, alerts in (("quiet", True, False), ("gone", False, True)):
            clinician = db.session.get(Clinician, people[name]["id"])
            clinician.active, clinician.alerts_enabled = active, alerts
        db.session.commit()
    return people


def run(app, now, send=None):
    with app.app_context():
        return outbox.run_once(now, send)


def queued(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return rows


def urgent_by_patient(app, client) -> str:
    Patient(client).complete({"phq9": {"phq9_9": "2"}, "contact": CONTACT})
    with app.app_context():
        return db.session.scalar(select(Submission.reference))


def test_an_urgent_screening_emails_every_clinician_with_alerts_on(app, client, mail, team, clock):
    reference = urgent_by_patient(app, client)
    # written with the submission, before any worker runs
    assert sorted(m.recipient for m in queued(app)) == ["ada@clinic.example", "sam@clinic.example"]
    assert run(app, clock.now()) == (2, 0)
    assert sorted(m["To"] for m in mail.inbox.messages) == [
        "ada@clinic.example",
        "sam@clinic.example",
    ]
    message = mail.inbox.messages[0]
    assert message["From"] == "alerts@clinic.example"
    assert message["Subject"] == f"Urgent screening {reference}"
    body = message.get_payload(decode=True).decode()
    assert f"https://screening.example.org/clinician/submissions/{reference}" in body
    assert "This email holds no health information." in body
    # sent once: another round sends nothing
    assert run(app, clock.now() + timedelta(minutes=1)) == (0, 0)
    assert len(mail.inbox.messages) == 2
    assert all(m.sent_at is not None and m.attempts == 1 for m in queued(app))


def test_no_health_information_in_the_email(app, client, mail, team, clock):
    urgent_by_patient(app, client)
    run(app, clock.now())
    with app.app_context():
        submission = db.session.scalar(select(Submission))
        flags = [f["id"] for f in submission.assessment["flags"]]
    text = "\n".join(
        f"{m['Subject']}\n{m.get_payload(decode=True).decode()}" for m in mail.inbox.messages
    ).lower()
    forbidden = [
        *CONTACT.values(),
        "555 010",
        "quinterro",
        "phq",
        "suicid",
        "self-harm",
        "dead",
        "urgent-support",
        "depress",
        *flags,
    ]
    assert [word for word in forbidden if word.lower() in text and word != "yes"] == []


def test_other_outcomes_send_nothing(app, patient, mail, team, clock):
    patient.complete()
    assert queued(app) == []
    assert run(app, clock.now()) == (0, 0)


def test_a_mail_outage_loses_no_alert(app, client, mail, team, clock):
    mail.stop()
    reference = urgent_by_patient(app, client)  # the screening is stored all the same
    assert run(app, clock.now()) == (0, 2)
    waiting = queued(app)
    assert [(m.attempts, m.sent_at, m.last_error) for m in waiting] == [
        (1, None, "ConnectionRefusedError")
    ] * 2
    # not tried again before the backoff; then the server is back and it goes, once
    assert run(app, clock.now() + timedelta(seconds=30)) == (0, 0)
    mail.start()
    assert run(app, clock.now() + timedelta(minutes=2)) == (2, 0)
    assert run(app, clock.now() + timedelta(minutes=5)) == (0, 0)
    assert [m["Subject"] for m in mail.inbox.messages] == [f"Urgent screening {reference}"] * 2


def test_an_alert_that_keeps_failing_is_shown_to_admins(app, client, mail, team, staff, clock):
    app.config["URGENT_REMINDER_MINUTES"] = 100_000  # no reminders in this test
    mail.stop()
    reference = urgent_by_patient(app, client)
    moment = clock.now()
    for _ in range(outbox.MAX_ATTEMPTS):
        run(app, moment)
        moment += timedelta(hours=1)
    assert all(m.failed_at is not None for m in queued(app))
    staff.full_sign_in(team["ada"])
    queue = soup(staff.client.get("/clinician/"))
    assert words(queue.select_one("[data-failed-alerts] strong")) == (
        "2 alert emails could not be sent."
    )
    page = soup(staff.client.get("/clinician/alerts"))
    rows = page.select("table[data-failed-alerts] tbody tr")
    assert [words(tr.find_all("td")[1]) for tr in rows] == [reference, reference]
    # once the mail server is back, an admin sends them again
    mail.start()
    retry = rows[0].select_one("form")["action"]
    assert staff.post(retry).status_code == 303
    assert run(app, moment) == (1, 0)
    assert [m["To"] for m in mail.inbox.messages] == [words(rows[0].find_all("td")[2])]


def test_a_plain_clinician_does_not_see_failed_alerts(app, client, mail, team, staff, clock):
    staff.full_sign_in(team["sam"])
    assert soup(staff.client.get("/clinician/")).select("[data-failed-alerts]") == []
    assert staff.client.get("/clinician/alerts").status_code == 403


def test_a_reminder_when_an_urgent_screening_is_still_new(app, mail, team, clock):
    app.config["URGENT_REMINDER_MINUTES"] = 60
    start = clock.now()
    reference = make_submission(app, created_at=start, phq9_9="1")
    handled = make_submission(app, created_at=start, phq9_9="1", status="in-review")
    run(app, start)
    assert len(mail.inbox.messages) == 0  # made straight in the database: no first alert
    assert run(app, start + timedelta(minutes=59)) == (0, 0)
    assert run(app, start + timedelta(minutes=61)) == (2, 0)
    subjects = {m["Subject"] for m in mail.inbox.messages}
    assert subjects == {f"Reminder: urgent screening {reference} is still new"}
    # it says when the screening arrived, not when the reminder was written
    arrived = start.astimezone(ZoneInfo("America/New_York")).strftime("%-d %b %Y, %H:%M %Z")
    body = mail.inbox.messages[0].get_payload(decode=True).decode()
    assert f"received {arrived}, is still marked new" in body
    assert handled not in " ".join(subjects)
    # one reminder per person, however long it waits
    assert run(app, start + timedelta(minutes=180)) == (0, 0)


def test_the_worker_command_sends_what_is_due(app, client, mail, team, runner):
    urgent_by_patient(app, client)
    result = runner.invoke(args=["outbox", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert result.output == "Sent 2 alert emails; 0 to try again later.\n"
    assert len(mail.inbox.messages) == 2


def test_without_a_mail_server_the_email_goes_to_the_log(app, client, team, clock, caplog):
    app.config["MAIL_SERVER"] = ""
    reference = urgent_by_patient(app, client)
    with caplog.at_level("WARNING", logger="questionnaire.outbox"):
        assert run(app, clock.now()) == (2, 0)
    logged = [r.getMessage() for r in caplog.records]
    assert len(logged) == 2
    assert all(f"Urgent screening {reference}" in line for line in logged)


def test_two_workers_at_once_send_each_alert_once(app, mail, clock):
    """Two workers racing over the same outbox (on PostgreSQL: FOR UPDATE SKIP LOCKED
    and the lease; on SQLite: the lease), with a slow mail server."""
    for i in range(6):
        make_clinician(app, f"c{i}@clinic.example")
    mail.inbox.delay = 0.05
    references = [make_submission(app, phq9_9="1") for _ in range(3)]
    with app.app_context():
        for reference in references:
            submission = db.session.scalar(
                select(Submission).where(Submission.reference == reference)
            )
            outbox.alert_urgent(submission, clock.now())
        db.session.commit()
    results: list[tuple[int, int]] = []

    def worker() -> None:
        with app.app_context():
            results.append(outbox.send_due(clock.now(), outbox.smtp_sender(app.config), app.config))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    sent = [(m["To"], m["Subject"]) for m in mail.inbox.messages]
    assert len(sent) == 18 and len(set(sent)) == 18
    assert sum(done for done, _ in results) == 18
    assert all(done > 0 for done, _ in results)  # both workers did some of the work


def test_the_daily_digest_goes_once_a_day_from_its_hour(app, mail, team, clock):
    from datetime import UTC, datetime

    app.config["DIGEST_HOUR"] = 8  # clinic time: America/New_York
    app.config["URGENT_REMINDER_MINUTES"] = 100_000  # no reminders in this test
    make_submission(app, phq9_9="1")
    make_submission(app, status="in-review")
    before = datetime(2026, 12, 1, 12, 59, tzinfo=UTC)  # 07:59 in New York
    assert run(app, before) == (0, 0)
    assert run(app, before + timedelta(minutes=1)) == (2, 0)  # 08:00: one to each
    assert run(app, before + timedelta(hours=5)) == (0, 0)  # not again that day
    assert run(app, before + timedelta(days=1, minutes=1)) == (2, 0)  # the next day
    digest = mail.inbox.messages[0]
    assert digest["Subject"] == "Daily summary of the screening queue"
    body = digest.get_payload(decode=True).decode().replace("\r\n", "\n")
    assert "- 1 urgent waiting\n- 1 new\n- 1 in review" in body
    assert "https://screening.example.org/clinician/" in body
