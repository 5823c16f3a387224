"""Every kind of FHIR resource the app produces, checked by an independent validator:
FHIR.js (the npm `fhir` package, installed by `make test` into tests/node), which
validates against the R4 structure definitions, besides the fhir.resources models the
app itself uses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .helpers import Patient, steps_with, text
from .staff import make_submission
from .test_fhir_api import post, response_for

NODE_DIR = Path(__file__).resolve().parent / "node"
NODE = shutil.which("node")


@pytest.fixture
def validate(tmp_path):
    if NODE is None or not (NODE_DIR / "node_modules" / "fhir").exists():
        message = "the FHIR.js validator is not installed: run `make test` (npm ci in tests/node)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)

    def run(resources: dict[str, dict]) -> dict[str, dict]:
        files = []
        for name, resource in resources.items():
            path = tmp_path / f"{name}.json"
            path.write_text(json.dumps(resource))
            files.append(str(path))
        done = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
            [NODE, str(NODE_DIR / "validate.js"), *files],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        results = [json.loads(line) for line in done.stdout.splitlines()]
        return {Path(r["file"]).stem: r for r in results}

    return run


def test_every_resource_the_app_produces_is_valid_r4(app, client, admin_in, validate):
    from questionnaire.forms.catalogue import fields_by_name

    with app.app_context():
        fields_by_name()
    get = lambda path, c=client: json.loads(text(c.get(path)))  # noqa: E731
    reference = make_submission(app, phq9_9="1", vascular=["aneurysm"], notes="Call after 5pm")
    created = post(client, response_for(steps_with({"phq9": {"phq9_9": "2"}})))
    invalid = post(client, response_for(steps_with({"about": {"age": "thirty"}})))
    Patient(app.test_client()).complete()
    resources = {
        "questionnaire": get("/fhir/Questionnaire/ketamine-screening"),
        "capability": get("/fhir/metadata"),
        "search": get(
            "/fhir/Questionnaire?url=http://127.0.0.1:5000/fhir/Questionnaire/ketamine-screening"
        ),
        "empty-search": get("/fhir/Questionnaire?url=https://elsewhere.example/Q"),
        "not-found": get("/fhir/Questionnaire/none"),
        "created": json.loads(text(created)),
        "refused": json.loads(text(invalid)),
        "response": get(f"/clinician/submissions/{reference}/export.fhir.json", admin_in.client),
        "bundle": get("/clinician/export.fhir.json", admin_in.client),
        "empty-bundle": get("/clinician/export.fhir.json?status=closed", admin_in.client),
    }
    results = validate(resources)
    assert {name: r["errors"] for name, r in results.items() if not r["valid"]} == {}
    assert set(results) == set(resources)
