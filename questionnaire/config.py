"""Settings, read from the environment only.

``APP_ENV`` picks the configuration: ``production`` (the default, so a forgotten
setting fails safe), ``development`` or ``testing``. Production refuses to start
without ``SECRET_KEY``, the public addresses, ``MFA_ENCRYPTION_KEY``, and a way for
patients to reach the clinic (``CLINIC_PHONE`` or ``CLINIC_EMAIL``).
"""

from __future__ import annotations

import json
import os
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(RuntimeError):
    """A required setting is missing or malformed."""


DEFAULT_CRISIS_CONTACTS: list[dict[str, str]] = [
    {
        "name": "988 Suicide & Crisis Lifeline",
        "detail": "Call 988",
        "href": "tel:988",
        "short": "Call 988",
    },
    {
        "name": "988 Suicide & Crisis Lifeline",
        "detail": "Text 988",
        "href": "sms:988",
        "short": "Text 988",
    },
    {
        "name": "988 Lifeline chat",
        "detail": "Chat online with 988",
        "href": "https://988lifeline.org/chat/",
    },
    {
        "name": "Crisis Text Line",
        "detail": "Text HOME to 741741",
        "href": "sms:741741?&body=HOME",
    },
    {
        "name": "Emergency services",
        "detail": "Call 911",
        "href": "tel:911",
        "short": "Call 911",
        "note": "or go to the nearest emergency department if you are in danger now. "
        "Outside the US, call your local emergency number.",
    },
]

#: The same help in Spanish: 988 answers in Spanish when you press 2, and by text and
#: chat in Spanish (texting AYUDA); Crisis Text Line answers AYUDA in Spanish too.
DEFAULT_CRISIS_CONTACTS_ES: list[dict[str, str]] = [
    {
        "name": "988 Línea de Prevención del Suicidio y Crisis",
        "detail": "Llame al 988 y marque 2 para español",
        "href": "tel:988",
        "short": "Llame al 988",
    },
    {
        "name": "988 Línea de Prevención del Suicidio y Crisis",
        "detail": "Envíe AYUDA por texto al 988",
        "href": "sms:988?&body=AYUDA",
        "short": "AYUDA por texto al 988",
    },
    {
        "name": "Chat de la Línea 988",
        "detail": "Chatee en español con el 988",
        "href": "https://988lineadevida.org/",
    },
    {
        "name": "Crisis Text Line",
        "detail": "Envíe AYUDA por texto al 741741",
        "href": "sms:741741?&body=AYUDA",
    },
    {
        "name": "Servicios de emergencia",
        "detail": "Llame al 911",
        "href": "tel:911",
        "short": "Llame al 911",
        "note": "o vaya a la sala de emergencias más cercana si está en peligro ahora. "
        "Fuera de EE. UU., llame al número de emergencias de su país.",
    },
]

#: The name shown when CLINIC_NAME is not set (translated on Spanish pages).
DEFAULT_CLINIC_NAME = "The clinic"

#: The clinic's contact settings, each shown to patients only when set.
CLINIC_CONTACT_SETTINGS = (
    "CLINIC_PHONE",
    "CLINIC_EMAIL",
    "CLINIC_HOURS",
    "CLINIC_ADDRESS",
    "CLINIC_RESPONSE_TIME",
)

#: Why production will not start without a phone or an email for the clinic: results
#: tell people, the urgent ones included, to contact the clinic themselves.
NO_CLINIC_CONTACT = (
    "CLINIC_PHONE or CLINIC_EMAIL must be set in production: "
    "patients need a way to reach the clinic."
)


