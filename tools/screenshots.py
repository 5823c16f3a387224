"""Screenshots of the main pages for people to look at, at 1280 and 375 pixels wide:
`make screenshots` writes them to test-artifacts/screenshots/. Serves the app on a free
port with a temporary SQLite database and drives Debian's Chromium (CHROMIUM_PATH)."""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from questionnaire import create_app  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.browser.drive import (  # noqa: E402
    OUTCOME_CHANGES,
    answer_steps,
    complete,
    continue_,
    new_clinician,
    sign_in,
)
from tests.staff import make_submission  # noqa: E402

OUT = ROOT / "test-artifacts" / "screenshots"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "APP_ENV": "testing",
                "DATABASE_URL": f"sqlite:///{folder}/screens.sqlite3",
                "SCREENING_START_RATE_LIMIT": "10000 per minute",
                "SUBMIT_RATE_LIMIT": "10000 per minute",
                "SIGN_IN_RATE_LIMIT": "10000 per minute",
            }
        )
        with app.app_context():
            upgrade()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        base = f"http://127.0.0.1:{server.server_port}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            shoot(app, base)
        finally:
            server.shutdown()
    print(f"Screenshots written to {OUT}")


def shoot(app, base: str) -> None:
    reference = make_submission(app, phq9_9="2")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width in (1280, 375):
            admin = new_clinician(app, admin=True)
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            page.goto(base + "/")
            page.screenshot(path=OUT / f"landing-{width}.png", full_page=True)
            answer_steps(page, base, until="history")
            continue_(page)
            page.screenshot(path=OUT / f"step-errors-{width}.png", full_page=True)
            for outcome, changes in OUTCOME_CHANGES.items():
                complete(page, base, changes)
                page.screenshot(path=OUT / f"result-{outcome}-{width}.png", full_page=True)
            sign_in(page, base, admin)
            page.goto(base + "/clinician/")
            page.screenshot(path=OUT / f"clinician-queue-{width}.png", full_page=True)
            page.goto(f"{base}/clinician/submissions/{reference}")
            page.screenshot(path=OUT / f"clinician-submission-{width}.png", full_page=True)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
