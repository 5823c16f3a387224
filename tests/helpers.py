"""A patient walking through the screening with the test client, CSRF included."""

from __future__ import annotations

import copy
import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from .examples import EXAMPLE_1, EXAMPLE_1_SECTIONS, STEPS

__all__ = ["CSRF", "EXAMPLE_1", "EXAMPLE_1_SECTIONS", "STEPS", "Patient", "steps_with", "text"]

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


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
