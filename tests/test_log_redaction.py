"""No secret in any log: after a walk that uses every kind of patient link (result,
delete, resume) and a query string, neither gunicorn's access log nor the development
server's (`make run`) holds a token or a query."""

from __future__ import annotations

import re

import pytest
import requests
from bs4 import BeautifulSoup

from questionnaire.serving import redact

from .helpers import CSRF, steps_with
from .servers import development_server, gunicorn


def walk(base: str) -> list[str]:
    """Save for later, resume in another browser, submit, see the result, delete it.
    Returns every secret that went over the wire in a URL."""
    secrets = []
    with requests.Session() as first, requests.Session() as second:
        page = first.get(f"{base}/screening/start?utm_source=private-campaign", timeout=30)
        secrets.append("private-campaign")
        token = CSRF.search(page.text).group(1)
        steps = steps_with()
        for step in ("start", "about"):
            first.post(f"{base}/screening/{step}", data={**steps[step], "csrf_token": token})
        saved = first.post(
            f"{base}/screening/history",
            data={**steps["history"], "csrf_token": token, "save_for_later": "1"},
        )
        node = BeautifulSoup(saved.text, "html.parser").select_one("#resume-link")
        node.select_one(".visually-hidden").decompose()
        link = node.get_text(strip=True)
        secrets.append(link.rsplit("/", 1)[1])
        confirm = second.get(link, timeout=30)
        token = CSRF.search(confirm.text).group(1)
        second.post(link, data={"csrf_token": token}, timeout=30)
        for step in ("phq9", "health", "medicines", "practical", "contact"):
            second.post(f"{base}/screening/{step}", data={**steps[step], "csrf_token": token})
        result = second.post(f"{base}/screening/check", data={"csrf_token": token}, timeout=30)
        assert result.url.startswith(f"{base}/screening/result/"), result.url
        secrets.append(result.url.rsplit("/", 1)[1])
        second.get(result.url + "/delete", timeout=30)
        deleted = second.post(result.url + "/delete", data={"csrf_token": token}, timeout=30)
        assert deleted.url == f"{base}/screening/deleted"
    return secrets


def assert_clean(log: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret not in log
    for path in (
        "/screening/resume/[redacted]",
        "/screening/result/[redacted]",
        "/screening/result/[redacted]/delete",
    ):
        assert re.search(rf"(GET|POST) {re.escape(path)}[ \"]", log), (path, log[-2000:])


@pytest.mark.slow
def test_gunicorn_access_log_has_no_link_token_or_query(server_database, tmp_path):
    url, _ = server_database
    log = tmp_path / "gunicorn.log"
    with gunicorn(url, workers=1, log=log, GUNICORN_LOG_LEVEL="info") as base:
        # production responses do not name the server software
        assert "Server" not in requests.get(base + "/healthz", timeout=10).headers
        secrets = walk(base)
    assert_clean(log.read_text(), secrets)


@pytest.mark.slow
def test_development_server_log_has_no_link_token_or_query(server_database, tmp_path):
    url, _ = server_database
    log = tmp_path / "flask-run.log"
    with development_server(url, log=log) as base:
        secrets = walk(base)
    text = log.read_text()
    assert_clean(text, secrets)
    assert "/screening/start?[redacted]" in text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/screening/result/abc123def", "/screening/result/[redacted]"),
        ("/screening/result/abc/delete", "/screening/result/[redacted]/delete"),
        ("/screening/resume/Zx-9_a", "/screening/resume/[redacted]"),
        (
            '"GET /screening/about?change=1 HTTP/1.1" 200',
            '"GET /screening/about?[redacted] HTTP/1.1" 200',
        ),
        ("/screening/start", "/screening/start"),
        ("/clinician/", "/clinician/"),
        ("/clinician/welcome/Zx-9_a", "/clinician/welcome/[redacted]"),
    ],
)
def test_redact(line, expected):
    assert redact(line) == expected
