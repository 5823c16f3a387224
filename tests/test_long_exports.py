"""A long download is never cut by gunicorn's worker timeout: the project's gunicorn
settings with a 2-second timeout, and a client that reads the whole-queue export slowly
enough that it streams for several times that."""

from __future__ import annotations

import http.client
import json
import socket
import time

import pytest
from sqlalchemy import select

from questionnaire import clock, create_app
from questionnaire.demo import seed
from questionnaire.extensions import db
from questionnaire.models import Submission

from .servers import TEST_MFA_KEY, gunicorn, signed_in
from .staff import make_clinician

pytestmark = pytest.mark.slow  # a real gunicorn

TIMEOUT = 2  # seconds: gunicorn's worker timeout for this test
SUBMISSIONS = 1000  # about 7 MB of FHIR NDJSON
READ = 32 * 1024  # bytes the client takes at a time ...
PAUSE = 0.05  # ... and how long it waits before the next read: about 640 KB/s


class SlowClient(http.client.HTTPConnection):
    """A client on a slow line: a small receive window, so that the server's writes
    block while it waits (as they do for a clinician on a slow connection)."""

    def connect(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
        self.sock.settimeout(60)
        self.sock.connect((self.host, self.port))


def slow_download(base: str, path: str, cookie: str) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    connection = SlowClient(host, int(port))
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    assert response.status == 200
    received = bytearray()
    while chunk := response.read(READ):  # raises IncompleteRead if the stream is cut
        received += chunk
        time.sleep(PAUSE)
    connection.close()
    return bytes(received)


def test_a_long_export_is_not_cut_by_the_worker_timeout(server_database, tmp_path, monkeypatch):
    url, _ = server_database
    monkeypatch.setenv("MFA_ENCRYPTION_KEY", TEST_MFA_KEY)  # the server's key
    app = create_app({"APP_ENV": "testing", "DATABASE_URL": url})
    account = make_clinician(app, "admin@clinic.example", role="admin")
    with app.app_context():
        seed(SUBMISSIONS, clock.now(), seed_value=3)
        expected = list(
            db.session.scalars(select(Submission.reference).order_by(Submission.id.desc()))
        )
        db.engine.dispose()
    log = tmp_path / "gunicorn.log"
    with gunicorn(url, workers=1, log=log, GUNICORN_TIMEOUT=str(TIMEOUT)) as base:
        browser = signed_in(base, account)
        cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
        started = time.monotonic()
        body = slow_download(base, "/clinician/export.ndjson", cookie)
        elapsed = time.monotonic() - started
    assert elapsed > 3 * TIMEOUT, elapsed  # the download did outlast the timeout
    lines = body.decode("utf-8").split("\n")
    assert lines.pop() == ""  # the last line is whole, newline and all
    assert [json.loads(line)["id"] for line in lines] == expected
    assert "WORKER TIMEOUT" not in log.read_text()
