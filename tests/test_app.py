"""Settings, health checks, headers and error pages."""

from __future__ import annotations

import pytest
from sqlalchemy import text as sql

from questionnaire import config, create_app
from questionnaire.body_limits import limit_for
from questionnaire.extensions import db

from .helpers import text
from .html import soup, words
from .staff import make_clinician


def test_healthz_answers_without_the_database(tmp_path):
    app = create_app(
        {"APP_ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/db.sqlite3"}
    )
    response = app.test_client().get("/healthz")
    assert (response.status_code, response.json) == (200, {"status": "ok"})


def test_readyz_is_ready_when_the_database_answers(app, client):
    make_clinician(app)  # someone receives urgent alerts (tests/test_readiness.py)
    response = client.get("/readyz")
    assert (response.status_code, response.json) == (
        200,
        {"status": "ok", "database": "ok", "rate_limits": "ok", "alerts": "ok"},
    )


def test_readyz_is_503_when_the_database_does_not_answer(tmp_path):
    app = create_app(
        {"APP_ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/db.sqlite3"}
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "unreachable"}


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(config.ConfigError, match="SECRET_KEY is not set"):
        create_app({"APP_ENV": "production"})


def test_production_is_the_default_environment(monkeypatch):
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(config.ConfigError):
        create_app()


def test_production_refuses_to_start_without_a_fhir_base_url(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.delenv("FHIR_BASE_URL", raising=False)
    with pytest.raises(config.ConfigError, match="FHIR_BASE_URL is not set"):
        create_app({"APP_ENV": "production"})


def test_production_refuses_to_start_without_an_mfa_encryption_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("FHIR_BASE_URL", "https://screening.example.org/fhir")
    monkeypatch.setenv("APP_BASE_URL", "https://screening.example.org")
    monkeypatch.delenv("MFA_ENCRYPTION_KEY", raising=False)
    with pytest.raises(config.ConfigError, match="MFA_ENCRYPTION_KEY is not set"):
        create_app({"APP_ENV": "production"})
    monkeypatch.setenv("MFA_ENCRYPTION_KEY", "not-a-key")
    with pytest.raises(config.ConfigError, match="key 1 is not a Fernet key"):
        create_app({"APP_ENV": "production"})


def test_production_refuses_to_start_without_an_app_base_url(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("FHIR_BASE_URL", "https://screening.example.org/fhir")
    monkeypatch.delenv("APP_BASE_URL", raising=False)
    with pytest.raises(config.ConfigError, match="APP_BASE_URL is not set"):
        create_app({"APP_ENV": "production"})


def test_production_with_a_secret_key_uses_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("FHIR_BASE_URL", "https://screening.example.org/fhir/")
    monkeypatch.setenv("APP_BASE_URL", "https://screening.example.org/")
    monkeypatch.setenv("MFA_ENCRYPTION_KEY", "Tm-GJOO4hbkG6UHx_wUwzpNTkKudfpGSQ4Iy9tpCHrY=")
    monkeypatch.setenv("CLINIC_PHONE", "(555) 010-0199")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.sqlite3")
    app = create_app({"APP_ENV": "production"})
    assert app.config["SECRET_KEY"] == "x" * 64
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-ks_session"
    assert (app.config["SESSION_COOKIE_PATH"], app.config["SESSION_COOKIE_DOMAIN"]) == ("/", None)
    cookie = (
        app.test_client()
        .get("/clinician/sign-in", base_url="https://localhost")
        .headers["Set-Cookie"]
    )
    assert cookie.startswith("__Host-ks_session=")
    assert {"Secure", "HttpOnly", "Path=/"} <= {p.strip() for p in cookie.split(";")}
    assert "Domain" not in cookie
    assert app.config["FHIR_BASE_URL"] == "https://screening.example.org/fhir"
    assert app.config["APP_BASE_URL"] == "https://screening.example.org"


def test_development_has_a_default_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/d.sqlite3")
    app = create_app({"APP_ENV": "development"})
    assert app.config["SECRET_KEY"].startswith("dev-only")
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_database_url_defaults_to_sqlite_in_the_instance_folder(monkeypatch):
    assert config.database_url(None, "/srv/app/instance") == (
        "sqlite:////srv/app/instance/screening.sqlite3"
    )
    assert config.database_url("postgres://u@h/db", "/x") == "postgresql+psycopg://u@h/db"
    assert config.database_url("postgresql://u@h/db", "/x") == "postgresql+psycopg://u@h/db"


def test_bad_settings_fail_fast(monkeypatch):
    monkeypatch.setenv("DRAFT_TTL_DAYS", "seven")
    with pytest.raises(config.ConfigError, match="DRAFT_TTL_DAYS must be a whole number"):
        config.load("testing")


def test_crisis_contacts_are_a_clinic_setting(monkeypatch, tmp_path):
    monkeypatch.setenv(
        "CRISIS_CONTACTS_JSON",
        '[{"name": "Samaritans", "detail": "Call 116 123", "href": "tel:116123"}]',
    )
    app = create_app({"APP_ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp_path}/c.db"})
    page = soup(app.test_client().get("/"))
    link = page.select_one('footer a[href="tel:116123"]')
    assert words(link) == "Call 116 123"
    assert "Samaritans:" in words(link.find_parent("li"))
    assert "988" not in words(page)


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    # Its own SQLite database, so this also runs when the suite runs on PostgreSQL.
    app = create_app({"APP_ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp_path}/wal.db"})
    with app.app_context():
        assert db.session.execute(sql("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(sql("PRAGMA busy_timeout")).scalar() == 5000
        assert db.session.execute(sql("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


def test_every_page_sends_the_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "script-src 'self'" in csp and "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp and "form-action 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_or_styles(client):
    page = text(client.get("/"))
    assert "<script>" not in page and "style=" not in page and "<style" not in page
    assert '<script src="/static/js/app.js" defer></script>' in page


def test_not_found_page_is_calm_and_keeps_the_crisis_contacts(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = soup(response)
    assert words(page.h1) == "Page not found"
    assert page.select('footer a[href="tel:988"]')
    assert "Traceback" not in str(page)


def test_clinician_error_pages_speak_to_clinicians_without_the_patient_footer(app, signed_in):
    page = soup(signed_in.client.get("/clinician/submissions/KT-AAAA-AAAA"))
    assert words(page.h1) == "No such page or submission"
    assert page.main.select_one('a[href="/clinician/"]') is not None
    assert page.select('a[href="tel:988"]') == [] and page.select('a[href="/privacy"]') == []
    assert words(page.select_one("[data-staff-footer]")).startswith("The clinician area of")
    refused = soup(signed_in.client.get("/clinician/audit"))  # not an admin
    assert words(refused.h1) == "Only admins can open this page"


def test_wrong_method_gets_405_with_allow(client):
    response = client.delete("/")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_too_large_a_body_gets_413(app, patient):
    patient.token()
    too_much = "x" * (limit_for(app, "patient.step") + 1)
    response = patient.client.post("/screening/start", data={"notes": too_much})
    assert response.status_code == 413
    assert words(soup(response).h1) == "That was too much to send"


def test_every_setting_is_listed_in_env_example():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    source = (root / "questionnaire" / "config.py").read_text()
    read = set(re.findall(r'(?:environ\.get|_int|_bool)\(\s*"([A-Z_]+)"', source))
    example = (root / ".env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z_]+)=", example, flags=re.M))
    assert read - listed == set()
