"""Our Questionnaire in a real FHIR forms client: LHC-Forms (vendored by `make lforms`)
draws it on the demo page, shows the crisis message and the "how difficult" question
exactly when it should, calculates the PHQ-9 total, and its response for worked example
1 is accepted and assessed as `discuss`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from questionnaire.fhir import coding

from ..helpers import steps_with
from .drive import TEXT_FIELDS

VENDORED = Path(__file__).resolve().parents[2] / "questionnaire/static/vendor/lforms/VERSION"


@pytest.fixture
def lforms_page(page, server, screenshots):
    if not VENDORED.exists():
        message = "LHC-Forms is not vendored: run `make lforms` (it uses npm)."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.url + "/fhir/demo")
    page.wait_for_selector("#lforms-form[data-ready]", timeout=30_000)
    yield page
    assert errors == []


def shown(page, link_id: str) -> bool:
    return page.locator(f'[id="item-{link_id}/1/1"]').count() > 0


def choose(page, link_id: str, value: str) -> None:
    code = coding(link_id, value)
    page.click(f'[id="{link_id}/1/1|{code["system"]}|{code["code"]}"]')


def fill(page, steps: dict) -> None:
    for fields in steps.values():
        for name, value in fields.items():
            if name in TEXT_FIELDS:
                if value:
                    page.fill(f'[id="{name}/1/1"]', str(value))
                continue
            for v in value if isinstance(value, list) else [value]:
                choose(page, name, v)


def total(page) -> str:
    return page.input_value('[id="phq9_total/1/1"]')


def test_every_question_shows_and_conditional_ones_wait(lforms_page, server):
    import json

    import requests

    questionnaire = requests.get(
        server.url + "/fhir/Questionnaire/ketamine-screening", timeout=10
    ).json()
    always, conditional = [], []
    for group in questionnaire["item"]:
        for item in group["item"]:
            if item["type"] == "display":
                continue
            (conditional if "enableWhen" in item else always).append(item["linkId"])
    assert [link for link in always if not shown(lforms_page, link)] == []
    assert [link for link in conditional if shown(lforms_page, link)] == []
    assert conditional == [
        "phq9_difficulty",
        "ketamine_reaction",
        "medications_other",
        "contact_name",
        "contact_email",
        "contact_phone",
        "contact_time",
    ], json.dumps(conditional)
    page_text = lforms_page.inner_text("#lforms-form")
    assert "Over the last 2 weeks, how often have you been bothered" in page_text
    assert "PHQ-9: Developed by Drs. Robert L. Spitzer" in page_text


def test_crisis_message_difficulty_and_total_follow_the_answers(lforms_page, screenshots):
    page = lforms_page
    crisis = '[id="item-phq9-crisis/1/1"]'
    assert page.locator(crisis).count() == 0
    assert not shown(page, "phq9_difficulty")
    for n in range(1, 9):
        choose(page, f"phq9_{n}", "0")
    choose(page, "phq9_9", "0")
    assert page.locator(crisis).count() == 0
    assert not shown(page, "phq9_difficulty")  # every item "Not at all"
    assert total(page) == "0"
    choose(page, "phq9_9", "3")  # nearly every day
    page.wait_for_selector(crisis)
    assert "Call 988" in page.inner_text(crisis)
    assert shown(page, "phq9_difficulty")
    assert total(page) == "3"
    page.locator(crisis).scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "lhc-forms-crisis.png")
    choose(page, "phq9_9", "1")
    assert page.locator(crisis).count() == 1
    choose(page, "phq9_9", "0")
    page.wait_for_selector(crisis, state="detached")
    assert not shown(page, "phq9_difficulty")
    choose(page, "phq9_4", "2")
    assert shown(page, "phq9_difficulty") and total(page) == "2"


def test_a_response_from_lhc_forms_for_worked_example_1_is_assessed(lforms_page, screenshots):
    page = lforms_page
    fill(page, steps_with())
    assert total(page) == "14"
    page.screenshot(path=screenshots / "lhc-forms-example-1.png", full_page=True)
    page.click("#lforms-send")
    page.wait_for_selector("#lforms-result [data-outcome]")
    assert page.get_attribute("#lforms-result [data-outcome]", "data-outcome") == "discuss"
    assert "Your reference code: KT-" in page.inner_text("#lforms-result [data-reference]")
    page.screenshot(path=screenshots / "lhc-forms-result.png", full_page=True)
    with page.expect_navigation():
        page.click("text=See your full result")
    assert page.get_attribute("main", "data-outcome") == "discuss"


def test_an_incomplete_response_comes_back_with_the_web_forms_messages(lforms_page):
    page = lforms_page
    steps = steps_with()
    del steps["contact"]
    fill(page, steps)
    page.click("#lforms-send")
    page.wait_for_selector("#lforms-result [data-issues] li")
    issues = page.locator("#lforms-result [data-issues] li").all_inner_texts()
    assert issues == ["Select if you would like the clinic to contact you"]
