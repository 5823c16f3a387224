"""Redis is optional at run time: when the rate-limit store goes away, limits fall back
to this process's memory with one warning per outage, patients still start and submit,
clinicians still sign in, /readyz names the degraded part, and the app goes back to
Redis by itself when it returns. A real redis-server on a free port, started, killed
and restarted by the test."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from sqlalchemy import func, select

from questionnaire import create_app
from questionnaire.extensions import db
from questionnaire.models import Submission

from .helpers import Patient
from .servers import free_port
from .staff import Staff, make_clinician

pytestmark = pytest.mark.slow  # a real redis-server

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
FALLBACK_WARNING = "Rate limit storage unreachable - falling back to in-memory storage"


@contextmanager
def redis_server(port: int) -> Iterator[subprocess.Popen]:
    command = [
        REDIS_SERVER,
        *("--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603 (fixed)
    client = redis.Redis(port=port, socket_connect_timeout=0.5)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    try:
        yield process
    finally:
        process.kill()
        process.wait(timeout=10)


def outage_warnings(caplog: pytest.LogCaptureFixture) -> int:
    return sum(1 for r in caplog.records if r.getMessage() == FALLBACK_WARNING)


def test_patients_and_clinicians_carry_on_through_a_redis_outage(app, clock, caplog):
    if not os.path.exists(REDIS_SERVER):
        pytest.fail("redis-server is not installed (Debian package redis-server)")
    port = free_port()
    app = create_app(
        {
            "APP_ENV": "testing",
            "DATABASE_URL": app.config["DATABASE_URL"],
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{port}/0",
            "RATELIMIT_ENABLED": True,
        }
    )
    account = make_clinician(app)
    caplog.set_level(logging.INFO)
    outage = 0

    def everything_works(moment: str) -> None:
        result = Patient(app.test_client()).complete()
        assert result.status_code == 200, moment
        staff = Staff(app.test_client(), clock)
        staff.full_sign_in(account)  # asserts each step
        assert staff.client.get("/clinician/").status_code == 200, moment

    def ready(expected_status: str) -> dict:
        response = app.test_client().get("/readyz")
        assert response.status_code == 200
        body = response.get_json()
        assert body["status"] == expected_status, body
        return body

    with redis_server(port) as server:
        everything_works("before")
        assert ready("ok")["rate_limits"] == "ok"
        assert redis.Redis(port=port).keys("*"), "the limits were counted in Redis"
        server.kill()
        server.wait(timeout=10)

    # Redis is gone: a screening, a submission and a sign-in all work, several times
    for _ in range(3):
        everything_works("during")
    outage += 1
    assert outage_warnings(caplog) == outage  # one warning for the outage, not per request
    body = ready("degraded")
    assert body["database"] == "ok"
    assert body["rate_limits"] == (
        "Redis unreachable: limits are counted by each worker on its own until it is back"
    )
    assert app.test_client().get("/healthz").get_json() == {"status": "ok"}

    with redis_server(port):
        # Back to Redis by itself: it checks again after 1, 2, 4 ... seconds.
        deadline = time.monotonic() + 20
        while not redis.Redis(port=port).keys("*"):
            assert time.monotonic() < deadline, "the app did not go back to Redis"
            everything_works("recovering")
            time.sleep(0.5)
        everything_works("after")
        assert ready("ok")["rate_limits"] == "ok"
        assert outage_warnings(caplog) == outage
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Submission)) >= 6
