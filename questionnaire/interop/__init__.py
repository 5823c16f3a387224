"""Blueprint "interop": the questionnaire definition for other systems (FHIR R4).

The definition holds no patient data; responses are exported from the clinician area.
"""

from __future__ import annotations

from flask import Blueprint, Response, url_for

from .. import fhir

bp = Blueprint("interop", __name__, url_prefix="/fhir")
FHIR_JSON = "application/fhir+json"


def canonical_url() -> str:
    return url_for("interop.questionnaire", _external=True)


@bp.get("/Questionnaire")
def questionnaire() -> Response:
    body = fhir.dumps(fhir.questionnaire(canonical_url()))
    return Response(body, mimetype=FHIR_JSON)
