"""Languages: the patient side in English and Spanish (US), the clinician area in English.

The language of a patient page comes from, in order: ``?lang=`` on the link (the switch
in the header, which also sets the ``lang`` cookie), the ``lang`` cookie, the browser's
``Accept-Language``, English. Clinician, FHIR and operations pages are always English.

Words live in the code in English and go through gettext: templates with ``_()`` and
``{% trans %}``, form wording with the lazy ``_l()`` (read when the page is drawn, in
its language), and the pure modules (``rules.py``, ``phq9.py``) mark theirs with
``N_()`` so that the page translates them where it shows them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import Babel, force_locale, get_locale, gettext, lazy_gettext

from .clinic import ClinicContact
from .translatable import N_

__all__ = [
    "LANGUAGES",
    "N_",
    "_",
    "_l",
    "in_language",
    "init_app",
    "language",
    "language_name",
]

log = logging.getLogger(__name__)

#: Language code → its own name, as the switch shows it.
LANGUAGES: Mapping[str, str] = {"en": "English", "es": "Español"}
#: Language code → its name in English, for the clinician area and exports.
ENGLISH_NAMES: Mapping[str, str] = {"en": "English", "es": "Spanish"}
DEFAULT = "en"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

#: Paths whose pages are always in English: the clinic's own pages and machine APIs.
ENGLISH_ONLY = ("/clinician", "/fhir", "/healthz", "/readyz", "/interop")

_ = gettext
_l = lazy_gettext


def _english_only(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in ENGLISH_ONLY)


def _requested() -> str | None:
    """The language the link asks for (``?lang=es``), when it is one we have."""
    asked = request.args.get("lang", "")
    return asked if asked in LANGUAGES else None


def select_locale() -> str:
    if _english_only(request.path):
        return DEFAULT
    chosen = _requested() or request.cookies.get(COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(tuple(LANGUAGES), default=DEFAULT) or DEFAULT


def language() -> str:
    """The current page's language code ("en" or "es")."""
    locale = get_locale()
    return DEFAULT if locale is None else locale.language


def language_name(code: str | None) -> str:
    """A stored language code in English words, for clinicians ("Spanish")."""
    return ENGLISH_NAMES.get(code or DEFAULT, code or DEFAULT)


def switch_links() -> list[dict[str, str]]:
    """The header's links to this same page in each other language."""
    current = language()
    args = request.args.to_dict()
    links = []
    for code, name in LANGUAGES.items():
        if code == current:
            continue
        query = {**args, "lang": code}
        links.append({"code": code, "name": name, "href": f"{request.path}?{urlencode(query)}"})
    return links


def remember_choice(response: Response) -> Response:
    """Keep the language a link asked for in a cookie; pages vary by language."""
    if _english_only(request.path):
        return response
    asked = _requested()
    if asked and request.cookies.get(COOKIE) != asked:
        response.set_cookie(
            COOKIE,
            asked,
            max_age=COOKIE_MAX_AGE,
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            httponly=True,
            samesite="Lax",
        )
    if response.mimetype == "text/html":
        response.vary.add("Cookie")
        response.vary.add("Accept-Language")
    return response


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)
    compiled = Path(app.root_path) / "translations" / "es" / "LC_MESSAGES" / "messages.mo"
    if not compiled.exists():
        # Spanish pages would come out in English: say so where the operator looks.
        log.error(
            "The Spanish catalogue is not compiled (%s is missing): run `make translations`",
            compiled,
        )
    app.after_request(remember_choice)
    app.add_template_global(language_name)

    @app.context_processor
    def languages() -> dict[str, Any]:
        if not has_request_context():
            return {"current_language": DEFAULT}
        return {"current_language": language(), "language_links": switch_links}


def clinic_contact(config: Mapping[str, Any], code: str) -> ClinicContact:
    """The clinic's details as a page in ``code`` shows them: "The clinic" (the default
    name, not a name) is said in that language."""
    return ClinicContact.from_config(config, code, unnamed=gettext("The clinic"))


def in_language(code: str) -> Any:
    """``with in_language("es"):`` words things in that language (the clinician page
    shows a Spanish submission's questions in Spanish beside the English)."""
    return force_locale(code)
