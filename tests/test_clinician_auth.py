"""Signing in: password, second factor, lockout, sessions and sign-out."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from sqlalchemy import select

from questionnaire.extensions import db
from questionnaire.models import Clinician, ClinicianSession

from .html import error_summary, soup, words
from .staff import Staff, audit_rows, make_clinician, make_submission

GENERIC = "Enter a correct email address and password"


def test_sign_in_page_lets_password_managers_work(client):
    page = soup(client.get("/clinician/sign-in"))
    assert page.select_one("#email")["autocomplete"] == "username"
    password = page.select_one("#password")
    assert (password["type"], password["autocomplete"]) == ("password", "current-password")
    assert page.select("[onpaste]") == []


def test_password_then_code_signs_in(app, staff, account):
    response = staff.sign_in(account["email"], account["password"])
    assert (response.status_code, response.location) == (303, "/clinician/code")
    # not yet in: the queue sends you back to the code page
    assert staff.client.get("/clinician/").location == "/clinician/code"
    page = soup(staff.code_page())
    assert words(page.h1) == "Enter your code"
    assert page.select("[data-totp-secret]") == []
    done = staff.enter_code(staff.current_code(account["secret"]))
    assert (done.status_code, done.location) == (303, "/clinician/")
    assert staff.client.get("/clinician/").status_code == 200
    assert [e.action for e in audit_rows(app)][-2:] == ["signed-in", "queue-viewed"]


def test_wrong_password_and_unknown_email_get_the_same_message(app, staff, account):
    wrong = staff.sign_in(account["email"], "not the right password at all")
    unknown = staff.sign_in("nobody@clinic.example", "not the right password at all")
    for response in (wrong, unknown):
        assert response.status_code == 422
        page = soup(response)
        assert error_summary(page) == [("#email", GENERIC)]
        assert words(page.title).startswith("Error: ")
    assert [(e.action, e.detail) for e in audit_rows(app)] == [
        ("sign-in-failed", "wrong password"),
        ("sign-in-failed", "unknown account"),
    ]
    # the unknown address typed is not kept
    assert all(e.actor_email != "nobody@clinic.example" for e in audit_rows(app))


def test_missing_fields_have_their_own_messages(staff):
    assert error_summary(soup(staff.sign_in("", ""))) == [
        ("#email", "Enter your email address"),
        ("#password", "Enter your password"),
    ]


def test_lockout_after_five_failures_and_release_after_the_window(app, staff, account, clock):
    for _ in range(5):
        assert staff.sign_in(account["email"], "wrong password again!").status_code == 422
        clock.advance(seconds=10)
    assert [e.action for e in audit_rows(app)][-1] == "locked-out"
    # the right password is now refused with the same generic message
    refused = staff.sign_in(account["email"], account["password"])
    assert refused.status_code == 422
    assert error_summary(soup(refused)) == [("#email", GENERIC)]
    clock.advance(minutes=14)
    assert staff.sign_in(account["email"], account["password"]).status_code == 422
    clock.advance(minutes=2)
    assert staff.sign_in(account["email"], account["password"]).status_code == 303


def test_failures_spread_over_more_than_the_window_do_not_lock(app, staff, account, clock):
    for _ in range(8):
        staff.sign_in(account["email"], "wrong password again!")
        clock.advance(minutes=4)
    assert "locked-out" not in [e.action for e in audit_rows(app)]
    assert staff.sign_in(account["email"], account["password"]).status_code == 303


def test_first_sign_in_enrols_with_a_qr_code_drawn_by_the_app(app, staff):
    account = make_clinician(app, "new@clinic.example", enrolled=False)
    staff.sign_in(account["email"], account["password"])
    page = soup(staff.code_page())
    assert words(page.h1) == "Set up your authenticator app"
    qr = page.main.find("svg")
    assert qr is not None and qr.find_all(href=True) == []  # drawn inline, nothing fetched
    secret = words(page.select_one("[data-totp-secret]"))
    assert len(secret) == 32
    # a wrong code does not enrol
    assert staff.enter_code("000000").status_code == 422
    done = staff.enter_code(pyotp.TOTP(secret).at(staff.clock.now()))
    assert done.location == "/clinician/"
    with app.app_context():
        assert (
            db.session.scalar(
                select(Clinician.totp_secret).where(Clinician.email == "new@clinic.example")
            )
            == secret
        )
    assert [e.action for e in audit_rows(app)][-2:] == ["mfa-enrolled", "signed-in"]


def test_a_code_cannot_be_used_twice(app, account, clock):
    first = Staff(app.test_client(), clock)
    first.sign_in(account["email"], account["password"])
    code = first.current_code(account["secret"])
    assert first.enter_code(code).status_code == 303
    second = Staff(app.test_client(), clock)
    second.sign_in(account["email"], account["password"])
    replay = second.enter_code(code)
    assert replay.status_code == 422
    assert error_summary(soup(replay)) == [
        ("#code", "The code is not right. Enter the current code from your authenticator app")
    ]
    assert second.client.get("/clinician/").location == "/clinician/code"


def test_wrong_codes_count_towards_the_lockout(app, staff, account, clock):
    staff.sign_in(account["email"], account["password"])
    for _ in range(4):
        assert staff.enter_code("123456").status_code == 422
    locked = staff.enter_code("123456")
    assert (locked.status_code, locked.location) == (303, "/clinician/sign-in")
    assert staff.client.get("/clinician/").location == "/clinician/sign-in?next=/clinician/"
    assert staff.sign_in(account["email"], account["password"]).status_code == 422


def test_idle_timeout(signed_in, clock):
    clock.advance(minutes=14)
    assert signed_in.client.get("/clinician/").status_code == 200
    clock.advance(minutes=14)  # active 14 minutes ago: still in
    assert signed_in.client.get("/clinician/").status_code == 200
    clock.advance(minutes=16)
    assert signed_in.client.get("/clinician/").location == "/clinician/sign-in?next=/clinician/"


def test_absolute_timeout(signed_in, clock):
    start = clock.now()
    while signed_in.client.get("/clinician/").status_code == 200:
        clock.advance(minutes=10)  # active all along, so never idle
        assert clock.now() - start < timedelta(hours=9)
    assert signed_in.client.get("/clinician/").location == "/clinician/sign-in?next=/clinician/"
    assert timedelta(hours=7, minutes=50) < clock.now() - start <= timedelta(hours=8, minutes=10)


def test_sign_out_ends_the_session_so_a_copied_cookie_stops_working(app, signed_in):
    cookie = signed_in.client.get_cookie("ks_session").value
    copy = app.test_client()
    copy.set_cookie("ks_session", cookie)
    assert copy.get("/clinician/").status_code == 200
    out = signed_in.post("/clinician/sign-out")
    assert (out.status_code, out.location) == (303, "/clinician/sign-in?signed_out=1")
    assert copy.get("/clinician/").location == "/clinician/sign-in?next=/clinician/"
    with app.app_context():
        assert db.session.scalar(select(ClinicianSession.ended_at)) is not None
    assert audit_rows(app)[-1].action == "signed-out"


def test_a_new_session_at_each_sign_in(app, staff, account):
    staff.client.get("/clinician/sign-in")
    before = staff.client.get_cookie("ks_session").value
    staff.full_sign_in(account)
    assert staff.client.get_cookie("ks_session").value != before
    staff.post("/clinician/sign-out")
    staff.full_sign_in(account)
    with app.app_context():
        keys = db.session.scalars(select(ClinicianSession.key_hash)).all()
    # each sign-in: a session after the password, renewed after the code
    assert len(set(keys)) == 4


def test_disabled_account_cannot_sign_in_and_is_signed_out(app, signed_in, account):
    with app.app_context():
        clinician = db.session.get(Clinician, account["id"])
        clinician.active = False
        db.session.commit()
    assert signed_in.client.get("/clinician/").location == "/clinician/sign-in?next=/clinician/"
    assert signed_in.sign_in(account["email"], account["password"]).status_code == 422


def test_session_cookie_flags(app, staff, account):
    response = staff.sign_in(account["email"], account["password"])
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_sign_in_is_rate_limited_per_address(app, staff, account):
    app.config["SIGN_IN_RATE_LIMIT"] = "3 per minute"
    statuses = [
        staff.sign_in("x@clinic.example", "wrong password again!").status_code for _ in range(4)
    ]
    assert statuses == [422, 422, 422, 429]


def sign_in_from(staff, page, account, back_to: str):
    """Sign in on ``page`` (the sign-in form) asking to go back to ``back_to``, then
    enter the code: the response of the code step."""
    response = staff.client.post(
        "/clinician/sign-in",
        data={
            "csrf_token": page.select_one('input[name="csrf_token"]')["value"],
            "email": account["email"],
            "password": account["password"],
            "next": back_to,
        },
    )
    assert response.location == "/clinician/code"
    staff.token = ""  # a new session: the code page gives the next token
    return staff.enter_code(staff.current_code(account["secret"]))


def test_after_an_idle_sign_out_signing_in_returns_to_the_same_page(app, staff, account, clock):
    reference = make_submission(app)
    staff.full_sign_in(account)
    path = f"/clinician/submissions/{reference}?tab=answers"
    assert staff.client.get(path).status_code == 200
    clock.advance(minutes=app.config["CLINICIAN_IDLE_MINUTES"] + 1)
    bounced = staff.client.get(path)
    assert urlsplit(bounced.location).path == "/clinician/sign-in"
    assert parse_qs(urlsplit(bounced.location).query) == {"next": [path]}
    page = soup(staff.client.get(bounced.location))
    assert page.select_one('input[name="next"]')["value"] == path
    done = sign_in_from(staff, page, account, path)
    assert (done.status_code, done.location) == (303, path)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/clinician/",
        "//evil.example/clinician/",
        "/\\evil.example",
        "/clinician//evil.example",
        "javascript:alert(1)",
        "/screening/start",
        "/clinician/sign-out",
        "/clinician/\x00",
    ],
)
def test_signing_in_never_leaves_the_clinician_area(staff, account, target):
    page = soup(staff.client.get("/clinician/sign-in", query_string={"next": target}))
    assert page.select('input[name="next"]') == []
    assert sign_in_from(staff, page, account, target).location == "/clinician/"
