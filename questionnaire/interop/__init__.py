"""Blueprint "interop": a small FHIR R4 API under /fhir.

Public and without patient data: the CapabilityStatement and the screening's
Questionnaire (read and search by url), open to browser clients on any origin (CORS).
``POST /fhir/QuestionnaireResponse`` takes a completed screening from another forms
client; responses of stored submissions are exported from the clinician area only.
"""

from __future__ import annotations

from flask import Blueprint, current_app

bp = Blueprint("interop", __name__, url_prefix="/fhir")
FHIR_JSON = "application/fhir+json"


def base_url() -> str:
    """The public base of the FHIR API, from the FHIR_BASE_URL setting."""
    return str(current_app.config["FHIR_BASE_URL"])


def canonical_url() -> str:
    """The Questionnaire's canonical URL: from the setting, never from the Host header."""
    from ..fhir import QUESTIONNAIRE_ID

    return f"{base_url()}/Questionnaire/{QUESTIONNAIRE_ID}"


from . import views  # noqa: E402,F401  (routes register on bp)
