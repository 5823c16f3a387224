"""No submission lost: 200 complete screenings from 20 concurrent clients against
gunicorn with 4 workers, on this run's database (SQLite, or PostgreSQL when
DATABASE_URL points at a server)."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from questionnaire.extensions import db
from questionnaire.models import Draft, Submission

from .helpers import CSRF, steps_with
from .servers import gunicorn

pytestmark = pytest.mark.slow  # real gunicorn processes

SCREENINGS = 200
CLIENTS = 20
REFERENCE = re.compile(r'class="reference-code">(KT-[A-Z0-9]{4}-[A-Z0-9]{4})<')


def one_screening(base: str, statuses: list[int]) -> str:
    """Every step, the check page and the submit, as a browser would do it."""
    with requests.Session() as browser:

        def record(response: requests.Response) -> requests.Response:
            statuses.extend(r.status_code for r in (*response.history, response))
            return response

        page = record(browser.get(f"{base}/screening/start", timeout=30))
        token = CSRF.search(page.text).group(1)
        for step, data in steps_with().items():
            record(
                browser.post(
                    f"{base}/screening/{step}", data={**data, "csrf_token": token}, timeout=30
                )
            )
        record(browser.get(f"{base}/screening/check", timeout=30))
        result = record(
            browser.post(f"{base}/screening/check", data={"csrf_token": token}, timeout=30)
        )
        match = REFERENCE.search(result.text)
        assert match, (result.status_code, result.text[:500])
        return match.group(1)


def test_no_submission_is_lost_under_concurrent_load(server_database, tmp_path):
    url, app = server_database
    statuses: list[int] = []
    limits = {
        "SCREENING_START_RATE_LIMIT": "100000 per minute",
        "SUBMIT_RATE_LIMIT": "100000 per minute",
    }
    with (
        gunicorn(url, workers=4, log=tmp_path / "gunicorn.log", **limits) as base,
        ThreadPoolExecutor(max_workers=CLIENTS) as pool,
    ):
        references = list(pool.map(lambda _: one_screening(base, statuses), range(SCREENINGS)))
    assert [s for s in statuses if s >= 500] == []
    # four workers and no REDIS_URL: the start-up log says what that means
    log = (tmp_path / "gunicorn.log").read_text()
    assert "Running 4 workers without REDIS_URL" in log
    assert len(references) == SCREENINGS
    assert len(set(references)) == SCREENINGS
    with app.app_context():
        stored = db.session.scalars(select(Submission.reference)).all()
        drafts_left = db.session.scalar(select(func.count()).select_from(Draft))
        db.engine.dispose()
    assert sorted(stored) == sorted(references)
    assert drafts_left == 0
