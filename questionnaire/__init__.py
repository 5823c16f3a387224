"""The ketamine therapy screening service: the application factory."""

from __future__ import annotations

import logging
import os
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, Response, current_app, has_request_context
from flask_babel import format_date, format_number
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from . import body_limits, crisis, i18n
from . import config as settings
from .errors import register_error_handlers
from .extensions import configure_sqlite, csrf, db, limiter, login_manager, migrate
from .serving import redact_development_server_log

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")

#: Sent on every response. Scripts and styles are files served by the app: no inline
#: code, so the policy needs no 'unsafe-inline' and no nonces.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
        "interest-cohort=(), browsing-topics=()"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
HSTS = "max-age=63072000; includeSubDomains"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, error pages, headers, logging."""
    app = Flask(__name__, instance_relative_config=True)
    overrides = dict(config or {})
    app.config.update(settings.load(overrides.get("APP_ENV")))
    app.config.update(overrides)
    app.config["SQLALCHEMY_DATABASE_URI"] = settings.database_url(
        app.config.get("DATABASE_URL"), app.instance_path
    )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)

    register_extensions(app)
    register_blueprints(app)
    body_limits.init_app(app)
    register_error_handlers(app)
    register_commands(app)
    register_template_globals(app)
    app.after_request(add_security_headers)
    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )
    configure_logging(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    register_login(app)
    busy_timeout = app.config["SQLITE_BUSY_TIMEOUT_MS"]
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(
                db.engine,
                "connect",
                lambda dbapi_connection, _record: configure_sqlite(dbapi_connection, busy_timeout),
            )


def register_login(app: Flask) -> None:
    from . import clock
    from .auth import sessions

    login_manager.init_app(app)
    login_manager.login_view = "clinician.sign_in"
    login_manager.login_message = None
    login_manager.session_protection = None  # the server-side session record decides
    limits = sessions.Limits(
        idle=timedelta(minutes=app.config["CLINICIAN_IDLE_MINUTES"]),
        absolute=timedelta(hours=app.config["CLINICIAN_SESSION_HOURS"]),
    )

    @login_manager.user_loader
    def load_principal(key: str) -> sessions.Principal | None:
        return sessions.find(key, clock.now(), limits)


def register_blueprints(app: Flask) -> None:
    from .clinician import bp as clinician_bp
    from .interop import bp as interop_bp
    from .ops import bp as ops_bp
    from .patient import bp as patient_bp

    app.register_blueprint(ops_bp)
    app.register_blueprint(patient_bp)
    app.register_blueprint(clinician_bp)
    app.register_blueprint(interop_bp)


def register_commands(app: Flask) -> None:
    from .cli import (
        backup_cli,
        clinician_cli,
        demo_cli,
        outbox_cli,
        purge_command,
        unavailable_page,
    )

    app.cli.add_command(clinician_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(purge_command)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(unavailable_page)


def register_template_globals(app: Flask) -> None:
    # Block tags leave no blank lines or indentation behind: lighter pages.
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    zone = ZoneInfo(app.config["CLINIC_TIMEZONE"])

    @app.template_filter("localtime")
    def localtime(moment: datetime | None) -> str:
        """A UTC time as the clinic reads it, e.g. 30 Nov 2026, 09:42 EST."""
        if moment is None:
            return ""
        return moment.astimezone(zone).strftime("%-d %b %Y, %H:%M %Z")

    @app.template_filter("localtime_seconds")
    def localtime_seconds(moment: datetime | None) -> str:
        """To the second, for the audit log: 30 Nov 2026, 09:42:07 EST."""
        if moment is None:
            return ""
        return moment.astimezone(zone).strftime("%-d %b %Y, %H:%M:%S %Z")

    app.add_template_filter(format_number, "number")

    @app.template_filter("longdate")
    def longdate(moment: datetime | date | None) -> str:
        """A date as people write it: 7 December 2026; in Spanish 7 de diciembre de 2026."""
        if moment is None:
            return ""
        if i18n.language() == "es":
            return format_date(moment, format="long")
        return f"{moment.day} {moment:%B %Y}"

    app.jinja_env.globals["crisis_page_mode"] = crisis.page_mode

    @app.context_processor
    def clinic() -> dict[str, Any]:
        language = i18n.language() if has_request_context() else i18n.DEFAULT
        contact = i18n.clinic_contact(app.config, language)
        return {
            "clinic_name": contact.name,
            "clinic_named": app.config["CLINIC_NAME"] != settings.DEFAULT_CLINIC_NAME,
            "clinic": contact,
            "crisis_contacts": app.config[
                "CRISIS_CONTACTS_ES" if language == "es" else "CRISIS_CONTACTS"
            ],
        }


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["HSTS"]:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def configure_logging(app: Flask) -> None:
    # The development server logs each request line: never a link token or a query.
    redact_development_server_log()
    if not app.debug and not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
