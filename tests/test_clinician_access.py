"""No /clinician route opens to the wrong person: a walk over the whole URL map."""

from __future__ import annotations

import pytest

from .helpers import CSRF, text
from .staff import make_clinician, make_submission

SIGN_IN = "/clinician/sign-in"


def clinician_routes(app):
    """Every /clinician rule, with sample URL values, its methods and access level."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/clinician"):
            continue
        view = app.view_functions[rule.endpoint]
        url = rule.rule.replace("<reference>", "KT-AAAA-AAAA")
        url = url.replace("<int:clinician_id>", "1").replace("<int:message_id>", "1")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((url, method, getattr(view, "access", None)))
    return routes


def test_every_clinician_view_declares_who_may_open_it(app):
    missing = [url for url, _, access in clinician_routes(app) if access is None]
    assert missing == []
    publics = {url for url, _, access in clinician_routes(app) if access == "public"}
    # the sign-in page, and the set-up page a one-time link opens
    assert publics == {SIGN_IN, "/clinician/welcome/<token>"}


def call(client, url, method, token=""):
    if method == "GET":
        return client.get(url)
    return client.open(url, method=method, data={"csrf_token": token})


def test_nothing_opens_when_signed_out(app, client):
    make_submission(app)
    # a valid CSRF token, so that what refuses each POST is the access check itself
    token = CSRF.search(text(client.get(SIGN_IN))).group(1)
    for url, method, access in clinician_routes(app):
        if access == "public":
            continue
        response = call(client, url, method, token)
        assert response.status_code in (302, 303), (url, method, response.status_code)
        returns = method == "GET" and url != "/clinician/code"  # never back to the code page
        expected = f"{SIGN_IN}?next={url}" if returns else SIGN_IN
        assert response.location == expected, (url, method)


def test_nothing_opens_past_the_password_without_the_code(app, staff, account):
    make_submission(app)
    staff.sign_in(account["email"], account["password"])
    staff.code_page()
    for url, method, access in clinician_routes(app):
        if access in ("public", "password"):
            continue
        response = call(staff.client, url, method, staff.token)
        assert response.status_code in (302, 303), (url, method, response.status_code)
        assert response.location == "/clinician/code", (url, method)


def test_admin_pages_are_refused_to_a_plain_clinician(app, signed_in):
    make_submission(app)
    for url, method, access in clinician_routes(app):
        if access != "admin":
            continue
        response = call(signed_in.client, url, method, signed_in.token)
        assert response.status_code == 403, (url, method)


def test_admin_pages_open_to_an_admin(app, staff, admin_account):
    staff.full_sign_in(admin_account)
    assert staff.client.get("/clinician/audit").status_code == 200
    assert staff.client.get("/clinician/accounts").status_code == 200


@pytest.mark.parametrize("path", ["/clinician/", "/clinician/sign-in", "/clinician/audit"])
def test_no_clinician_page_is_cached(app, staff, admin_account, path):
    staff.full_sign_in(admin_account)
    assert staff.client.get(path).headers["Cache-Control"] == "no-store"


def test_a_clinician_cannot_act_without_a_csrf_token(app, signed_in):
    reference = make_submission(app)
    response = signed_in.client.post(
        f"/clinician/submissions/{reference}/notes", data={"body": "hello"}
    )
    assert response.status_code == 400


def test_disabled_accounts_cannot_reach_anything(app, staff):
    account = make_clinician(app, "gone@clinic.example")
    staff.full_sign_in(account)
    from questionnaire.extensions import db
    from questionnaire.models import Clinician

    with app.app_context():
        db.session.get(Clinician, account["id"]).active = False
        db.session.commit()
    for url, method, access in clinician_routes(app):
        if access in ("clinician", "admin") and method == "GET":
            assert staff.client.get(url).status_code in (302, 303), url
