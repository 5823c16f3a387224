"""Admin: the audit log, accounts in the web area and on the command line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pyotp
import pytest
from sqlalchemy import select
from sqlalchemy import text as sql
from sqlalchemy.exc import DatabaseError

from questionnaire.auth import passwords
from questionnaire.extensions import db
from questionnaire.models import AuditEvent, Clinician

from .html import error_summary, soup, words
from .staff import PASSWORD, Staff, audit_rows, make_submission


def test_the_whole_story_is_in_the_audit_log(app, staff, admin_account, clock):
    from .staff import make_clinician

    reviewer = make_clinician(app, "rev@clinic.example")
    urgent = make_submission(app, phq9_9="2")
    make_submission(app)
    me = Staff(app.test_client(), clock)
    me.full_sign_in(reviewer)
    assert me.client.get("/clinician/").status_code == 200
    me.client.get(f"/clinician/submissions/{urgent}")
    me.post(f"/clinician/submissions/{urgent}/notes", {"body": "Phoned, safe for now"})
    me.post(f"/clinician/submissions/{urgent}/status", {"status": "in-review"})
    me.client.get(f"/clinician/submissions/{urgent}/export.json")

    staff.full_sign_in(admin_account)
    rows = audit_table(staff.client.get("/clinician/audit?actor=rev@clinic.example"))
    assert [r["code"] for r in rows] == [
        "exported",
        "status-changed",
        "noted",
        "viewed",
        "queue-viewed",
        "signed-in",
    ]
    assert not [r for r in rows if "Phoned" in r["detail"]]  # never the content itself
    by_reference = audit_table(staff.client.get(f"/clinician/audit?reference={urgent}"))
    assert [r["code"] for r in by_reference] == ["exported", "status-changed", "noted", "viewed"]


def test_audit_log_filters_by_action(app, staff, admin_account):
    staff.full_sign_in(admin_account)
    rows = audit_table(staff.client.get("/clinician/audit?action=signed-in"))
    assert [r["code"] for r in rows] == ["signed-in"]


def audit_table(response) -> list[dict[str, str]]:
    rows = soup(response).select("table[data-audit] tbody tr")
    heads = ["when", "who", "action", "submission", "detail", "address"]
    return [
        {
            **dict(zip(heads, (words(td) for td in tr.find_all("td")), strict=True)),
            "code": tr["data-action"],
            "link": (tr.select_one("a") or {}).get("href", ""),
        }
        for tr in rows
    ]


def test_the_audit_log_shows_seconds_links_references_and_can_hide_queue_views(
    app, staff, admin_account, clock
):
    reference = make_submission(app)
    staff.full_sign_in(admin_account)
    clock.moment = (clock.moment + timedelta(minutes=1)).replace(second=7)  # forward only
    staff.client.get(f"/clinician/submissions/{reference}")
    staff.client.get("/clinician/")
    rows = audit_table(staff.client.get("/clinician/audit"))
    viewed = next(r for r in rows if r["code"] == "viewed")
    shown_at = clock.moment.astimezone(ZoneInfo("America/New_York"))  # clinic time
    assert viewed["when"] == f"{shown_at:%-d %b %Y, %H:%M}:07 {shown_at:%Z}"  # to the second
    assert (viewed["submission"], viewed["link"]) == (
        reference,
        f"/clinician/submissions/{reference}",
    )
    assert "queue-viewed" in [r["code"] for r in rows]
    hidden = audit_table(staff.client.get("/clinician/audit?hide=queue-viewed"))
    assert "queue-viewed" not in [r["code"] for r in hidden]
    kept = [r["code"] for r in rows if r["code"] != "queue-viewed"]
    assert [r["code"] for r in hidden] == ["audit-viewed", *kept]  # and the view just before


def test_the_audit_log_filters_by_date_in_clinic_time(app, staff, admin_account):
    with app.app_context():
        for at, detail in (
            (datetime(2026, 12, 1, 4, 30, tzinfo=UTC), "late on 30 Nov in New York"),
            (datetime(2026, 12, 1, 15, 0, tzinfo=UTC), "on 1 Dec"),
        ):
            db.session.add(AuditEvent(at=at, action="exported", detail=detail))
        db.session.commit()
    staff.full_sign_in(admin_account)

    def details(query: str) -> list[str]:
        return [r["detail"] for r in audit_table(staff.client.get(f"/clinician/audit?{query}"))]

    assert details("action=exported&from=2026-11-30&to=2026-11-30") == [
        "late on 30 Nov in New York"
    ]
    assert details("action=exported&from=2026-12-01") == ["on 1 Dec"]
    assert details("action=exported&to=2026-12-01") == ["on 1 Dec", "late on 30 Nov in New York"]
    # a date that is not one is ignored, not a failure
    assert details("action=exported&from=30/11/2026") == details("action=exported")


def test_the_audit_table_is_append_only(app, clock):
    with app.app_context():
        db.session.add(AuditEvent(action="signed-in", detail="", at=clock.now()))
        db.session.commit()
        for statement in ("UPDATE audit_events SET detail = 'changed'", "DELETE FROM audit_events"):
            with pytest.raises(DatabaseError):
                db.session.execute(sql(statement))
            db.session.rollback()
        assert db.session.scalar(select(AuditEvent.detail)) == ""


def set_up(client, link: str, password: str, clock) -> tuple[int, str | None, str]:
    """Open a set-up link, choose ``password`` and enrol with the key shown: (status,
    where it leads, the key)."""
    page = soup(client.get(link))
    secret = words(page.select_one("[data-totp-secret]"))
    response = client.post(
        link,
        data={
            "csrf_token": page.select_one('input[name="csrf_token"]')["value"],
            "password": password,
            "code": pyotp.TOTP(secret).at(clock.now()),
        },
    )
    return response.status_code, response.location, secret


def test_admin_invites_an_account_whose_owner_sets_it_up(app, staff, admin_account, clock):
    staff.full_sign_in(admin_account)
    response = staff.post(
        "/clinician/accounts", {"email": "New.Person@Clinic.example", "role": "clinician"}
    )
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    link = words(soup(response).select_one("[data-invite-link]"))
    assert link.startswith("http://127.0.0.1:5000/clinician/welcome/")  # APP_BASE_URL
    assert audit_rows(app)[-1].detail == "new.person@clinic.example as clinician, invited"
    path = link.removeprefix("http://127.0.0.1:5000")
    newcomer = Staff(app.test_client(), clock)
    status, location, secret = set_up(newcomer.client, path, "river stones under moonlight", clock)
    assert (status, location) == (303, "/clinician/sign-in?ready=1")
    clock.advance(seconds=31)
    newcomer.full_sign_in(
        {
            "email": "new.person@clinic.example",
            "password": "river stones under moonlight",
            "secret": secret,
        }
    )
    # the link works once
    again = app.test_client().get(path)
    assert again.status_code == 404
    assert words(soup(again).h1) == "This set-up link does not work"


def test_an_invite_link_expires_after_24_hours(app, runner, clock):
    result = runner.invoke(args=["clinician", "invite", "late@clinic.example"])
    link = result.output.splitlines()[-1].removeprefix("http://127.0.0.1:5000")
    clock.advance(hours=24, seconds=1)
    assert app.test_client().get(link).status_code == 404


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "Password must be at least 12 characters"),
        ("password1234", "Password is too common. Choose a longer or less common one"),
        ("QWERTYUIOP123", "Password is too common. Choose a longer or less common one"),
    ],
)
def test_weak_passwords_are_refused_at_set_up(app, runner, clock, password, message):
    result = runner.invoke(args=["clinician", "invite", "x@clinic.example"])
    link = result.output.splitlines()[-1].removeprefix("http://127.0.0.1:5000")
    client = app.test_client()
    page = soup(client.get(link))
    response = client.post(
        link,
        data={
            "csrf_token": page.select_one('input[name="csrf_token"]')["value"],
            "password": password,
            "code": "123456",
        },
    )
    assert response.status_code == 422
    assert error_summary(soup(response))[0] == ("#password", message)


def test_a_reset_leaves_the_old_password_unable_to_enrol(app, staff, admin_account, account, clock):
    staff.full_sign_in(admin_account)
    response = staff.post(f"/clinician/accounts/{account['id']}/reset")
    link = words(soup(response).select_one("[data-invite-link]"))
    assert audit_rows(app)[-1].action == "mfa-reset"
    # whoever knew the old password gets nowhere: no sign-in, so no enrolment
    thief = Staff(app.test_client(), clock)
    assert thief.sign_in(account["email"], account["password"]).status_code == 422
    assert thief.client.get("/clinician/code").location.startswith("/clinician/sign-in")
    # the owner sets a new password and authenticator with the link
    status, _, secret = set_up(
        app.test_client(),
        link.removeprefix("http://127.0.0.1:5000"),
        "a brand new passphrase",
        clock,
    )
    assert status == 303
    clock.advance(seconds=31)
    Staff(app.test_client(), clock).full_sign_in(
        {"email": account["email"], "password": "a brand new passphrase", "secret": secret}
    )


def test_admin_disables_an_account_and_its_sessions_end(app, staff, admin_account, account, clock):
    other = Staff(app.test_client(), clock)
    other.full_sign_in(account)
    staff.full_sign_in(admin_account)
    staff.post(f"/clinician/accounts/{account['id']}/disable")
    assert other.client.get("/clinician/").location == "/clinician/sign-in?next=/clinician/"
    assert audit_rows(app)[-1].action == "account-disabled"


# --- command line ---------------------------------------------------------------


def test_cli_creates_lists_disables_and_resets(app, runner):
    result = runner.invoke(
        args=["clinician", "create", "Cli@Clinic.example", "--admin", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin account for cli@clinic.example." in result.output
    with app.app_context():
        clinician = db.session.scalar(select(Clinician))
        assert clinician.role == "admin"
        assert clinician.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
        assert passwords.verify(clinician.password_hash, PASSWORD)
    listing = runner.invoke(args=["clinician", "list"])
    assert "cli@clinic.example" in listing.output and "not set" in listing.output
    reset = runner.invoke(args=["clinician", "reset", "cli@clinic.example"])
    assert reset.exit_code == 0
    assert reset.output.splitlines()[-1].startswith("http://127.0.0.1:5000/clinician/welcome/")
    assert runner.invoke(args=["clinician", "disable", "cli@clinic.example"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(Clinician.active)) is False
    assert [e.action for e in audit_rows(app)] == [
        "account-created",
        "mfa-reset",
        "account-disabled",
    ]


def test_cli_asks_for_the_password_twice(app, runner):
    result = runner.invoke(
        args=["clinician", "create", "two@clinic.example"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "Password: \nRepeat for confirmation: \n" in result.output


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("tooshort", "Password must be at least 12 characters"),
        ("administrator", "Password is too common"),
    ],
)
def test_cli_refuses_weak_passwords(app, password, message, runner):
    result = runner.invoke(
        args=["clinician", "create", "w@clinic.example", "--password-stdin"], input=password + "\n"
    )
    assert result.exit_code != 0
    assert message in result.output


def test_cli_refuses_a_duplicate(app, runner):
    runner.invoke(
        args=["clinician", "create", "d@clinic.example", "--password-stdin"], input=PASSWORD + "\n"
    )
    again = runner.invoke(
        args=["clinician", "create", "D@clinic.example", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert again.exit_code != 0 and "already exists" in again.output


def test_cli_refuses_two_different_passwords(app, runner):
    result = runner.invoke(
        args=["clinician", "create", "m@clinic.example"],
        input=f"{PASSWORD}\nsomething else entirely\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert "Error: The two entered values do not match." in result.output
    assert result.exit_code == 0  # asked again, then accepted
