"""Target sizes on the patient pages, and a walk through every patient page.

The rule (WCAG 2.5.5's 44 CSS pixels, with 2.5.8's inline exception), measured with
``getBoundingClientRect`` in the browser:

* Measured: every shown ``a[href]``, ``button``, ``summary``, ``select``, ``textarea`` and
  ``input`` other than hidden ones. A radio or checkbox is measured together with its
  label (pressing either chooses it): the box around both, provided the label starts
  where the input ends (no dead gap between them); otherwise the input alone.
* Not measured: elements with no box (``hidden``, in a closed ``<details>``, ``display:
  none``) or ``visibility: hidden``, and the skip link while it is off screen (the walk
  focuses it first, so it is measured on screen).
* Inline exception: a link is "inside a sentence" when its computed ``display`` is
  ``inline`` and its nearest block ancestor (the closest one whose display is not
  ``inline`` or ``contents``) has other words besides the link: with the link's own text
  taken out once, a letter or a digit is left. Such a link is not measured.
* Never exempt, whatever their display: the links that must stand alone as targets
  (``MUST_STAND_ALONE``): crisis contacts, clinic contacts, Back, Change, the header's
  links, the skip link, "delete your answers" and other links alone on their line. A
  style that turned one of them back into a plain inline link would otherwise hide it
  from the check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..helpers import steps_with
from .drive import OUTCOME_CHANGES, answer_steps, complete, continue_, fill_step

MINIMUM = 44

MUST_STAND_ALONE = ", ".join(
    (
        ".skip-link",
        ".service-name",
        ".language-switch",
        ".back-link",
        ".contact-list a",
        ".contact-details a",
        ".summary-action a",
        ".error-summary a",
        ".site-footer a",
        ".link-alone",
        "a[href$='/delete']",
    )
)

MEASURE = """([minimum, mustStandAlone, expected]) => {
  const words = s => (s || '').replace(/\\s+/g, ' ').trim();
  const inline = el => ['inline', 'contents'].includes(getComputedStyle(el).display);
  const block = el => { let b = el.parentElement; while (b && inline(b)) b = b.parentElement;
                        return b; };
  const inSentence = el => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    if (el.matches(mustStandAlone)) return false;
    const around = words(block(el).innerText).replace(words(el.innerText), '');
    return /[\\p{L}\\p{N}]/u.test(around);
  };
  const union = (a, b) => {
    const left = Math.min(a.left, b.left), top = Math.min(a.top, b.top);
    return {width: Math.max(a.right, b.right) - left, height: Math.max(a.bottom, b.bottom) - top};
  };
  const out = {small: [], exempt: [], measured: 0, missing: []};
  const measured = new Set();
  const candidates = document.querySelectorAll(
    'a[href], button, summary, select, textarea, input:not([type=hidden])');
  for (const el of candidates) {
    let box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;               // not shown
    if (getComputedStyle(el).visibility === 'hidden') continue;
    if (box.right + window.scrollX <= 0) continue;                    // skip link, unfocused
    let text = words(el.innerText || el.value || el.getAttribute('aria-label'));
    if (['radio', 'checkbox'].includes(el.type) && el.labels.length) {
      const label = el.labels[0], labelBox = label.getBoundingClientRect();
      text = words(label.innerText);
      if (labelBox.left <= box.right + 1) box = union(box, labelBox);
    }
    const kind = el.tagName.toLowerCase() + (el.tagName === 'INPUT' ? ':' + el.type : '');
    if (inSentence(el)) { out.exempt.push(text); continue; }
    out.measured += 1;
    measured.add(el);
    if (box.width < minimum - 0.01 || box.height < minimum - 0.01) {
      out.small.push({kind, text: text.slice(0, 40),
                      width: Math.round(box.width * 10) / 10,
                      height: Math.round(box.height * 10) / 10});
    }
  }
  // Selectors that must match at least one measured target on this page.
  out.missing = expected.filter(s => ![...document.querySelectorAll(s)].some(e => measured.has(e)));
  return out;
}"""


def measure(page, minimum: int = MINIMUM, expected: Sequence[str] = ()) -> dict[str, Any]:
    """The targets on the page: ``small``, those under ``minimum`` pixels; ``exempt``, the
    links inside a sentence; ``measured``, how many were measured; ``missing``, the
    ``expected`` selectors that matched no measured target. The skip link is focused
    first, to be on screen."""
    page.wait_for_load_state("load")
    if page.locator(".skip-link").count():
        page.focus(".skip-link")
    found = page.evaluate(MEASURE, [minimum, MUST_STAND_ALONE, list(expected)])
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    return found


def described(name: str, small: list[dict[str, Any]]) -> list[str]:
    """Targets found too small on page ``name``, as 'page: kind "text" w×h'."""
    return [f'{name}: {t["kind"]} "{t["text"]}" {t["width"]:g}×{t["height"]:g}' for t in small]


def too_small(page, name: str, minimum: int = MINIMUM) -> list[str]:
    """The targets under ``minimum`` pixels on the page, described."""
    return described(name, measure(page, minimum)["small"])


#: PHQ-9 item 9 above 0, and contact wanted by email and phone.
URGENT = OUTCOME_CHANGES["urgent-support"]
CONTACT = {
    "contact": {
        "wants_contact": "yes",
        "contact_name": "Sam Lee",
        "contact_email": "sam@example.com",
        "contact_phone": "+1 555 010 0199",
    }
}


def walk_patient_pages(page, base: str, visit: Callable[[str], None]) -> None:
    """Every patient page, calling ``visit(name)`` on each: the start, privacy and a 404
    page; each step empty and with its errors (an urgent person who wants contact, so the
    crisis panel shows from the PHQ-9 on); check answers; the result of each outcome,
    urgent with and without contact; the delete, deleted and finished pages; saved,
    resume and a used resume link; confirm-age (also with its error) and adult-only."""
    for path, name in (("/", "start page"), ("/privacy", "privacy"), ("/no-such-page", "404")):
        page.goto(base + path)
        visit(name)

    page.context.clear_cookies()
    page.goto(f"{base}/screening")
    for step, data in steps_with({**URGENT, **CONTACT}).items():
        assert page.get_attribute("form[data-step]", "data-step") == step
        visit(step)
        continue_(page)
        visit(f"{step} with errors")
        fill_step(page, data)
        if step == "contact":
            visit("contact with its details")
        continue_(page)
    visit("check answers")
    with page.expect_navigation():
        page.click("form[data-step='check'] button[type=submit]")
    visit("result: urgent, with contact")
    with page.expect_navigation():
        page.click("main a[href$='/delete']")
    visit("delete")
    with page.expect_navigation():
        page.click("main a[href*='/screening/result/']")
    with page.expect_navigation():
        page.click("[data-finish] button[type=submit]")
    visit("finished")

    complete(page, base, URGENT)
    visit("result: urgent, no contact")
    with page.expect_navigation():
        page.click("main a[href$='/delete']")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    visit("deleted")

    for outcome, changes in OUTCOME_CHANGES.items():
        if outcome != "urgent-support":
            complete(page, base, changes)
            visit(f"result: {outcome}")
    result = page.url
    page.goto(f"{result}/email")
    visit("email my reference")
    page.goto(f"{base}/screening/start")
    page.wait_for_selector("main [data-already-sent]")
    visit("already sent")

    answer_steps(page, base, until="about")
    page.click("button[name=save_for_later]")
    page.wait_for_selector("#resume-link")
    visit("saved")
    link = page.inner_text("#resume-link [data-link-value]").strip()
    page.context.clear_cookies()
    page.goto(link)
    visit("resume")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.goto(link)
    visit("resume link used")

    answer_steps(page, base, {"about": {"age": "16"}}, until="history")
    page.wait_for_selector("form[data-step='confirm-age']")
    visit("confirm age")
    continue_(page)
    visit("confirm age with its error")
    page.check("input[name='confirm_age'][value='yes']")
    continue_(page)
    page.wait_for_selector("main[data-outcome='adult-only']")
    visit("adult only")
