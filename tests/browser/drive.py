"""Driving the app in the browser: answering steps, signing in as a clinician."""

from __future__ import annotations

import itertools
from typing import Any

import pyotp
from axe_playwright_python.sync_playwright import Axe

from ..helpers import steps_with

TEXT_FIELDS = {
    "age",
    "notes",
    "medications_other",
    "contact_name",
    "contact_email",
    "contact_phone",
}

#: Answers that lead to each outcome (changes to worked example 1).
OUTCOME_CHANGES: dict[str, dict[str, dict[str, Any]]] = {
    "discuss": {},
    "urgent-support": {"phq9": {"phq9_9": "1"}},
    "not-recommended": {"health": {"vascular": ["aneurysm"]}},
    "other-options-first": {"history": {"antidepressants_tried": "1"}},
    "evaluate-first": {
        "health": {"blood_pressure": "not-controlled"},
        "practical": {"ride_home": "no"},
    },
}

_axe = Axe()
_emails = itertools.count(1)


def fill_step(page, data: dict[str, Any]) -> None:
    for name, value in data.items():
        if name in TEXT_FIELDS:
            page.fill(f"[name='{name}']", str(value))
        else:
            for v in value if isinstance(value, list) else [value]:
                page.check(f"input[name='{name}'][value='{v}']")


def continue_(page) -> None:
    with page.expect_navigation():
        page.click("form[data-step] button[type=submit]")


def answer_steps(page, base: str, changes: dict | None = None, until: str | None = None):
    """A new screening (the browser forgets any earlier one), up to ``until``."""
    page.context.clear_cookies()
    page.goto(f"{base}/screening")
    for step, data in steps_with(changes).items():
        if step == until:
            return
        assert page.get_attribute("form[data-step]", "data-step") == step
        fill_step(page, data)
        continue_(page)


def complete(page, base: str, changes: dict | None = None) -> str:
    """A whole screening by mouse; returns the outcome shown."""
    answer_steps(page, base, changes)
    with page.expect_navigation():
        page.click("form[data-step='check'] button[type=submit]")
    page.wait_for_selector("main[data-outcome]")
    return page.get_attribute("main", "data-outcome")


#: axe's "incomplete" results (needs review) that were reviewed by hand, each with why it
#: is not a problem. Anything else axe cannot decide fails the test, so that every new
#: one is looked at rather than passed over.
REVIEWED_INCOMPLETE: dict[str, str] = {}


def _describe(found: list[dict[str, Any]], kind: str) -> list[str]:
    def why(node: dict[str, Any]) -> str:
        checks = [c.get("message", "") for c in node.get("any", []) + node.get("all", [])]
        return f"{node['target']} ({'; '.join(m for m in checks if m)})"

    return [
        f"{kind} {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(why(node) for node in v["nodes"][:5])
        for v in found
    ]


def violations(page) -> list[str]:
    """axe's violations, and the results it could not decide that nobody reviewed."""
    results = _axe.run(page).response
    unreviewed = [v for v in results["incomplete"] if v["id"] not in REVIEWED_INCOMPLETE]
    return _describe(results["violations"], "violation") + _describe(unreviewed, "needs review")


def new_clinician(app, *, admin: bool = False) -> dict[str, Any]:
    from ..staff import make_clinician

    email = f"browser{next(_emails)}@clinic.example"
    return make_clinician(app, email, role="admin" if admin else "clinician")


def sign_in(page, base: str, account: dict[str, Any], *, stop_at_code: bool = False) -> None:
    page.goto(f"{base}/clinician/sign-in")
    page.fill("#email", account["email"])
    page.fill("#password", account["password"])
    page.click("form button[type=submit]")
    page.wait_for_selector("#code")
    if stop_at_code:
        return
    page.fill("#code", pyotp.TOTP(account["secret"]).now())
    page.click("form[action='/clinician/code'] button[type=submit]")
    page.wait_for_selector("table[data-queue], main p")


def invite(app, email: str) -> str:
    """An invited account, as an admin makes it: the token of its one-time set-up link."""
    from questionnaire import accounts, clock
    from questionnaire.extensions import db
    from questionnaire.vocabulary import Role

    with app.app_context():
        _, token = accounts.invite(email, Role.CLINICIAN, clock.now(), by=None)
        db.session.commit()
    return token
