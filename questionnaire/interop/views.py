"""The FHIR routes: CapabilityStatement, Questionnaire read and search, and screenings
submitted as QuestionnaireResponse resources."""

from __future__ import annotations

import hashlib
import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Response, current_app, make_response, render_template, request, url_for
from pydantic import ValidationError as ModelError

from .. import clock, fhir, outbox, submissions
from ..clinic import ClinicContact
from ..extensions import csrf, limiter
from ..fhir import FHIR_JSON, base_url, canonical_url
from ..forms.screening import QUESTIONNAIRE_VERSION
from ..i18n import LANGUAGES
from ..models import Submission
from ..next_steps import next_steps
from ..rules import OUTCOMES, Assessment, crisis_support_needed, is_minor
from . import bp
from .definition import QUESTIONNAIRE_DATE, questionnaire
from .intake import Problem, read
from .outcomes import error_response

log = logging.getLogger(__name__)

MINOR_MESSAGE = "This screening is for adults aged 18 or over. Nothing from this response was kept."


def _fhir(resource: dict[str, Any], status: int = 200, *, public: bool = False) -> Response:
    response = Response(fhir.dumps(resource), status=status, mimetype=FHIR_JSON)
    if public:
        # Definitions only, no patient data: any web client may read them.
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _definition() -> dict[str, Any]:
    """The Questionnaire for this app's settings, in English or, with ``?lang=es``, in
    Spanish: built and validated once per language, then served from memory (it changes
    only with the code and the settings)."""
    language = request.args.get("lang", "en")
    if language not in LANGUAGES:
        language = "en"
    setting = "CRISIS_CONTACTS_ES" if language == "es" else "CRISIS_CONTACTS"
    contacts = json.dumps(current_app.config[setting], sort_keys=True)
    return _built(canonical_url(), current_app.config["CLINIC_NAME"], contacts, language)


@lru_cache(maxsize=8)
def _built(canonical: str, publisher: str, contacts: str, language: str) -> dict[str, Any]:
    return questionnaire(canonical, publisher, json.loads(contacts), language)


# --- definitions (public, CORS) -------------------------------------------------------


@bp.get("/metadata")
def metadata() -> Response:
    return _fhir(capability_statement(), public=True)


def capability_statement() -> dict[str, Any]:
    return fhir.checked(
        "CapabilityStatement",
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": QUESTIONNAIRE_DATE,
            "publisher": current_app.config["CLINIC_NAME"],
            "kind": "instance",
            "implementation": {
                "description": "Ketamine therapy screening: FHIR API",
                "url": base_url(),
            },
            "fhirVersion": "4.0.1",
            "format": ["application/fhir+json", "json"],
            "rest": [
                {
                    "mode": "server",
                    "documentation": (
                        "The screening's Questionnaire can be read and searched by url; "
                        "completed responses to it can be created. No resource holding "
                        "patient data can be read here."
                    ),
                    "resource": [
                        {
                            "type": "Questionnaire",
                            "interaction": [{"code": "read"}, {"code": "search-type"}],
                            "searchParam": [{"name": "url", "type": "uri"}],
                        },
                        {
                            "type": "QuestionnaireResponse",
                            "interaction": [{"code": "create"}],
                        },
                    ],
                }
            ],
        },
    )


@bp.get("/Questionnaire/<resource_id>")
def questionnaire_read(resource_id: str) -> Response:
    if resource_id != fhir.QUESTIONNAIRE_ID:
        return error_response(404, f"There is no Questionnaire with the id {resource_id!r}.")
    return _fhir(_definition(), public=True)


@bp.get("/Questionnaire")
def questionnaire_search() -> Response:
    """Search by ``url`` (with or without ``|version``); no parameter lists ours."""
    wanted = request.args.get("url")
    matches = wanted is None or wanted in (
        canonical_url(),
        f"{canonical_url()}|{QUESTIONNAIRE_VERSION}",
    )
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 1 if matches else 0,
        "link": [{"relation": "self", "url": _self_link()}],
    }
    if matches:
        bundle["entry"] = [
            {
                "fullUrl": canonical_url(),
                "resource": _definition(),
                "search": {"mode": "match"},
            }
        ]
    return _fhir(fhir.checked("Bundle", bundle), public=True)


def _self_link() -> str:
    query = request.query_string.decode("utf-8", "replace")
    return f"{base_url()}/Questionnaire" + (f"?{query}" if query else "")


# --- screenings from other forms clients ----------------------------------------------


def _submit_limit() -> str:
    return current_app.config["SUBMIT_RATE_LIMIT"]


