"""The exact security headers, and error pages that never leak a trace or a setting."""

from __future__ import annotations

import pytest

from questionnaire import create_app
from questionnaire.body_limits import limit_for

from .helpers import EXAMPLE_1, text
from .html import soup, words

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
EXPECTED = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def security_headers(response) -> dict[str, str]:
    return {name: response.headers.get(name) for name in [*EXPECTED, "Strict-Transport-Security"]}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/screening/start",
        "/clinician/sign-in",
        "/healthz",
        "/static/css/site.css",
        "/no-such-page",
    ],
)
def test_every_response_has_exactly_these_headers(client, path):
    assert security_headers(client.get(path)) == {**EXPECTED, "Strict-Transport-Security": None}


def test_production_adds_hsts(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "s" * 64)
    monkeypatch.setenv("FHIR_BASE_URL", "https://screening.example.org/fhir")
    monkeypatch.setenv("APP_BASE_URL", "https://screening.example.org")
    monkeypatch.setenv("MFA_ENCRYPTION_KEY", "Tm-GJOO4hbkG6UHx_wUwzpNTkKudfpGSQ4Iy9tpCHrY=")
    monkeypatch.setenv("CLINIC_EMAIL", "screening@clinic.example")
    app = create_app({"APP_ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3"})
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"
    assert security_headers(response) == {
        **EXPECTED,
        "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    }


def test_pages_with_answers_are_not_stored_by_browsers(patient):
    patient.answer_all({"start": EXAMPLE_1["start"]})
    assert patient.client.get("/screening/about").headers["Cache-Control"] == "no-store"
    result = patient.complete()
    assert result.headers["Cache-Control"] == "no-store"


def test_proxy_fix_is_a_setting(tmp_path):
    app = create_app(
        {
            "APP_ENV": "testing",
            "PROXY_FIX_HOPS": 1,
            "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3",
        }
    )

    @app.get("/scheme")
    def scheme():
        from flask import request

        return f"{request.scheme} {request.remote_addr}"

    page = app.test_client().get(
        "/scheme", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    )
    assert text(page) == "https 203.0.113.9"


# --- error pages ----------------------------------------------------------------

LEAKS = ("Traceback", 'File "', "SECRET_KEY", "sqlalchemy", "werkzeug", "dev-only")


def no_leak(page: str) -> None:
    for leak in LEAKS:
        assert leak not in page, leak
    assert 'href="tel:988"' in page


def test_500_is_calm_and_leaks_nothing(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals: " + app.config["SECRET_KEY"])

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = text(response)
    assert words(soup(response).h1) == "Sorry, something went wrong on our side"
    assert "secret internals" not in page
    no_leak(page)


@pytest.mark.parametrize(
    ("method", "path", "status", "heading"),
    [
        ("GET", "/nowhere", 404, "Page not found"),
        ("DELETE", "/screening/start", 405, "That did not work"),
        ("POST", "/screening/start", 400, "Your session timed out"),
    ],
)
def test_error_pages(client, method, path, status, heading):
    response = client.open(path, method=method)
    assert response.status_code == status
    page = text(response)
    assert f"<h1>{heading}</h1>" in page
    no_leak(page)


def test_400_for_an_expired_csrf_token_keeps_the_answers(patient):
    patient.answer_all({"start": EXAMPLE_1["start"]})
    patient.client.delete_cookie("ks_session")  # the session (and its token) are gone
    response = patient.answer("about", {"age": "40", "pregnancy": "no"})
    assert response.status_code == 400
    assert "Your session timed out, your answers so far are saved, please try again." in text(
        response
    )
    # the draft is still there: the next page load continues where the person was
    assert patient.client.get("/screening").location == "/screening/about"


def test_413_and_422_pages(app, patient):
    patient.answer_all({"start": EXAMPLE_1["start"]})
    assert patient.answer("about", {"age": "x"}).status_code == 422
    too_big = patient.answer("about", {"age": "1" * (limit_for(app, "patient.step") + 1)})
    assert too_big.status_code == 413
    no_leak(text(too_big))


def test_429_when_screenings_are_started_too_often(app, client):
    from .helpers import Patient

    app.config["SCREENING_START_RATE_LIMIT"] = "2 per minute"
    statuses = []
    for _ in range(3):
        person = Patient(app.test_client())
        statuses.append(person.answer("start", EXAMPLE_1["start"]).status_code)
    assert statuses == [303, 303, 429]
    page = text(Patient(app.test_client()).answer("start", EXAMPLE_1["start"]))
    assert "<h1>Too many tries</h1>" in page
    no_leak(page)
    # the other steps of a screening already started are not limited
    assert Patient(app.test_client()).client.get("/screening/start").status_code == 200


def test_429_when_submitting_too_often(app):
    from .helpers import Patient, steps_with

    app.config["SUBMIT_RATE_LIMIT"] = "1 per minute"
    first, second = Patient(app.test_client()), Patient(app.test_client())
    first.complete()
    second.answer_all(steps_with())
    assert second.submit().status_code == 429
