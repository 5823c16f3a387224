""" "Email me my reference" (issue 23, point 9): one email per submission, through the
outbox to a real SMTP server (aiosmtpd, in-process), holding the reference, the clinic's
contact and the crisis contacts and nothing of the answers; the address kept only
encrypted until the email is sent, never in a log; rate-limited; in the page's language."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from email.header import decode_header, make_header
from email.message import Message

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import insert, inspect, select, text
from sqlalchemy.exc import IntegrityError

from questionnaire import outbox
from questionnaire.auth import secret_box
from questionnaire.extensions import db
from questionnaire.models import OutboxMessage, Submission
from questionnaire.rules import OUTCOMES

from .helpers import Patient
from .html import error_summary, soup, words
from .test_alerts import MailServer, free_port
from .test_spanish import english_in, spanish

ADDRESS = "pat.wanderly@mailbox.example"
CLINIC = {
    "CLINIC_NAME": "Riverside Mood Clinic",
    "CLINIC_PHONE": "+1 555 0100",
    "CLINIC_EMAIL": "care@riverside.example",
    "CLINIC_HOURS": "Monday to Friday, 9am to 5pm",
    "CLINIC_HOURS_ES": "lunes a viernes, de 9 a. m. a 5 p. m.",
}
#: Answers no email may hold: free text, contact details and chosen options.
NOTES = "I ride a green tandem bicycle to the lighthouse"
CONTACT = {
    "wants_contact": "yes",
    "contact_name": "Robin Quinterro",
    "contact_email": "robin.quinterro@example.com",
    "contact_phone": "+1 555 010 0142",
}
URGENT = {"phq9": {"phq9_9": "2"}, "practical": {"notes": NOTES}, "contact": CONTACT}
ALREADY = (
    "An email with the reference code {} has already been sent. We send it only once for "
    "each reference."
)


@pytest.fixture
def mail(app) -> Iterator[MailServer]:
    server = MailServer(free_port())
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=server.port,
        MAIL_USE_TLS=False,
        MAIL_FROM="screening@riverside.example",
        **CLINIC,
    )
    server.start()
    yield server
    server.stop()


def screened(app, client, changes=URGENT) -> tuple[str, str]:
    """A person sends a screening: (the result's path, the reference)."""
    path = Patient(client).complete(changes).request.path
    with app.app_context():
        reference = db.session.scalar(select(Submission.reference).order_by(Submission.id.desc()))
    return path, reference


def ask(client, path: str, address: str = ADDRESS, **kw):
    return Patient(client).post(f"{path}/email", {"email": address}, **kw)


def run(app, now) -> tuple[int, int]:
    with app.app_context():
        return outbox.run_once(now)


def body_of(message: Message) -> str:
    raw = message.get_payload(decode=True).decode(message.get_content_charset())
    return raw.replace("\r\n", "\n")


def subject_of(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def outbox_rows(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return rows


def everything_stored(app) -> str:
    """Every value of every column of every table, as text."""
    with app.app_context():
        values = []
        for table in inspect(db.engine).get_table_names():
            quoted = db.engine.dialect.identifier_preparer.quote(table)
            for row in db.session.execute(text(f"SELECT * FROM {quoted}")):  # noqa: S608
                values += [str(v) for v in row]
        return "\n".join(values).lower()


# --- the email --------------------------------------------------------------------------


def test_the_email_holds_the_reference_and_the_contacts_and_none_of_the_answers(
    app, client, mail, clock
):
    path, reference = screened(app, client)
    token = path.rsplit("/", 1)[1]
    assert ask(client, path).status_code == 303
    assert mail.inbox.messages == []  # queued, not sent by the page
    assert run(app, clock.now()) == (1, 0)

    [message] = mail.inbox.messages
    assert message["To"] == ADDRESS
    assert message["From"] == "screening@riverside.example"
    assert message["Subject"] == "Your reference code"
    assert message["Date"]
    assert message["Message-ID"].endswith("@riverside.example>")
    body = body_of(message)
    assert body.startswith(f"Your reference code is {reference}.\n")
    for line in (
        "How to contact Riverside Mood Clinic",
        "Phone: +1 555 0100",
        "Email: care@riverside.example",
        "Opening hours: Monday to Friday, 9am to 5pm",
        "If you need help now",
        "- 988 Suicide & Crisis Lifeline: Call 988",
        "- 988 Suicide & Crisis Lifeline: Text 988",
        "- 988 Lifeline chat: Chat online with 988 (https://988lifeline.org/chat/)",
        "- Crisis Text Line: Text HOME to 741741",
        "- Emergency services: Call 911 or go to the nearest emergency department if you "
        "are in danger now. Outside the US, call your local emergency number.",
    ):
        assert line in body.splitlines(), line

    with app.app_context():
        submission = db.session.scalar(select(Submission))
        total = submission.phq9_total
        flags = [f["id"] for f in submission.assessment["flags"]]
    assert total is not None and total >= 10
    # the reference is the one code in it: without it, none of the person's answers
    rest = body.replace(reference, "").lower()
    forbidden = [
        NOTES,
        "tandem",
        *CONTACT.values(),
        "quinterro",
        "010 0142",
        "42",  # their age
        OUTCOMES["urgent-support"].title,
        "urgent",
        "phq",
        str(total),
        "depress",
        "suicidal",
        "better off dead",
        *flags,
        token,
        "/screening",
        "http://",
        "localhost",
    ]
    assert [word for word in forbidden if word.lower() in rest and word != "yes"] == []


def test_an_ordinary_result_sends_the_same_email_and_no_outcome(app, client, mail, clock):
    path, reference = screened(app, client, {"contact": {"wants_contact": "no"}})
    assert ask(client, path).status_code == 303
    assert run(app, clock.now()) == (1, 0)
    body = body_of(mail.inbox.messages[0])
    assert body.startswith(f"Your reference code is {reference}.\n")
    assert OUTCOMES["discuss"].title.lower() not in body.lower()
    assert "ketamine therapy may be" not in body.lower()
    assert "- Emergency services: Call 911" in body


def test_the_address_is_kept_only_encrypted_and_erased_once_sent(app, client, mail, clock):
    path, reference = screened(app, client)
    assert ask(client, path).status_code == 303
    assert ADDRESS not in everything_stored(app)
    [waiting] = outbox_rows(app)
    assert (waiting.kind, waiting.reference, waiting.recipient) == ("reference", reference, None)
    assert waiting.expires_at == clock.now() + timedelta(hours=24)
    with app.app_context():  # it is there, encrypted, for the worker to send
        assert secret_box.decrypt(waiting.sealed_recipient) == ADDRESS

    assert run(app, clock.now()) == (1, 0)
    [done] = outbox_rows(app)
    assert done.sent_at == clock.now() and done.sealed_recipient is None
    stored = everything_stored(app)
    assert ADDRESS not in stored and waiting.sealed_recipient.lower() not in stored
    assert "pat.wanderly" not in stored


def test_the_database_refuses_a_clear_address_on_a_reference_email(app, clock):
    row = {
        "dedupe_key": "reference:KT-AAAA-AAAA",
        "kind": "reference",
        "reference": "KT-AAAA-AAAA",
        "recipient": ADDRESS,
        "created_at": clock.now(),
        "due_at": clock.now(),
        "attempts": 0,
    }
    with app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(insert(OutboxMessage).values(**row))
            db.session.commit()
        db.session.rollback()


def test_no_address_in_the_logs(app, client, mail, clock, caplog):
    path, _ = screened(app, client)
    with caplog.at_level(logging.DEBUG):
        assert ask(client, path).status_code == 303
        mail.stop()  # a failure is logged too
        assert run(app, clock.now()) == (0, 1)
        mail.start()
        assert run(app, clock.now() + timedelta(minutes=2)) == (1, 0)
    # everything the app logged (the test's own SMTP server, aiosmtpd's "mail.log", aside)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")
    assert "Reference email (no MAIL_SERVER" not in logged
    assert "Reference email 1 not sent (ConnectionRefusedError)" in logged
    assert "pat.wanderly" not in logged.lower()


def test_without_a_mail_server_the_log_gets_the_email_but_not_the_address(
    app, client, clock, caplog
):
    app.config.update(MAIL_SERVER="", **CLINIC)
    path, reference = screened(app, client)
    assert ask(client, path).status_code == 303
    with caplog.at_level(logging.WARNING, logger="questionnaire.outbox"):
        assert run(app, clock.now()) == (1, 0)
    [line] = [r.getMessage() for r in caplog.records]
    assert line.startswith("Reference email (no MAIL_SERVER set, not sent; address not logged)")
    assert f"Your reference code is {reference}." in line
    assert "pat.wanderly" not in line
    assert outbox_rows(app)[0].sealed_recipient is None


# --- once ---------------------------------------------------------------------------------


def test_a_second_request_is_refused(app, client, mail, clock):
    path, reference = screened(app, client)
    assert ask(client, path).status_code == 303
    again = client.get(f"{path}/email")
    assert again.status_code == 200
    page = soup(again)
    assert words(page.h1) == "Your reference has already been emailed"
    assert words(page.select_one("[data-already-emailed]")) == ALREADY.format(reference)
    assert page.select("form[data-email-reference]") == []

    refused = ask(client, path, "someone.else@mailbox.example")
    assert refused.status_code == 409
    assert words(soup(refused).select_one("[data-already-emailed]")) == ALREADY.format(reference)
    assert run(app, clock.now()) == (1, 0)
    assert [m["To"] for m in mail.inbox.messages] == [ADDRESS]
    # still refused once it has been sent, from any browser that has the link
    later = ask(app.test_client(), path, "someone.else@mailbox.example")
    assert later.status_code == 409
    assert run(app, clock.now() + timedelta(hours=1)) == (0, 0)
    assert len(mail.inbox.messages) == 1
    assert len(outbox_rows(app)) == 1


def test_two_requests_at_once_queue_one_email(app, clock):
    """The check on the page and the insert are apart: the unique key settles a race."""
    from questionnaire import reference_email

    with app.app_context():
        assert reference_email.request("KT-AAAA-AAAA", ADDRESS, "en", clock.now()) is True
        assert reference_email.request("KT-AAAA-AAAA", "b@mailbox.example", "en", clock.now()) is (
            False
        )
        db.session.commit()
    assert [(m.reference, m.kind) for m in outbox_rows(app)] == [("KT-AAAA-AAAA", "reference")]


def test_two_results_each_get_their_own_email(app, mail, clock):
    first, one = screened(app, app.test_client())
    second, two = screened(app, app.test_client())
    assert ask(app.test_client(), first).status_code == 303
    assert ask(app.test_client(), second, "other@mailbox.example").status_code == 303
    assert run(app, clock.now()) == (2, 0)
    sent = {m["To"]: body_of(m) for m in mail.inbox.messages}
    assert one in sent[ADDRESS] and two not in sent[ADDRESS]
    assert two in sent["other@mailbox.example"]


def test_an_email_that_cannot_be_sent_is_dropped_with_its_address(app, client, mail, clock):
    mail.stop()
    path, _ = screened(app, client)
    assert ask(client, path).status_code == 303
    assert run(app, clock.now()) == (0, 1)
    [waiting] = outbox_rows(app)
    assert (waiting.attempts, waiting.last_error) == (1, "ConnectionRefusedError")
    assert waiting.sealed_recipient is not None
    # still down a day later: the message goes, address and all, unsent
    assert run(app, clock.now() + timedelta(hours=24, seconds=1)) == (0, 0)
    assert outbox_rows(app) == []
    assert "pat.wanderly" not in everything_stored(app)
    mail.start()
    assert run(app, clock.now() + timedelta(hours=25)) == (0, 0)
    assert mail.inbox.messages == []
    # and the person may ask again
    form = client.get(f"{path}/email")
    assert form.status_code == 200 and soup(form).select("form[data-email-reference]")


def test_an_address_no_key_opens_is_dropped_unsent(app, client, mail, clock):
    path, _ = screened(app, client)
    assert ask(client, path).status_code == 303
    app.config["MFA_ENCRYPTION_KEYS"] = (Fernet.generate_key().decode(),)
    assert run(app, clock.now()) == (0, 0)
    assert mail.inbox.messages == []
    assert outbox_rows(app) == []


def test_rotating_the_key_reseals_a_waiting_address(app, client, mail, clock, runner):
    path, _ = screened(app, client)
    assert ask(client, path).status_code == 303
    old = app.config["MFA_ENCRYPTION_KEYS"]
    new = Fernet.generate_key().decode()
    app.config["MFA_ENCRYPTION_KEYS"] = (new, *old)
    result = runner.invoke(args=["clinician", "rotate-mfa-key"])
    assert "Re-encrypted 1 email addresses waiting to be sent." in result.output
    app.config["MFA_ENCRYPTION_KEYS"] = (new,)
    assert run(app, clock.now()) == (1, 0)
    assert [m["To"] for m in mail.inbox.messages] == [ADDRESS]


# --- the pages ----------------------------------------------------------------------------


def test_the_form_page(app, client, mail):
    path, reference = screened(app, client, {"contact": {"wants_contact": "no"}})
    response = client.get(f"{path}/email")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = soup(response)
    assert words(page.title).startswith("Email me my reference –")
    assert page.select("[data-crisis]") == []  # nothing in these answers calls for it
    assert words(page.h1) == "Email me my reference"
    assert f"Your reference code is {reference}." in words(page.main)
    assert words(page.select_one("label[for=email]")) == "Your email address"
    field = page.select_one("input#email")
    assert (field["type"], field["autocomplete"], field["aria-describedby"]) == (
        "email",
        "email",
        "email-hint",
    )
    assert words(page.select_one("#email-hint")) == (
        "We send only your reference code and how to reach the clinic and crisis support. "
        "We keep your email address only until the email is sent, then delete it."
    )
    assert page.select_one("form[data-email-reference] input[name=csrf_token]")
    back = [a["href"] for a in page.select("a") if words(a) == "Back to your result"]
    assert back == [path]


def test_the_crisis_panel_comes_first_when_the_answers_call_for_it(app, client, mail):
    path, _ = screened(app, client)
    page = soup(client.get(f"{path}/email"))
    first = page.main.find(True)
    assert first.has_attr("data-crisis")
    asked = ask(client, path)
    sent = soup(client.get(asked.location))
    assert sent.main.find(True).has_attr("data-crisis")


def test_the_confirmation_says_what_was_sent_and_that_the_address_is_not_kept(app, client, mail):
    path, reference = screened(app, client, {"contact": {"wants_contact": "no"}})
    asked = ask(client, path)
    assert asked.status_code == 303
    assert asked.location == f"{path}/email/sent"
    response = client.get(asked.location)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = soup(response)
    assert words(page.h1) == "We are sending your reference code"
    assert words(page.select_one("[data-email-sent]")) == (
        f"We are sending an email to the address you gave. It holds only your reference "
        f"code, {reference}, how to contact the clinic and where to get crisis support. It "
        f"does not include your answers or your result."
    )
    assert (
        "We keep your email address only until the email is sent, then delete it. If the "
        "email cannot be sent within 24 hours, we delete your address without sending it."
    ) in words(page.main)
    assert ADDRESS not in response.get_data(as_text=True)
    back = [a["href"] for a in page.select("a") if words(a) == "Back to your result"]
    assert back == [path]


def test_the_confirmation_before_asking_goes_to_the_form(app, client):
    path, _ = screened(app, client)
    response = client.get(f"{path}/email/sent")
    assert (response.status_code, response.location) == (303, f"{path}/email")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter your email address"),
        ("   ", "Enter your email address"),
        ("pat.wanderly", "Enter an email address in the correct format, like name@example.com"),
        ("pat@@mailbox", "Enter an email address in the correct format, like name@example.com"),
        ("a" * 250 + "@x.example", "Email address must be 254 characters or fewer"),
        # a paste of 100,000 emoji: the field's own message, never a 413 page
        ("\N{GRINNING FACE}" * 100_000, "Email address must be 254 characters or fewer"),
        ("pat\x07@mailbox.example", "Email address must not contain hidden control characters"),
    ],
)
def test_a_wrong_address_gets_the_field_message_with_the_text_kept(
    app, client, mail, typed, message
):
    path, _ = screened(app, client, {"contact": {"wants_contact": "no"}})
    response = ask(client, path, typed)
    assert response.status_code == 422
    page = soup(response)
    assert words(page.title).startswith("Error: Email me my reference")
    assert error_summary(page) == [("#email", message)]
    assert words(page.select_one("#email-error")) == f"Error: {message}"
    field = page.select_one("input#email")
    assert field["value"] == typed
    assert field["aria-invalid"] == "true"
    assert outbox_rows(app) == []


def test_the_form_needs_its_csrf_token(app, client, mail):
    path, _ = screened(app, client)
    response = client.post(f"{path}/email", data={"email": ADDRESS})
    assert response.status_code == 400
    assert outbox_rows(app) == []


def test_too_many_tries_from_one_address(app, mail):
    app.config["REFERENCE_EMAIL_RATE_LIMIT"] = "2 per minute"
    client = app.test_client()
    path, _ = screened(app, client)
    statuses = [ask(client, path, "wrong").status_code for _ in range(2)]
    limited = ask(client, path)
    assert [*statuses, limited.status_code] == [422, 422, 429]
    assert words(soup(limited).h1) == "Too many tries"
    assert outbox_rows(app) == []
    # the same address is limited for another person's result too; the pages still open
    other, _ = screened(app, app.test_client())
    assert ask(app.test_client(), other).status_code == 429
    assert client.get(f"{path}/email").status_code == 200


def test_a_wrong_or_withdrawn_link_is_not_found(app, client, mail):
    assert client.get("/screening/result/not-a-real-token/email").status_code == 404
    assert ask(client, "/screening/result/not-a-real-token").status_code == 404
    path, _ = screened(app, client)
    patient = Patient(client)
    assert patient.post(f"{path}/delete").status_code == 303
    assert client.get(f"{path}/email").status_code == 404
    assert ask(client, path).status_code == 404
    assert client.get(f"{path}/email/sent").status_code == 404
    assert outbox_rows(app) == []


def test_after_finishing_on_this_device_every_page_shows_the_finished_page(app, client, mail):
    path, _ = screened(app, client)
    patient = Patient(client)
    assert ask(client, path).status_code == 303
    assert patient.post(f"{path}/finish").status_code == 303
    for response in (
        client.get(f"{path}/email"),
        client.get(f"{path}/email/sent"),
    ):
        assert (response.status_code, response.location) == (303, "/screening/finished")
    # A form kept from before finishing is refused: its CSRF token went with the session.
    late = patient.post(f"{path}/email", {"email": "someone.else@mailbox.example"})
    assert late.status_code == 400
    assert len(outbox_rows(app)) == 1


def test_a_production_site_without_a_mail_server_does_not_offer_it(app, client):
    app.config.update(APP_ENV="production", MAIL_SERVER="")
    path, _ = screened(app, client)
    page = soup(client.get(f"{path}/email"))
    assert page.select("form[data-email-reference]") == []
    assert words(page.select_one("[data-email-unavailable]")) == (
        "This site cannot send emails. Please write your reference code down or print your result."
    )
    assert ask(client, path).status_code == 200
    assert outbox_rows(app) == []


# --- Spanish --------------------------------------------------------------------------


def test_in_spanish_the_pages_and_the_email_are_in_spanish(app, client, mail, clock):
    app.config["CLINIC_NAME"] = "Clínica Ribera"  # a name with no English word in it
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-US,es;q=0.9"
    path, reference = screened(app, client)
    spanish(client.get(f"{path}/email"))
    wrong = ask(client, path, "pat.wanderly")
    assert error_summary(spanish(wrong)) == [
        ("#email", "Escriba un correo electrónico válido, como nombre@ejemplo.com")
    ]
    asked = ask(client, path)
    assert asked.status_code == 303
    spanish(client.get(asked.location))
    spanish(client.get(f"{path}/email"))  # already sent
    assert run(app, clock.now()) == (1, 0)

    [message] = mail.inbox.messages
    assert subject_of(message) == "Su código de referencia"
    assert message["Content-Language"] == "es"
    body = body_of(message)
    assert body.startswith(f"Su código de referencia es {reference}.\n")
    lines = body.splitlines()
    assert "Cómo comunicarse con Clínica Ribera" in lines
    assert "Horario de atención: lunes a viernes, de 9 a. m. a 5 p. m." in lines
    assert "Si necesita ayuda ahora" in lines
    assert (
        "- 988 Línea de Prevención del Suicidio y Crisis: Llame al 988 y marque 2 para español"
        in lines
    )
    assert "- Servicios de emergencia: Llame al 911" in body
    # no English sentence or word left in it
    as_page = "<html lang='es'><body>{}</body></html>".format(
        "".join(f"<p>{line}</p>" for line in lines)
    )
    assert english_in(as_page) == []


def test_the_email_goes_in_the_language_of_the_page_it_was_asked_from(app, client, mail, clock):
    path, reference = screened(app, client, {"contact": {"wants_contact": "no"}})
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-US,es;q=0.9"
    assert ask(client, path).status_code == 303
    assert run(app, clock.now()) == (1, 0)
    assert subject_of(mail.inbox.messages[0]) == "Su código de referencia"
    assert body_of(mail.inbox.messages[0]).startswith(f"Su código de referencia es {reference}.")


def test_the_privacy_notice_says_how_long_an_address_is_kept(client):
    notice = words(soup(client.get("/privacy")).main)
    assert (
        "If you ask us to email you your reference code, we keep your email address, "
        "encrypted, only until the email is sent, then we delete it. If it cannot be sent "
        "within 24 hours, we delete it without sending it."
    ) in notice
