"""The Spanish pages in a real browser: axe finds nothing, the keyboard reaches
everything, and the longer Spanish words still fit a 320-pixel screen.

The browser asks for Spanish the way a Spanish-speaking person's browser does
(``Accept-Language: es-US``): no switch is pressed, so negotiation is tested too."""

from __future__ import annotations

import pytest

from ..helpers import STEPS
from .drive import OUTCOME_CHANGES, answer_steps, complete, continue_, violations
from .test_keyboard_and_nojs import screening_by_keyboard, tab_to
from .test_layout_and_print import every_patient_page_fits


def _spanish_page(browser, width: int):
    context = browser.new_context(
        viewport={"width": width, "height": 900 if width > 320 else 640}, locale="es-US"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.fixture
def es_page(browser):
    context, page = _spanish_page(browser, 1280)
    yield page
    context.close()


@pytest.fixture
def es_narrow(browser):
    context, page = _spanish_page(browser, 320)
    yield page
    context.close()


def in_spanish(page) -> None:
    assert page.get_attribute("html", "lang") == "es", page.url


def test_landing_and_privacy_pages(es_page, server):
    for path in ("/", "/privacy", "/no-such-page"):
        es_page.goto(server.url + path)
        in_spanish(es_page)
        assert violations(es_page) == [], path


@pytest.mark.parametrize("step", STEPS)
def test_each_step_empty_and_with_its_errors(es_page, server, step):
    answer_steps(es_page, server.url, until=step)
    in_spanish(es_page)
    assert violations(es_page) == [], "empty"
    continue_(es_page)
    assert es_page.title().startswith("Error: ")
    assert violations(es_page) == [], "with errors"


@pytest.mark.parametrize("outcome", sorted(OUTCOME_CHANGES))
def test_result_page_of_each_outcome(es_page, server, outcome):
    assert complete(es_page, server.url, OUTCOME_CHANGES[outcome]) == outcome
    in_spanish(es_page)
    assert violations(es_page) == []


def test_check_confirm_age_adult_only_and_saved_pages(es_page, server):
    answer_steps(es_page, server.url)
    assert violations(es_page) == [], "check"
    answer_steps(es_page, server.url, {"about": {"age": "16"}}, until="history")
    es_page.wait_for_selector("form[data-step='confirm-age']")
    assert violations(es_page) == [], "confirm age"
    es_page.check("input[name='confirm_age'][value='yes']")
    continue_(es_page)
    es_page.wait_for_selector("main[data-outcome='adult-only']")
    assert violations(es_page) == [], "adult only"
    answer_steps(es_page, server.url, until="history")
    es_page.click("button[name=save_for_later]")
    es_page.wait_for_selector("#resume-link")
    in_spanish(es_page)
    assert violations(es_page) == [], "saved"


def test_a_whole_screening_by_keyboard_only(es_page, server):
    assert screening_by_keyboard(es_page, server.url, "Escrito con el teclado") == "discuss"
    in_spanish(es_page)


def test_the_language_switch_is_reached_by_keyboard(es_page, server):
    es_page.goto(server.url + "/screening/start")
    tab_to(es_page, "a[hreflang='en']")
    with es_page.expect_navigation():
        es_page.keyboard.press("Enter")
    assert es_page.get_attribute("html", "lang") == "en"
    assert es_page.get_attribute("form[data-step]", "data-step") == "start"


def test_spanish_pages_fit_320_pixels(es_narrow, server):
    every_patient_page_fits(es_narrow, server.url, "es")
