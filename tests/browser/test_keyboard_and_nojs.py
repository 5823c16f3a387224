"""A whole screening with the keyboard only, and another with JavaScript turned off."""

from __future__ import annotations

import time

from ..helpers import steps_with
from .drive import TEXT_FIELDS, complete, continue_, invite

FOCUS_VISIBLE = """(el) => {
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return outline || style.boxShadow !== 'none';
}"""


def is_focused(page, selector: str) -> bool:
    return page.evaluate(
        "(sel) => !!document.activeElement && document.activeElement.matches(sel)", selector
    )


def tab_to(page, selector: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(page, selector):
            assert page.evaluate(f"() => ({FOCUS_VISIBLE})(document.activeElement)"), (
                f"focus is not visible on {selector}"
            )
            return
    raise AssertionError(f"Tab never reached {selector}")


def choose_radio(page, name: str, value: str) -> None:
    values = page.eval_on_selector_all(
        f"input[type=radio][name='{name}']", "els => els.map(e => e.value)"
    )
    tab_to(page, f"input[type=radio][name='{name}']")
    current = page.evaluate("() => document.activeElement.value")
    steps = values.index(value) - values.index(current)
    if steps == 0:
        page.keyboard.press("Space")
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
    assert page.is_checked(f"input[name='{name}'][value='{value}']")


def answer_by_keyboard(page, data: dict) -> None:
    for name, value in data.items():
        if name in TEXT_FIELDS:
            if value:
                tab_to(page, f"[name='{name}']")
                page.keyboard.type(str(value))
        elif page.get_attribute(f"input[name='{name}']", "type") == "radio":
            choose_radio(page, name, value)
        else:
            for v in value:
                tab_to(page, f"input[name='{name}'][value='{v}']")
                page.keyboard.press("Space")
                assert page.is_checked(f"input[name='{name}'][value='{v}']")
    tab_to(page, "form[data-step] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_whole_screening_by_keyboard_only(page, server):
    assert screening_by_keyboard(page, server.url) == "discuss"


def screening_by_keyboard(page, base: str, notes: str = "Typed with the keyboard") -> str:
    """From the start page to the result with the keyboard alone; the outcome shown."""
    page.goto(base + "/")
    tab_to(page, "a.button-start")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("form[data-step='start']")

    # an empty submit: focus lands on the error summary, which links to the field
    tab_to(page, "form[data-step] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("[data-error-summary]")
    assert is_focused(page, "[data-error-summary]")
    page.keyboard.press("Tab")
    assert is_focused(page, ".error-summary a[href='#understand_not_diagnosis']")
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#understand_not_diagnosis"

    for step, data in steps_with({"practical": {"notes": notes}}).items():
        assert page.get_attribute("form[data-step]", "data-step") == step
        answer_by_keyboard(page, data)
    assert page.get_attribute("form[data-step]", "data-step") == "check"
    tab_to(page, "form[data-step='check'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("main[data-outcome]")
    return page.get_attribute("main", "data-outcome")


def test_skip_link_is_the_first_stop(page, server):
    page.goto(server.url + "/screening/start")
    page.keyboard.press("Tab")
    assert is_focused(page, "a.skip-link")
    assert (
        page.evaluate(f"() => ({FOCUS_VISIBLE})(document.activeElement)")
        or page.evaluate("() => getComputedStyle(document.activeElement).backgroundColor")
        == "rgb(255, 221, 0)"
    )
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"


def test_a_whole_screening_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server.url + "/screening")
        continue_(page)  # errors still show, as plain HTML
        assert page.locator("[data-error-summary]").count() == 1
        assert page.title().startswith("Error: ")
        assert complete(page, server.url, {"phq9": {"phq9_9": "2"}}) == "urgent-support"
        assert page.locator("[data-crisis]").count() == 1
    finally:
        context.close()


def test_contact_fields_show_only_after_yes_with_javascript(page, server):
    from .drive import answer_steps

    answer_steps(page, server.url, until="contact")
    assert not page.is_visible("#contact_name")
    page.check("input[name='wants_contact'][value='yes']")
    assert page.is_visible("#contact_name") and page.is_visible("#contact_phone")
    page.check("input[name='wants_contact'][value='no']")
    assert not page.is_visible("#contact_name")
    # With an error on a contact field, it stays in sight.
    page.check("input[name='wants_contact'][value='yes']")
    continue_(page)
    assert page.is_visible("#contact_name")


def test_contact_fields_are_all_there_without_javascript(browser, server):
    from .drive import answer_steps

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        answer_steps(page, server.url, until="contact")
        assert page.is_visible("#contact_name") and page.is_visible("#contact_email")
    finally:
        context.close()


def test_the_copy_button_copies_the_whole_link(browser, server):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        complete(page, server.url)
        page.click("button[data-copy='result-link']")
        page.wait_for_selector("[data-copy-status='result-link']:has-text('Link copied.')")
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied == page.url
    finally:
        context.close()


def test_setting_up_an_account_and_recording_a_call_by_keyboard_only(page, server):
    import pyotp

    from ..staff import make_submission

    reference = make_submission(
        server.app,
        phq9_9="1",
        wants_contact="yes",
        contact_name="Sam Lee",
        contact_phone="+1 555 010 0199",
    )
    token = invite(server.app, "keys@clinic.example")
    page.goto(f"{server.url}/clinician/welcome/{token}")
    secret = page.inner_text("[data-totp-secret]").strip()
    tab_to(page, "#password")
    page.keyboard.type("typed by keyboard alone")
    tab_to(page, "#code")
    page.keyboard.type(pyotp.TOTP(secret).now())
    tab_to(page, "form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/clinician/sign-in?ready=1")

    page.goto(f"{server.url}/clinician/sign-in")
    tab_to(page, "#email")
    page.keyboard.type("keys@clinic.example")
    tab_to(page, "#password")
    page.keyboard.type("typed by keyboard alone")
    page.keyboard.press("Enter")
    page.wait_for_selector("#code")
    tab_to(page, "#code")
    # the next step's code (accepted one step either side): the current one was used
    page.keyboard.type(pyotp.TOTP(secret).at(time.time() + 30))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    page.goto(f"{server.url}/clinician/submissions/{reference}")
    choose_radio(page, "method", "phone")
    choose_radio(page, "result", "no-answer")
    tab_to(page, "form[data-action='contact-attempt'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Contact attempt: Phone call, no answer" in page.inner_text(".timeline")


def test_finishing_on_a_shared_device_by_keyboard(page, server):
    complete(page, server.url)
    tab_to(page, "[data-finish] button", limit=200)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.inner_text("h1") == "You have finished"
