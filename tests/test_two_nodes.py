"""Nodes are disposable: two gunicorn servers on one database behave as one. Screenings
hop between them step by step; one server is killed with SIGKILL in the middle of a
run of concurrent screenings; each request that finds it dead is sent again to the
other, the way a load balancer would, final submit included; and every screening is
stored exactly once. A clinician signed in on the dead node carries on on the other.
(A screening whose first answer was lost with the node may leave an unfinished draft
behind; drafts expire after DRAFT_TTL_DAYS.)"""

from __future__ import annotations

import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from questionnaire import create_app, drafts
from questionnaire.extensions import db
from questionnaire.models import Submission

from .helpers import CSRF, Patient, steps_with
from .servers import TEST_MFA_KEY, gunicorn_node, signed_in
from .staff import make_clinician
from .test_concurrency import REFERENCE

SCREENINGS = 40
CLIENTS = 8
KILL_AFTER = 10  # screenings complete before one node dies


class Nodes:
    """The two servers' addresses, and which of them are still alive."""

    def __init__(self, bases: list[str]) -> None:
        self.bases = bases
        self.dead: set[str] = set()
        self.failovers = 0
        self.lock = threading.Lock()

    def send(self, browser: requests.Session, turn: int, method: str, path: str, **kw):
        """The request on node ``turn % 2``; on the other if that one does not answer."""
        first = self.bases[turn % 2]
        for base in (first, *[b for b in self.bases if b != first]):
            if base in self.dead:
                continue
            try:
                response = browser.request(method, base + path, timeout=30, **kw)
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                # refused, or cut off mid-answer: the person presses the button again
                with self.lock:
                    self.failovers += 1
                continue
            return response
        raise AssertionError(f"no node answered {method} {path}")


def one_screening(nodes: Nodes) -> str:
    """A whole screening, each request on the other node than the last."""
    with requests.Session() as browser:
        turn = 0

        def send(method: str, path: str, **kw) -> requests.Response:
            nonlocal turn
            turn += 1
            response = nodes.send(browser, turn, method, path, **kw)
            assert response.status_code < 500, (path, response.status_code)
            return response

        token = CSRF.search(send("GET", "/screening/start").text).group(1)
        for step, data in steps_with().items():
            send("POST", f"/screening/{step}", data={**data, "csrf_token": token})
        send("GET", "/screening/check")
        result = send("POST", "/screening/check", data={"csrf_token": token})
        match = REFERENCE.search(result.text)
        assert match, result.text[:300]
        return match.group(1)


def kill(server_pid: int) -> None:
    """The node dies at once: its master and every worker, with SIGKILL."""
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    for pid in [server_pid, *map(int, children)]:
        os.kill(pid, signal.SIGKILL)


def test_submitting_again_on_another_node_after_the_first_died_gives_the_same_result(app):
    """The node that took the final POST stored the submission and died before it could
    answer: the person presses submit again, and the other node shows the same result."""
    node_b = create_app({"APP_ENV": "testing", "DATABASE_URL": app.config["DATABASE_URL"]})
    on_a = Patient(app.test_client())
    on_a.answer_all(steps_with())
    lost = on_a.submit()  # stored on node A; the answer never reaches the browser
    assert lost.status_code == 303
    browser = node_b.test_client()
    session_cookie = app.config["SESSION_COOKIE_NAME"]
    for name, path in ((session_cookie, "/"), (drafts.COOKIE_NAME, "/screening")):
        cookie = on_a.client.get_cookie(name, path=path)  # what the browser still holds
        browser.set_cookie(cookie.key, cookie.value, path=cookie.path)
    on_b = Patient(browser)
    on_b._token = on_a.token()
    again = on_b.submit()
    assert (again.status_code, again.location) == (303, lost.location)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 1


@pytest.mark.slow  # real gunicorn processes
def test_a_node_dies_mid_run_and_every_screening_is_stored_once(
    server_database, tmp_path, monkeypatch
):
    url, _ = server_database
    monkeypatch.setenv("MFA_ENCRYPTION_KEY", TEST_MFA_KEY)  # the servers' key
    app = create_app({"APP_ENV": "testing", "DATABASE_URL": url})
    account = make_clinician(app, "sam@clinic.example")
    limits = {
        "SCREENING_START_RATE_LIMIT": "100000 per minute",
        "SUBMIT_RATE_LIMIT": "100000 per minute",
    }
    with (
        gunicorn_node(url, workers=2, log=tmp_path / "a.log", **limits) as a,
        gunicorn_node(url, workers=2, log=tmp_path / "b.log", **limits) as b,
    ):
        nodes = Nodes([a.base, b.base])
        clinician = signed_in(a.base, account)  # signed in on the node that will die
        done: list[str] = []
        killed = threading.Event()

        def screening(_: int) -> str:
            reference = one_screening(nodes)
            with nodes.lock:
                done.append(reference)
                if len(done) == KILL_AFTER:  # the others are mid-screening now
                    kill(a.pid)
                    killed.set()
            return reference

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            references = list(pool.map(screening, range(SCREENINGS)))
        assert killed.is_set()
        nodes.dead.add(a.base)
        # the clinician's session lives in the database, not in the dead node
        queue = clinician.get(f"{b.base}/clinician/", timeout=30)
        assert queue.status_code == 200
        assert queue.url == f"{b.base}/clinician/"  # not sent back to sign in

    assert len(references) == SCREENINGS
    assert len(set(references)) == SCREENINGS
    assert nodes.failovers > 0  # some requests did meet the dead node
    with app.app_context():
        stored = list(db.session.scalars(select(Submission.reference)))
        db.engine.dispose()
    assert sorted(stored) == sorted(references)  # each once: none lost, none twice
