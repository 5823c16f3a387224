"""A clinician's own account page: password (with the current one and a code), alert
emails on or off, and signing out their other sessions."""

from __future__ import annotations

from sqlalchemy import select

from questionnaire.extensions import db
from questionnaire.models import OutboxMessage

from .helpers import Patient
from .html import error_summary, soup, words
from .staff import Staff, audit_rows


def test_alerts_can_be_turned_off_and_then_no_email_is_queued(app, signed_in, client):
    page = soup(signed_in.client.get("/clinician/account"))
    assert page.select_one('input[name="alerts"][value="on"]').has_attr("checked")
    response = signed_in.post("/clinician/account/alerts", {"alerts": "off"})
    assert response.status_code == 303
    assert audit_rows(app)[-1].detail == "alert emails off"
    Patient(client).complete({"phq9": {"phq9_9": "2"}})
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage.recipient)).all() == []
    page = soup(signed_in.client.get("/clinician/account"))
    assert page.select_one('input[name="alerts"][value="off"]').has_attr("checked")


def test_changing_the_password_needs_the_current_one_and_a_code(app, signed_in, account, clock):
    other = Staff(app.test_client(), clock)
    other.full_sign_in(account)
    url = "/clinician/account/password"
    wrong = signed_in.post(
        url,
        {
            "current_password": "not my password at all",
            "new_password": "a fresh long passphrase",
            "code": signed_in.current_code(account["secret"]),
        },
    )
    assert wrong.status_code == 422
    assert error_summary(soup(wrong)) == [
        ("#current_password", "Your current password is not right")
    ]
    no_code = signed_in.post(
        url,
        {
            "current_password": account["password"],
            "new_password": "a fresh long passphrase",
            "code": "000000",
        },
    )
    assert error_summary(soup(no_code)) == [
        ("#code", "The code is not right. Enter the current code from your app")
    ]
    clock.advance(seconds=31)
    done = signed_in.post(
        url,
        {
            "current_password": account["password"],
            "new_password": "a fresh long passphrase",
            "code": signed_in.current_code(account["secret"]),
        },
    )
    assert (done.status_code, done.location) == (303, "/clinician/account")
    assert audit_rows(app)[-1].action == "password-changed"
    # the other session is signed out, this one is not
    assert other.client.get("/clinician/").location.startswith("/clinician/sign-in")
    assert signed_in.client.get("/clinician/").status_code == 200
    clock.advance(seconds=31)
    fresh = Staff(app.test_client(), clock)
    assert fresh.sign_in(account["email"], account["password"]).status_code == 422
    fresh.full_sign_in({**account, "password": "a fresh long passphrase"})


def test_signing_out_the_other_sessions(app, signed_in, account, clock):
    other = Staff(app.test_client(), clock)
    other.full_sign_in(account)
    page = soup(signed_in.client.get("/clinician/account"))
    rows = page.select("table[data-sessions] tbody tr")
    assert len(rows) == 2
    assert [words(tr.find_all("td")[2]) for tr in rows].count("This session") == 1
    form = page.select_one('form[data-action="sign-out-others"]')
    assert signed_in.post(form["action"]).status_code == 303
    assert other.client.get("/clinician/").location.startswith("/clinician/sign-in")
    assert (
        len(
            soup(signed_in.client.get("/clinician/account")).select("table[data-sessions] tbody tr")
        )
        == 1
    )
