"""FHIR errors: every problem answered as an ``OperationOutcome`` in FHIR JSON."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Response

from .. import fhir
from ..fhir import FHIR_JSON
from .intake import Problem

#: HTTP status → the OperationOutcome issue type that says the same.
ISSUE_CODES = {
    400: "structure",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    413: "too-costly",
    415: "not-supported",
    422: "invalid",
    429: "throttled",
    500: "exception",
    503: "transient",
}


def outcome(problems: Iterable[Problem], severity: str = "error") -> dict[str, Any]:
    issues = []
    for problem in problems:
        issue: dict[str, Any] = {
            "severity": severity,
            "code": problem.code,
            "diagnostics": problem.message,
            "details": {"text": problem.message},
        }
        if problem.link_id:
            issue["expression"] = [f"QuestionnaireResponse.item.where(linkId='{problem.link_id}')"]
        issues.append(issue)
    return fhir.checked("OperationOutcome", {"resourceType": "OperationOutcome", "issue": issues})


def error_response(status: int, message: str, problems: Iterable[Problem] = ()) -> Response:
    problems = list(problems) or [Problem(message, code=ISSUE_CODES.get(status, "processing"))]
    return Response(fhir.dumps(outcome(problems)), status=status, mimetype=FHIR_JSON)
