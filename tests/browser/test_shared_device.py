"""A person at risk on a phone, and the next person on the same device (issue 23):
crisis support that leaves room for the page, and nothing left behind after "Finish
and clear this device", by Back, history or a typed address."""

from __future__ import annotations

import pytest

from ..helpers import steps_with
from .drive import answer_steps, continue_, fill_step

#: Where the page's own content starts: the step's heading and first question, or the
#: result's outcome title and "What happens next".
LAYOUT = """() => {
  const top = el => el ? Math.round(el.getBoundingClientRect().top + window.scrollY) : null;
  const panel = document.querySelector('main [data-crisis]');
  return {
    mode: panel ? (panel.hasAttribute('data-crisis-compact') ? 'compact' : 'full') : null,
    height: panel ? Math.round(panel.getBoundingClientRect().height) : 0,
    h1: top(document.querySelector('main h1')),
    question: top(document.querySelector('main form[data-step] .form-group, main h1 ~ h2')),
    next: top(document.querySelector('[data-next-steps] h2')),
    small: [...document.querySelectorAll('main [data-crisis] a')].map(a => {
      const box = a.getBoundingClientRect();
      return [a.textContent.trim(), Math.round(box.width), Math.round(box.height)];
    }).filter(([, w, h]) => w < 44 || h < 44),
  };
}"""

#: What each page after item 9 turns positive shows, in order.
AFTER_ITEM_9 = {
    "health": "full",
    "medicines": "compact",
    "practical": "compact",
    "contact": "compact",
    "check": "compact",
}


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("width", [320, 375])
def test_crisis_support_leaves_the_first_screen_to_the_page(browser, server, width, language):
    context = browser.new_context(
        viewport={"width": width, "height": 667}, locale="es-US" if language == "es" else "en-US"
    )
    page = context.new_page()
    base = server.url
    steps = steps_with({"phq9": {"phq9_9": "2"}})
    answer_steps(page, base, {"phq9": {"phq9_9": "2"}}, until="health")
    seen = {}
    for step, expected in AFTER_ITEM_9.items():
        layout = page.evaluate(LAYOUT)
        seen[step] = layout
        assert layout["mode"] == expected, (step, layout)
        limit = 360 if expected == "full" else 120
        assert layout["height"] <= limit, (step, layout)
        assert layout["small"] == [], (step, layout)
        # The step's heading on the first screen, and (in English, at 375 px) the top
        # of its first question too.
        assert layout["h1"] < 667 - 60, (step, layout)
        if width == 375 and language == "en":
            assert layout["question"] < 667 - 20, (step, layout)
        if step == "check":
            break
        fill_step(page, steps[step])
        continue_(page)
    with page.expect_navigation():
        page.click("form[data-step='check'] button[type=submit]")
    layout = page.evaluate(LAYOUT)
    assert layout["mode"] == "full" and layout["height"] <= 360, layout
    assert layout["small"] == [], layout
    # The outcome title and the start of what happens next on the first screen.
    assert layout["h1"] < 667 - 60, layout
    if width == 375 and language == "en":
        assert layout["next"] < 667 - 40, layout
    context.close()


def _h1(page) -> str:
    return " ".join(page.inner_text("main h1").split())


def test_after_finish_and_clear_back_and_typed_addresses_show_only_you_have_finished(
    browser, server
):
    context = browser.new_context(viewport={"width": 375, "height": 667})
    page = context.new_page()
    base = server.url
    answer_steps(page, base, {"phq9": {"phq9_9": "1"}})
    with page.expect_navigation():
        page.click("form[data-step='check'] button[type=submit]")
    result = page.url
    reference = page.inner_text(".reference-code").strip()
    # The walk the review found: delete, No, go back, Finish and clear, Back twice.
    with page.expect_navigation():
        page.click("a[href$='/delete']")
    with page.expect_navigation():
        page.click("text=No, go back to my result")
    with page.expect_navigation():
        page.click("[data-finish] button")
    assert _h1(page) == "You have finished"
    visited = []
    for _ in range(4):
        page.go_back()
        page.wait_for_load_state("load")
        visited.append(page.url)
        body = page.inner_text("body")
        assert _h1(page) == "You have finished", page.url
        assert reference not in body and "better off dead" not in body, page.url
        assert page.query_selector("main [data-crisis]") is None, page.url
        assert page.query_selector("form[action$='/delete']") is None, page.url
    # (Back re-requests each page: /finished, the result, the delete page, the result,
    # and each answers with the finished page; the address bar shows /finished.)
    assert set(visited) == {f"{base}/screening/finished"}
    # Typed addresses: every page of that screening.
    for path in ("", "/delete"):
        page.goto(result + path)
        assert _h1(page) == "You have finished", path
    for path in ("deleted", "saved", "check", "contact", "start"):
        page.goto(f"{base}/screening/{path}")
        assert _h1(page) == "You have finished", path
        assert reference not in page.inner_text("body")
    # The landing page's button still starts a new, empty screening.
    page.goto(f"{base}/")
    page.goto(f"{base}/screening")
    assert page.get_attribute("form[data-step]", "data-step") == "start"
    context.close()


def test_back_after_sending_says_the_answers_were_sent(browser, server):
    context = browser.new_context(viewport={"width": 375, "height": 667})
    page = context.new_page()
    base = server.url
    answer_steps(page, base)
    with page.expect_navigation():
        page.click("form[data-step='check'] button[type=submit]")
    result = page.url
    for _ in range(2):
        page.go_back()
        page.wait_for_load_state("load")
        assert page.query_selector("main [data-already-sent]"), page.url
        assert _h1(page) == "You have already sent your answers"
        assert page.get_attribute("main [data-already-sent] a.button", "href") in result
    # Starting again is a deliberate choice, and starts empty.
    with page.expect_navigation():
        page.click("main [data-already-sent] form button")
    assert page.get_attribute("form[data-step]", "data-step") == "start"
    assert page.query_selector("input:checked") is None
    context.close()
