"""Blueprint "interop": a small FHIR R4 API under /fhir.

Public and without patient data: the CapabilityStatement and the screening's
Questionnaire (read and search by url), open to browser clients on any origin (CORS).
``POST /fhir/QuestionnaireResponse`` takes a completed screening from another forms
client; responses of stored submissions are exported from the clinician area only.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("interop", __name__, url_prefix="/fhir")


from . import views  # noqa: E402,F401  (routes register on bp)
