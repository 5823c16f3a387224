"""Rate limits hold across processes when they share Redis (REDIS_URL)."""

from __future__ import annotations

import os
import secrets
import socket

import pytest
import requests

from .helpers import CSRF, EXAMPLE_1
from .servers import gunicorn

pytestmark = pytest.mark.slow  # real gunicorn processes

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.mark.skipif(
    not redis_answers(),
    reason="needs Redis on 127.0.0.1:6379: start it with `redis-server --daemonize yes "
    "--bind 127.0.0.1 --port 6379 --save '' --appendonly no`",
)
def test_the_start_limit_holds_across_two_app_processes(server_database, tmp_path):
    url, _ = server_database
    shared = {
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"ks-test-{secrets.token_hex(4)}",
        "SCREENING_START_RATE_LIMIT": "5 per minute",
    }
    with (
        gunicorn(url, workers=1, log=tmp_path / "a.log", **shared) as first,
        gunicorn(url, workers=1, log=tmp_path / "b.log", **shared) as second,
    ):
        statuses = []
        for attempt in range(8):
            base = (first, second)[attempt % 2]
            with requests.Session() as browser:
                token = CSRF.search(browser.get(f"{base}/screening/start").text).group(1)
                response = browser.post(
                    f"{base}/screening/start",
                    data={**EXAMPLE_1["start"], "csrf_token": token},
                    allow_redirects=False,
                )
                statuses.append(response.status_code)
    # five starts in all, whichever process took them; then both refuse
    assert statuses == [303] * 5 + [429] * 3
