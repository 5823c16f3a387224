"""A patient walking through the screening with the test client, CSRF included."""

from __future__ import annotations

import copy
import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

#: Worked example 1 of rules.md, step by step: outcome "discuss".
EXAMPLE_1: dict[str, dict[str, Any]] = {
    "start": {"understand_not_diagnosis": "y", "consent_store": "y"},
    "about": {"age": "42", "pregnancy": "no"},
    "history": {
        "diagnosed": "yes",
        "episode_length": "over-2-years",
        "antidepressants_tried": "3-or-more",
        "therapy": "past",
        "other_treatments": ["none"],
    },
    "phq9": {
        "phq9_1": "2",
        "phq9_2": "2",
        "phq9_3": "2",
        "phq9_4": "2",
        "phq9_5": "1",
        "phq9_6": "2",
        "phq9_7": "2",
        "phq9_8": "1",
        "phq9_9": "0",
        "phq9_difficulty": "very",
    },
    "health": {
        "blood_pressure": "no",
        "vascular": ["none"],
        "heart_brain": ["none"],
        "mental_health": ["none"],
        "substance_use": "no",
        "other_conditions": ["none"],
    },
    "medicines": {"medications": ["antidepressant"]},
    "practical": {
        "ride_home": "yes",
        "insurance": "yes",
        "format_interest": "not-sure",
        "notes": "",
    },
    "contact": {"wants_contact": "no"},
}
STEPS = list(EXAMPLE_1)

#: The educational sections worked example 1 is shown (rules.md).
EXAMPLE_1_SECTIONS = [
    "what-is-ketamine",
    "how-it-works",
    "rapid-relief",
    "efficacy",
    "safety",
    "integration",
    "faq-fda",
    "faq-duration",
    "faq-medications",
    "faq-sessions",
    "faq-insurance",
    "consult",
]


def steps_with(changes: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    steps = copy.deepcopy(EXAMPLE_1)
    for step, fields in (changes or {}).items():
        steps[step].update(fields)
    return steps


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


class Patient:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self._token: str | None = None

    def token(self) -> str:
        if self._token is None:
            page = self.client.get("/screening/start")
            match = CSRF.search(text(page))
            assert match, "no CSRF token on the start page"
            self._token = match.group(1)
        return self._token

    def post(self, url: str, data: dict[str, Any] | None = None, **kw: Any) -> TestResponse:
        return self.client.post(url, data={"csrf_token": self.token(), **(data or {})}, **kw)

    def answer(self, step: str, data: dict[str, Any], change: bool = False) -> TestResponse:
        url = f"/screening/{step}" + ("?change=1" if change else "")
        return self.post(url, data)

    def answer_all(self, steps: dict[str, dict[str, Any]], until: str | None = None) -> None:
        for step, data in steps.items():
            if step == until:
                return
            response = self.answer(step, data)
            assert response.status_code == 303, (step, response.status_code, text(response))

    def submit(self) -> TestResponse:
        return self.post("/screening/check")

    def complete(self, changes: dict[str, dict[str, Any]] | None = None) -> TestResponse:
        """Answer every step, submit, and follow to the result page."""
        self.answer_all(steps_with(changes))
        response = self.submit()
        assert response.status_code == 303, text(response)
        result = self.client.get(response.location)
        assert result.status_code == 200
        return result