def database_url(value: str | None, instance_path: str) -> str:
    """The SQLAlchemy URL: ``DATABASE_URL``, or a SQLite file in the instance folder."""
    if not value:
        return "sqlite:///" + os.path.join(instance_path, "screening.sqlite3")
    # Use psycopg 3 for PostgreSQL whatever spelling the host gives.
    for prefix in ("postgres://", "postgresql://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix) :]
    return value


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from error


def _timezone() -> str:
    name = os.environ.get("CLINIC_TIMEZONE", "America/New_York")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(f"CLINIC_TIMEZONE is not a known time zone: {name!r}") from error
    return name


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _public_url(name: str, production: bool, *, local: str, why: str) -> str:
    """A public address the app cannot guess: required in production."""
    value = os.environ.get(name, "").strip().rstrip("/")
    if value:
        return value
    if production:
        raise ConfigError(f"{name} is not set. Set it to {why}.")
    return local


def _mfa_keys(production: bool, secret_key: str) -> tuple[str, ...]:
    from .auth.secret_box import derived_key, parse_keys

    raw = os.environ.get("MFA_ENCRYPTION_KEY", "")
    try:
        keys = parse_keys(raw)
    except ValueError as error:
        raise ConfigError(f"MFA_ENCRYPTION_KEY: {error}") from error
    if keys:
        return keys
    if production:
        raise ConfigError(
            "MFA_ENCRYPTION_KEY is not set. Set it to a key made with "
            "python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())' (a comma-separated list while you "
            "rotate keys: the first encrypts, all decrypt)."
        )
    return (derived_key(secret_key),)


def _clinic_contact(production: bool) -> dict[str, str]:
    """The clinic's contact settings; production needs a phone or an email among them."""
    contact = {name: os.environ.get(name, "").strip() for name in CLINIC_CONTACT_SETTINGS}
    if production and not (contact["CLINIC_PHONE"] or contact["CLINIC_EMAIL"]):
        raise ConfigError(NO_CLINIC_CONTACT)
    return contact


def _hour(name: str, raw: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or not 0 <= int(raw) <= 23:
        raise ConfigError(f"{name} must be an hour from 0 to 23, got {raw!r}")
    return int(raw)


def _crisis_contacts(
    variable: str = "CRISIS_CONTACTS_JSON",
    default: list[dict[str, str]] = DEFAULT_CRISIS_CONTACTS,
) -> list[dict[str, str]]:
    raw = os.environ.get(variable)
    if not raw:
        return default
    try:
        contacts = json.loads(raw)
        if not all({"name", "detail"} <= set(c) for c in contacts):
            raise ValueError("each contact needs a name and a detail")
    except (ValueError, TypeError) as error:
        raise ConfigError(f"{variable} is not valid: {error}") from error
    return contacts


def load(env: str | None = None) -> dict[str, Any]:
    """Build the settings for ``env`` (default: ``APP_ENV``, else production)."""
    env = env or os.environ.get("APP_ENV", "production")
    if env not in {"production", "development", "testing"}:
        raise ConfigError(f"APP_ENV must be production, development or testing, got {env!r}")
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        if env == "production":
            raise ConfigError(
                "SECRET_KEY is not set. Set it to a long random value "
                "(python -c 'import secrets; print(secrets.token_hex(32))'), "
                "or set APP_ENV=development for a local run."
            )
        # Justified: a fixed key for development and tests only; production refuses it above.
        secret = "dev-only-secret-key-not-for-production"  # noqa: S105  # nosec B105
    production = env == "production"
    fhir_base = _public_url(
        "FHIR_BASE_URL",
        production,
        local="http://127.0.0.1:5000/fhir",
        why="the public address of the FHIR API, e.g. https://screening.example.org/fhir "
        "(the Questionnaire's canonical URL is built from it, never from the request's "
        "Host header)",
    )
    app_base = _public_url(
        "APP_BASE_URL",
        production,
        local="http://127.0.0.1:5000",
        why="the public address of the service, e.g. https://screening.example.org "
        "(alert emails link to it)",
    )
    digest_hour = os.environ.get("DIGEST_HOUR", "").strip()
    mfa_keys = _mfa_keys(production, secret)
    clinic_contact = _clinic_contact(production)
    secure_cookies = _bool("SESSION_COOKIE_SECURE", production)
    crisis_contacts = _crisis_contacts()
    return {
        "APP_ENV": env,
        "TESTING": env == "testing",
        "SECRET_KEY": secret,
        "DATABASE_URL": os.environ.get("DATABASE_URL"),
        "CLINIC_NAME": os.environ.get("CLINIC_NAME", DEFAULT_CLINIC_NAME),
        "CRISIS_CONTACTS": crisis_contacts,
        # Spanish pages: the Spanish contacts. A clinic that sets its own English list
        # (CRISIS_CONTACTS_JSON) and no Spanish one gets its own list on Spanish pages
        # too: the right numbers matter more than the language.
        "CRISIS_CONTACTS_ES": _crisis_contacts(
            "CRISIS_CONTACTS_ES_JSON",
            DEFAULT_CRISIS_CONTACTS_ES
            if crisis_contacts is DEFAULT_CRISIS_CONTACTS
            else crisis_contacts,
        ),
        # How patients reach the clinic (result, privacy, delete and saved pages, and
        # every footer). Each is shown only when set; CLINIC_RESPONSE_TIME reads as
        # "The clinic aims to contact you <value>", e.g. "within 2 working days".
        # Production needs CLINIC_PHONE or CLINIC_EMAIL (NO_CLINIC_CONTACT).
        **clinic_contact,
        # The two settings written in words, in Spanish for Spanish pages (e.g. "lunes a
        # viernes, de 9 a 5" and "en un plazo de 2 días hábiles"); without them Spanish
        # pages show the English wording, marked lang="en".
        "CLINIC_HOURS_ES": os.environ.get("CLINIC_HOURS_ES", "").strip(),
        "CLINIC_RESPONSE_TIME_ES": os.environ.get("CLINIC_RESPONSE_TIME_ES", "").strip(),
        "DRAFT_TTL_DAYS": _int("DRAFT_TTL_DAYS", 7),
        # How long a result link opens the result after sending; then it says it no
        # longer works (the clinic keeps the submission).
        "RESULT_LINK_DAYS": _int("RESULT_LINK_DAYS", 7),
        # The clinic's own booking page: results link to it with ?ref=<reference>.
        "CLINIC_BOOKING_URL": os.environ.get("CLINIC_BOOKING_URL", "").strip(),
        # Closed submissions are removed this many days after closing (flask purge).
        "RETENTION_DAYS": _int("RETENTION_DAYS", 365),
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 256 * 1024),
        "SQLITE_BUSY_TIMEOUT_MS": _int("SQLITE_BUSY_TIMEOUT_MS", 5000),
        # Never put statement parameters (answers) into error messages or logs.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        # A distressed person may take their time: CSRF tokens last as long as the
        # browser session instead of one hour.
        "WTF_CSRF_TIME_LIMIT": None,
        # "__Host-": the browser keeps it to this host, over HTTPS, for every path (only a
        # Secure cookie may have the prefix, so plain-HTTP load tests go without it).
        "SESSION_COOKIE_NAME": "__Host-ks_session" if secure_cookies else "ks_session",
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Secure cookies in production; SESSION_COOKIE_SECURE=false only for plain-HTTP
        # load tests on localhost.
        "SESSION_COOKIE_SECURE": secure_cookies,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # Clinician area
        "CLINIC_TIMEZONE": _timezone(),
        "CLINICIAN_IDLE_MINUTES": _int("CLINICIAN_IDLE_MINUTES", 15),
        "CLINICIAN_SESSION_HOURS": _int("CLINICIAN_SESSION_HOURS", 8),
        "LOCKOUT_ATTEMPTS": _int("LOCKOUT_ATTEMPTS", 5),
        "LOCKOUT_MINUTES": _int("LOCKOUT_MINUTES", 15),
        "QUEUE_PAGE_SIZE": _int("QUEUE_PAGE_SIZE", 50),
        # Rate limits (Flask-Limiter): Redis when REDIS_URL is set, else this process.
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        # Redis is optional at run time: while it cannot be reached, each worker counts
        # in its own memory (one warning per outage) and goes back to Redis by itself,
        # checking again after 1, 2, 4 ... 32 seconds. A lost Redis never stops a
        # patient or a clinician; half a second is the longest a request waits for it.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "ks"),
        "SIGN_IN_RATE_LIMIT": os.environ.get("SIGN_IN_RATE_LIMIT", "10 per minute; 50 per hour"),
        "SCREENING_START_RATE_LIMIT": os.environ.get(
            "SCREENING_START_RATE_LIMIT", "10 per minute; 100 per hour"
        ),
        "SUBMIT_RATE_LIMIT": os.environ.get("SUBMIT_RATE_LIMIT", "10 per minute; 100 per hour"),
        # "Email me my reference": the sending form, per client address.
        "REFERENCE_EMAIL_RATE_LIMIT": os.environ.get("REFERENCE_EMAIL_RATE_LIMIT", "5 per hour"),
        # Behind a TLS-terminating proxy: how many proxies set X-Forwarded-* (0: none).
        "PROXY_FIX_HOPS": _int("PROXY_FIX_HOPS", 0),
        "HSTS": production,
        # FHIR: the public base of /fhir (canonical URLs), and the other origins whose
        # browser clients may POST screenings (comma-separated; none by default).
        "FHIR_BASE_URL": fhir_base,
        # Alerts (clinician.md): links in emails, the mail server (none: written to the
        # log), the reminder for an urgent submission still new, the optional digest.
        "APP_BASE_URL": app_base,
        # Authenticator secrets are encrypted with the first key; every key decrypts.
        "MFA_ENCRYPTION_KEYS": mfa_keys,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "").strip(),
        "MAIL_PORT": _int("MAIL_PORT", 587),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", "").strip(),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", True),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "").strip() or "alerts@localhost",
        "URGENT_REMINDER_MINUTES": _int("URGENT_REMINDER_MINUTES", 60),
        "DIGEST_HOUR": _hour("DIGEST_HOUR", digest_hour),
        "OUTBOX_POLL_SECONDS": _int("OUTBOX_POLL_SECONDS", 15),
        "FHIR_ALLOWED_ORIGINS": tuple(
            o.strip().rstrip("/")
            for o in os.environ.get("FHIR_ALLOWED_ORIGINS", "").split(",")
            if o.strip()
        ),
    }
