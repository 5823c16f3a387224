"""Hostile input never gets a 5xx: arbitrary values, unknown and repeated fields, odd
Unicode and control characters, on every patient and clinician form."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from questionnaire.body_limits import limit_for
from questionnaire.forms.screening import STEP_FORMS

from .helpers import steps_with
from .staff import make_clinician, make_submission

FIELD_NAMES = [
    "understand_not_diagnosis",
    "consent_store",
    "age",
    "pregnancy",
    "diagnosed",
    "other_treatments",
    "phq9_1",
    "phq9_9",
    "phq9_difficulty",
    "vascular",
    "medications",
    "medications_other",
    "notes",
    "wants_contact",
    "contact_name",
    "contact_email",
    "contact_phone",
    "contact_time",
    "email",
    "password",
    "code",
    "status",
    "clinician_id",
    "body",
    "role",
    "q",
    "unknown",
    "csrf_token",
]
ODD_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(
        [
            "\x00",
            "\x00y",
            "y\r\n",
            "=1+1",
            "’",
            "\u202e",
            "a" * 3000,
            "-1",
            "999999999999999999999",
            "1e9",
            "none",
            "y",
            "0",
            "3",
            "\ud7ff",
        ]
    ),
)
FORM_DATA = st.lists(
    st.tuples(st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=12)), ODD_TEXT),
    max_size=12,
)
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def post(client, url, pairs, token):
    data = MultiDict([(name, value) for name, value in pairs if name != "csrf_token"])
    data.add("csrf_token", token)
    return client.post(url, data=data)


@pytest.mark.parametrize("step", [form.step_id for form in STEP_FORMS] + ["check"])
def test_patient_steps_never_fail(app, patient, step):
    steps = steps_with()
    if step not in ("start", "check"):
        patient.answer_all(steps, until=step)
    elif step == "check":
        patient.answer_all(steps)
    token = patient.token()

    @FUZZ
    @given(FORM_DATA)
    def run(pairs):
        response = post(patient.client, f"/screening/{step}", pairs, token)
        assert response.status_code < 500, response.status_code

    run()


def test_patient_gets_and_tokens_never_fail(client):
    @FUZZ
    @given(st.text(max_size=80), st.text(max_size=80))
    def run(token, cookie):
        client.set_cookie("ks_draft", cookie.replace(";", ""), path="/screening")
        for url in (
            f"/screening/result/{token}",
            "/screening",
            "/screening/check",
            f"/screening/{token}",
        ):
            assert client.get(url.replace("?", "").replace("#", "")).status_code < 500

    run()


def test_clinician_forms_never_fail(app, staff, admin_account):
    reference = make_submission(app)
    make_clinician(app, "lee@clinic.example")
    staff.full_sign_in(admin_account)
    urls = [
        f"/clinician/submissions/{reference}/status",
        f"/clinician/submissions/{reference}/assign",
        f"/clinician/submissions/{reference}/notes",
        "/clinician/accounts",
    ]

    @FUZZ
    @given(FORM_DATA)
    def run(pairs):
        for url in urls:
            assert post(staff.client, url, pairs, staff.token).status_code < 500, url

    run()


def test_clinician_queries_never_fail(app, staff, admin_account):
    make_submission(app)
    staff.full_sign_in(admin_account)

    @FUZZ
    @given(FORM_DATA)
    def run(pairs):
        for url in ("/clinician/", "/clinician/audit", "/clinician/export.csv"):
            response = staff.client.get(
                url, query_string=[(k, v) for k, v in pairs if k != "csrf_token"]
            )
            assert response.status_code < 500, url
            response.close()
        path = "".join(v for _, v in pairs)[:40].replace("/", "").replace("?", "")
        path = path.replace("#", "")
        assert staff.client.get(f"/clinician/submissions/{path}").status_code < 500

    run()


def test_sign_in_never_fails(app, client):
    from .helpers import CSRF, text

    token = CSRF.search(text(client.get("/clinician/sign-in"))).group(1)
    app.config["SIGN_IN_RATE_LIMIT"] = "10000 per minute"

    @FUZZ
    @given(FORM_DATA)
    def run(pairs):
        for url in ("/clinician/sign-in",):
            assert post(client, url, pairs, token).status_code < 500

    run()


def test_bodies_over_the_limit_get_413(app, patient):
    token = patient.token()
    body = {"csrf_token": token, "notes": "x" * (limit_for(app, "patient.step") + 1)}
    response = patient.client.post("/screening/start", data=body)
    assert response.status_code == 413