def _origin_allowed() -> bool:
    """Browsers send Origin on a cross-site POST; other clients send none. Only our own
    origin and the configured ones may post from a browser."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    own = request.host_url.rstrip("/")
    return origin.rstrip("/") in (own, *current_app.config["FHIR_ALLOWED_ORIGINS"])


@bp.route("/QuestionnaireResponse", methods=["OPTIONS"])
def questionnaire_response_preflight() -> Response:
    if not _origin_allowed():
        return error_response(403, "This origin may not send screenings here.")
    response = Response(status=204)
    origin = request.headers.get("Origin")
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
    response.headers["Access-Control-Allow-Methods"] = "POST"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
    response.headers["Access-Control-Max-Age"] = "600"
    return response


@bp.post("/QuestionnaireResponse")
@csrf.exempt
@limiter.limit(_submit_limit)
def questionnaire_response_create() -> Response:
    """A completed screening from a FHIR forms client: checked like the web forms, then
    assessed and stored like any other screening.

    No CSRF token: this endpoint reads no cookie and sets none, so a forged cross-site
    request carries no one's authority; browsers on other origins are refused unless
    configured (``FHIR_ALLOWED_ORIGINS``)."""
    if not _origin_allowed():
        return error_response(403, "This origin may not send screenings here.")
    if request.mimetype not in (FHIR_JSON, "application/json"):
        return error_response(415, "Send the QuestionnaireResponse as application/fhir+json.")
    body = request.get_data(cache=False)
    try:
        resource = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return error_response(400, "The body is not valid JSON.")
    problem = _structure_problem(resource)
    if problem:
        return error_response(400, problem)
    intake = read(resource)
    if intake.problems:
        return error_response(422, "Some answers need attention.", intake.problems)
    if is_minor(int(intake.answers["age"])):
        return error_response(422, MINOR_MESSAGE, [Problem(MINOR_MESSAGE, "age", "business-rule")])
    return _store(intake.answers, hashlib.sha256(body).hexdigest(), answered_in(resource))


def answered_in(resource: dict[str, Any]) -> str:
    """The response's ``language`` ("es", "es-US") as one we keep; English otherwise."""
    code = str(resource.get("language") or "").split("-")[0].lower()
    return code if code in LANGUAGES else "en"


def _structure_problem(resource: Any) -> str | None:
    if not isinstance(resource, dict) or resource.get("resourceType") != "QuestionnaireResponse":
        return "The body must be a QuestionnaireResponse resource."
    if resource.get("status") != "completed":
        return "Only a completed QuestionnaireResponse (status 'completed') can be sent."
    asked_for = str(resource.get("questionnaire", "")).split("|")[0]
    if asked_for != canonical_url():
        return f"The response must answer the Questionnaire {canonical_url()}."
    try:
        fhir.checked("QuestionnaireResponse", resource)
    except (ModelError, ValueError) as error:
        first = str(error).splitlines()[0]
        return f"The QuestionnaireResponse is not valid FHIR R4: {first}"
    return None


def _store(answers: dict[str, Any], digest: str, language: str = "en") -> Response:
    key = f"fhir:{digest}"  # the same response sent twice is stored once
    secret = current_app.config["SECRET_KEY"]
    submission, created = submissions.by_draft_key(key), False
    if submission is None:
        submission, created = submissions.store_once(
            key,
            lambda: submissions.create_from_answers(
                answers, key, secret, clock.now(), source="fhir", language=language
            ),
        )
    link = url_for("patient.result", token=submissions.result_token(secret, key), _external=True)
    response = _fhir(_result(submission, link), 201 if created else 200)
    response.headers["Location"] = link
    response.headers["Cache-Control"] = "no-store"
    return response


def _result(submission: Submission, link: str) -> dict[str, Any]:
    """What the person would see first: reference, outcome, reasons, sections, next
    steps, and the crisis contacts when item 9 was above "Not at all"."""
    assessment = Assessment.from_dict(submission.assessment)
    outcome = OUTCOMES[assessment.outcome]
    flags = assessment.flags
    params: list[dict[str, Any]] = [
        {"name": "reference", "valueString": submission.reference},
        {"name": "outcome", "valueCode": submission.outcome},
        {"name": "outcomeTitle", "valueString": outcome.title},
        {"name": "explanation", "valueString": " ".join(assessment.explanation())},
        {"name": "result", "valueUri": link},
        {"name": "rulesVersion", "valueString": submission.rules_version},
    ]
    steps = next_steps(
        submission.outcome,
        submission.answers,
        ClinicContact.from_config(current_app.config),
        submission.reference,
        alerted=submission.outcome != "urgent-support" or outbox.anyone_receives_alerts(),
    )
    for line in steps.lines():
        params.append({"name": "nextStep", "valueString": line})
    for flag in flags:
        if flag.patient_visible:
            params.append(
                {
                    "name": "flag",
                    "part": [
                        {"name": "id", "valueCode": flag.id},
                        {"name": "level", "valueCode": flag.level.value},
                        {"name": "text", "valueString": flag.patient_text},
                    ],
                }
            )
    for section_id in assessment.sections:
        params.append({"name": "section", "valueCode": section_id})
    if crisis_support_needed(submission.answers):
        for contact in current_app.config["CRISIS_CONTACTS"]:
            parts = [
                {"name": "name", "valueString": contact["name"]},
                {"name": "detail", "valueString": contact["detail"]},
            ]
            if contact.get("href"):
                parts.append({"name": "link", "valueUri": contact["href"]})
            params.append({"name": "crisisContact", "part": parts})
    return fhir.checked("Parameters", {"resourceType": "Parameters", "parameter": params})


# --- the demo page: our Questionnaire in LHC-Forms ------------------------------------

LFORMS_VERSION_FILE = Path(__file__).resolve().parent.parent / "static/vendor/lforms/VERSION"
#: LHC-Forms (Angular) adds <style> elements as it draws: only this page allows them.
DEMO_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


@bp.get("/demo")
def demo() -> Response:
    """A FHIR forms client (LHC-Forms, vendored by ``make lforms``) showing our
    Questionnaire and sending the answers back."""
    version = LFORMS_VERSION_FILE.read_text().strip() if LFORMS_VERSION_FILE.exists() else ""
    response = make_response(render_template("interop/demo.html", lforms_version=version))
    response.headers["Content-Security-Policy"] = DEMO_CSP
    return response
