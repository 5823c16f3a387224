"""What a browser is told about a screening it no longer holds (issue 23): a result
link that stops after RESULT_LINK_DAYS, Back after sending, an expired or moved draft, a
used link, the deleted page only where the deleting happened, and the booking link."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from questionnaire.extensions import db
from questionnaire.models import Submission

from .helpers import CSRF, Patient, steps_with, text


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(text(response), "html.parser")


def words(node) -> str:
    return " ".join(node.get_text(" ").split())


def submissions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Submission.id)))


# --- a result link lasts RESULT_LINK_DAYS ---------------------------------------------


def test_a_result_link_works_for_result_link_days_then_says_it_no_longer_works(app, client, clock):
    app.config.update(CLINIC_PHONE="(555) 010-0199", RESULT_LINK_DAYS=7)
    patient = Patient(client)
    path = patient.complete().request.path
    clock.advance(days=7, seconds=-1)
    assert client.get(path).status_code == 200
    assert client.get(path + "/delete").status_code == 200
    clock.advance(seconds=1)
    for page in (path, path + "/delete", path + "/email"):
        response = client.get(page)
        assert response.status_code == 410, page
        over = soup(response)
        assert words(over.h1) == "This link no longer works"
        assert words(over.main).startswith(
            "This link no longer works To keep your answers private, a link to a result "
            "works for only 7 days after the answers are sent. The clinic still has the "
            "answers."
        )
        assert over.select_one("main [data-clinic-contact] a[href='tel:5550100199']")
        assert over.select("main form") == []
        assert response.headers["Cache-Control"] == "no-store"
    # nor can the answers be deleted through it; the clinic keeps them
    assert patient.post(path + "/delete").status_code == 410
    assert submissions(app) == 1


# --- Back after sending -------------------------------------------------------------


def test_every_screening_page_after_sending_says_the_answers_were_sent(app, client):
    patient = Patient(client)
    result = patient.complete().request.path
    for path in ("/screening", "/screening/start", "/screening/contact", "/screening/check"):
        page = soup(client.get(path, follow_redirects=True))
        sent = page.select_one("main [data-already-sent]")
        assert sent is not None, path
        assert words(sent.h1) == "You have already sent your answers"
        assert sent.select_one("a.button")["href"] == result
        assert words(sent.select_one("form button")) == "Start a new screening"
    # a start form kept from before is not a new screening either
    again = patient.answer("start", steps_with()["start"])
    assert soup(again).select_one("main [data-already-sent]") is not None
    assert submissions(app) == 1
    # starting again is a deliberate choice: the old draft key goes, a new one starts
    new = patient.post("/screening/new")
    assert (new.status_code, new.location) == (303, "/screening/start?new=1")
    start = soup(client.get(new.location))
    assert start.select_one("form[data-step='start']") and start.select("input[checked]") == []
    # the screening sent before is finished on this device: the next person cannot
    # reach it by Back or history
    back = client.get(result)
    assert (back.status_code, back.location) == (303, "/screening/finished")
    # the session (and its CSRF token) started afresh
    patient._token = CSRF.search(text(client.get(new.location))).group(1)
    patient.answer_all(steps_with())
    assert patient.submit().status_code == 303
    assert submissions(app) == 2


def test_after_the_result_link_has_run_out_back_says_sent_without_a_link(app, client, clock):
    patient = Patient(client)
    patient.complete()
    clock.advance(days=app.config["RESULT_LINK_DAYS"] + 1)
    sent = soup(client.get("/screening/start")).select_one("main [data-already-sent]")
    assert sent.select("a.button") == []
    assert "The link to your result has stopped working, to keep your answers private." in (
        words(sent)
    )


# --- an expired draft, a moved draft, a used link ------------------------------------


def test_an_expired_draft_is_explained_on_the_start_page(app, client, clock):
    patient = Patient(client)
    patient.answer_all(steps_with(), until="history")
    clock.advance(days=app.config["DRAFT_TTL_DAYS"], seconds=1)
    response = client.get("/screening", follow_redirects=True)
    notice = soup(response).select_one("main [data-draft-gone]")
    assert notice["data-draft-gone"] == "expired"
    assert words(notice) == (
        "The answers you started earlier in this browser were deleted, because answers "
        "that are not sent are kept for only 7 days. You can start again here."
    )
    # a browser that never started sees no such sentence
    fresh = soup(app.test_client().get("/screening/start"))
    assert fresh.select("[data-draft-gone]") == []


def test_a_draft_moved_by_its_link_is_explained_in_the_first_browser(app):
    first = Patient(app.test_client())
    first.answer_all(steps_with(), until="history")
    saved = first.post("/screening/history", {**steps_with()["history"], "save_for_later": "1"})
    page = soup(first.client.get(saved.location))
    link = page.select_one("#resume-link [data-link-value]") or page.select_one("#resume-link")
    token = re.search(r"/screening/resume/([\w-]+)", words(link)).group(1)
    second = Patient(app.test_client())
    taken = second.post(f"/screening/resume/{token}")
    assert taken.status_code == 303
    # the first browser is told where its answers went
    notice = soup(first.client.get("/screening/start")).select_one("[data-draft-gone]")
    assert notice["data-draft-gone"] == "moved"
    assert words(notice).startswith(
        "The answers you started in this browser were moved to another device or browser"
    )
    # and the used link says it was used, not that it may be old or mistyped
    third = app.test_client()
    used = third.get(f"/screening/resume/{token}")
    assert used.status_code == 404
    assert words(soup(used).select_one("[data-link-used]")) == (
        "This link has been used already. A link to carry on works once: the answers are "
        "now in the browser where it was used. Carry on there."
    )
    wrong = soup(third.get("/screening/resume/" + "a" * 43))
    assert wrong.select("[data-link-used]") == []
    assert "may be more than 7 days old" in words(wrong.main)


# --- the deleted page ---------------------------------------------------------------


def test_the_deleted_page_shows_only_in_the_browser_that_deleted(app, client):
    stranger = app.test_client().get("/screening/deleted")
    assert (stranger.status_code, stranger.location) == (303, "/")
    patient = Patient(client)
    path = patient.complete().request.path
    done = patient.post(path + "/delete")
    page = soup(client.get(done.location))
    assert words(page.h1) == "Your answers have been deleted"


# --- booking ------------------------------------------------------------------------


def test_results_link_to_the_clinics_booking_page_with_the_reference(app, client):
    patient = Patient(client)
    page = soup(patient.complete())
    assert page.select("[data-booking]") == []
    app.config["CLINIC_BOOKING_URL"] = "https://book.example/calendar?clinic=9"
    other = Patient(app.test_client())
    page = soup(other.client.get(other.complete().request.path))
    reference = words(page.select_one(".reference-code"))
    booking = page.select_one("[data-next-steps] a[data-booking]")
    assert words(booking) == "Book a call with the clinic"
    assert booking["href"] == f"https://book.example/calendar?clinic=9&ref={reference}"


# --- the next person on the device (review findings) ---------------------------------


def test_the_next_person_inherits_no_crisis_state_and_no_earlier_result(app, client):
    first = Patient(client)
    urgent = first.complete({"phq9": {"phq9_9": "2"}}).request.path
    page = soup(client.get("/screening/start"))
    assert page.select_one("main [data-already-sent]")
    new = first.post("/screening/new")
    # the person before: their result is finished on this device
    assert client.get(urgent).location == "/screening/finished"
    # the next person: no crisis banner on their pages, no "You told us" on their result
    start = soup(client.get(new.location))
    assert start.select("[data-crisis]") == []
    first._token = CSRF.search(text(client.get(new.location))).group(1)
    first.answer_all(steps_with())
    for path in ("/screening/contact", "/screening/check"):
        assert soup(client.get(path)).select("[data-crisis]") == [], path
    result = soup(client.get(first.submit().location))
    assert result.main["data-outcome"] == "discuss"
    assert result.select("[data-crisis]") == []
    assert "You told us" not in words(result.main)
    # and finishing clears this device of both
    second = result.select_one("[data-finish] form")["action"]
    first.post(second)
    assert client.get(second.removesuffix("/finish")).location == "/screening/finished"
    assert client.get(urgent).location == "/screening/finished"


def test_item_9_back_to_0_keeps_the_banner_but_not_the_disclosure(app, client):
    patient = Patient(client)
    patient.answer_all(steps_with({"phq9": {"phq9_9": "1"}}))
    assert soup(client.get("/screening/check")).select("main [data-crisis]")
    patient.answer("phq9", steps_with()["phq9"], change=True)
    result = soup(client.get(patient.submit().location))
    banner = result.select("main [data-crisis]")
    assert len(banner) == 1 and banner[0].has_attr("data-crisis-compact")
    assert "You told us" not in words(result.main)


def test_a_moved_draft_sent_from_the_other_browser_still_reads_as_moved(app):
    first = Patient(app.test_client())
    first.answer_all(steps_with(), until="history")
    saved = first.post("/screening/history", {**steps_with()["history"], "save_for_later": "1"})
    link = soup(first.client.get(saved.location)).select_one("#resume-link")
    token = re.search(r"/screening/resume/([\w-]+)", words(link)).group(1)
    second = Patient(app.test_client())
    second.post(f"/screening/resume/{token}")
    second._token = None
    for step, data in steps_with().items():
        if step in ("start", "about"):
            continue
        second.answer(step, data)
    assert second.submit().status_code == 303
    notice = soup(first.client.get("/screening/start")).select_one("[data-draft-gone]")
    assert notice["data-draft-gone"] == "moved"
    used = soup(app.test_client().get(f"/screening/resume/{token}"))
    assert used.select_one("[data-link-used]") is not None


def test_a_stale_start_a_new_screening_button_keeps_the_screening_under_way(app, client):
    patient = Patient(client)
    patient.complete()
    kept = CSRF.search(text(client.get("/screening/start"))).group(1)  # tab 1
    new = patient.post("/screening/new")  # tab 2 starts again...
    patient._token = CSRF.search(text(client.get(new.location))).group(1)
    patient.answer_all(steps_with(), until="phq9")
    stale = client.post("/screening/new", data={"csrf_token": patient.token()})  # tab 1, later
    assert (stale.status_code, stale.location) == (303, "/screening")
    assert client.get("/screening").location == "/screening/phq9"
    assert kept  # the old tab's page had its own form
