"""When the database cannot be reached: a calm 503, nothing typed is lost, and the app
recovers by itself when the database returns."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from questionnaire.extensions import db
from questionnaire.models import Draft, Submission

from .helpers import EXAMPLE_1, steps_with
from .html import soup, words


@contextmanager
def database_down(app) -> Iterator[None]:
    """Every statement fails as it does when the server is unreachable."""
    with app.app_context():
        engine = db.engine

    def refuse(conn, cursor, statement, parameters, context, executemany):
        raise OperationalError(statement, parameters, ConnectionRefusedError("server down"))

    event.listen(engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", refuse)


def test_a_step_posted_while_the_database_is_down_comes_back_filled_in(app, patient):
    patient.answer_all(steps_with(), until="history")
    history = {**EXAMPLE_1["history"], "antidepressants_tried": "2", "therapy": "current"}
    with database_down(app):
        response = patient.answer("history", history)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    page = soup(response)
    assert words(page.title).startswith("Error: Your depression and treatment so far")
    assert "We could not save this page just now" in words(page.main)
    checked = {(i["name"], i["value"]) for i in page.select("input[checked]")}
    assert {("antidepressants_tried", "2"), ("therapy", "current")} <= checked
    assert page.select('a[href="tel:988"]')
    assert "Traceback" not in str(page) and "OperationalError" not in str(page)
    # the database is back: the same post goes through, nothing else needed
    assert patient.answer("history", history).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Draft)).answers["history"]["therapy"] == "current"


def test_the_crisis_panel_stays_when_saving_item_9_fails(app, patient):
    patient.answer_all(steps_with(), until="phq9")
    with database_down(app):
        response = patient.answer("phq9", {**EXAMPLE_1["phq9"], "phq9_9": "2"})
    assert response.status_code == 503
    assert len(soup(response).select("main [data-crisis]")) == 1


def test_pages_that_need_the_database_show_a_calm_503(app, patient):
    patient.answer_all(steps_with(), until="health")
    with database_down(app):
        response = patient.client.get("/screening/health")
    assert response.status_code == 503
    page = soup(response)
    assert words(page.h1) == "Sorry, the service is not available right now"
    help_now, *paragraphs = page.main.select("section[data-help-now], main > p")
    assert words(help_now.h2) == "If you need help now, do not wait for this service"
    assert help_now.select('a[href="tel:988"]')  # first thing after the heading
    assert [words(p) for p in paragraphs] == [
        "Your answers are kept. The answers you gave on earlier pages are saved on our "
        "system for 7 days, linked to this browser.",
        "Please try again in a few minutes. When the service works again, open the "
        "screening in this browser and it goes on from where you stopped. If you saved a "
        "link to come back later, that link works too.",
        "Go to the start page",
    ]
    assert patient.client.get("/screening/health").status_code == 200


def test_a_server_error_keeps_help_first_and_says_where_the_answers_are(app, patient):
    @app.post("/screening/boom")
    def boom():
        raise RuntimeError("a fault")

    @app.get("/boom")
    def boom_outside():
        raise RuntimeError("a fault")

    def said(response) -> list[str]:
        assert response.status_code == 500
        page = soup(response)
        assert words(page.h1) == "Sorry, something went wrong on our side"
        first = page.main.find(["section", "p"])
        assert first.name == "section" and first.select('a[href="tel:988"]')
        return [words(p) for p in page.select("main > p")]

    # on the screening's pages before any answer
    assert said(patient.post("/screening/boom"))[0] == (
        "You had not given any answers yet, so nothing was lost."
    )
    patient.answer_all(steps_with(), until="history")
    mid_screening = said(patient.post("/screening/boom"))
    assert mid_screening[0].startswith("Your answers are kept. The answers you gave on earlier")
    assert mid_screening[2] == (
        "The page you sent last may not have been saved. Please check its answers when "
        "you come back."
    )
    # elsewhere the draft cookie is not sent, so the page cannot know and says both
    assert said(patient.client.get("/boom"))[0] == (
        "If you had started the screening, your answers are kept: they are saved on our "
        "system for 7 days, linked to this browser."
    )


def test_a_submit_while_the_database_is_down_loses_nothing(app, patient):
    patient.answer_all(steps_with())
    with database_down(app):
        assert patient.submit().status_code == 503
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 1
    assert patient.submit().status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 1


def test_readiness_follows_the_database(app, client):
    with database_down(app):
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_the_clinician_area_shows_a_calm_503(app, signed_in):
    with database_down(app):
        response = signed_in.client.get("/clinician/")
    assert response.status_code == 503
    assert signed_in.client.get("/clinician/").status_code == 200


def test_recovers_after_postgresql_drops_every_connection(app, patient):
    """A real outage on PostgreSQL: the server kills every connection of the app."""
    from sqlalchemy import create_engine
    from sqlalchemy import text as sql

    from .conftest import ON_POSTGRESQL

    if not ON_POSTGRESQL:
        pytest.skip(
            "needs PostgreSQL: set DATABASE_URL=postgresql://postgres@127.0.0.1:5432/"
            "postgres to run it"
        )
    patient.answer_all(steps_with(), until="phq9")
    with app.app_context():
        url = db.engine.url
    killer = create_engine(url, isolation_level="AUTOCOMMIT")
    with killer.connect() as connection:
        connection.execute(
            sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    killer.dispose()
    # the pool notices the dead connections and opens new ones: nothing for the person
    assert patient.answer("phq9", EXAMPLE_1["phq9"]).status_code == 303
    assert patient.client.get("/screening/health").status_code == 200


def test_the_proxy_has_a_page_for_when_the_app_cannot_answer(runner):
    """`flask unavailable-page` writes the page nginx shows for 502, 503 and 504."""
    result = runner.invoke(args=["unavailable-page"])
    assert result.exit_code == 0, result.output
    page = BeautifulSoup(result.output, "html.parser")
    assert words(page.h1) == "Sorry, the service is not available right now"
    help_now = page.main.select_one("section[data-help-now]")
    assert help_now.select('a[href="tel:988"]') and help_now.select('a[href="sms:988"]')
    assert words(page.select_one("[data-answers-kept]")) == (
        "If you had started the screening, your answers are kept: they are saved on our "
        "system for 7 days, linked to this browser."
    )
    assert page.select("script:not([src])") == [] and page.select("[style]") == []
