"""The queue: urgent first until acted on, filters, search and keyset pagination."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from .helpers import text
from .staff import make_submission

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def references(response) -> list[str]:
    return re.findall(r'<tr data-reference="([^"]+)"', text(response))


def test_urgent_first_until_acted_on_then_newest_first(app, signed_in):
    old_urgent = make_submission(app, created_at=T0, phq9_9="2")
    older = make_submission(app, created_at=T0 + timedelta(hours=1))
    newest = make_submission(app, created_at=T0 + timedelta(hours=3))
    handled_urgent = make_submission(
        app, created_at=T0 + timedelta(hours=2), phq9_9="1", status="in-review"
    )
    page = signed_in.client.get("/clinician/")
    assert references(page) == [old_urgent, newest, handled_urgent, older]
    assert "Urgent</strong>" in text(page)
    # acting on the urgent one (moving it to in review) lets it fall into date order
    signed_in.post(f"/clinician/submissions/{old_urgent}/status", {"status": "in-review"})
    assert references(signed_in.client.get("/clinician/")) == [
        newest,
        handled_urgent,
        older,
        old_urgent,
    ]


def test_queue_columns(app, signed_in):
    reference = make_submission(
        app, created_at=T0, vascular=["aneurysm"], blood_pressure="not-controlled"
    )
    page = text(signed_in.client.get("/clinician/"))
    row = page[page.index(f'data-reference="{reference}"') :].split("</tr>", 1)[0]
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert cells[1] == "1 Nov 2026, 07:00 EST"  # clinic time (America/New_York)
    assert cells[2].strip() == "not-recommended"
    assert cells[3] == "14 (moderate)"
    assert cells[4:] == ["1", "1", "New", "Nobody"]


def test_filters_by_status_outcome_and_flag(app, signed_in):
    discuss = make_submission(app, created_at=T0)
    closed = make_submission(app, created_at=T0 + timedelta(minutes=1), status="closed")
    aneurysm = make_submission(app, created_at=T0 + timedelta(minutes=2), vascular=["aneurysm"])
    opioid = make_submission(app, created_at=T0 + timedelta(minutes=3), medications=["opioid"])
    get = signed_in.client.get
    assert references(get("/clinician/?status=closed")) == [closed]
    assert references(get("/clinician/?outcome=not-recommended")) == [aneurysm]
    assert references(get("/clinician/?flag=opioid")) == [opioid]
    assert references(get("/clinician/?outcome=discuss&status=new")) == [discuss]
    # unknown filter values are ignored rather than failing
    assert len(references(get("/clinician/?status=bogus&flag=nope"))) == 4


def test_search_by_reference_in_any_spelling(app, signed_in):
    reference = make_submission(app, created_at=T0)
    make_submission(app, created_at=T0 + timedelta(minutes=1))
    compact = reference.replace("KT-", "").replace("-", "").lower()
    for query in (reference, reference.lower(), compact, f" {reference} "):
        assert references(signed_in.client.get("/clinician/", query_string={"q": query})) == [
            reference
        ]
    assert references(signed_in.client.get("/clinician/?q=KT-XXXX-XXXX")) == []


def test_pagination_walks_every_row_once(app, signed_in):
    app.config["QUEUE_PAGE_SIZE"] = 3
    made = [
        make_submission(
            app, created_at=T0 + timedelta(minutes=i // 2), phq9_9="1" if i % 5 == 0 else "0"
        )
        for i in range(11)
    ]  # pairs share a timestamp: the id breaks the tie
    seen: list[str] = []
    url = "/clinician/"
    pages = 0
    while url:
        page = signed_in.client.get(url)
        seen += references(page)
        pages += 1
        match = re.search(r'<a href="([^"]+)" rel="next">', text(page))
        url = match.group(1).replace("&amp;", "&") if match else None
    assert pages == 4
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))
    assert references(signed_in.client.get("/clinician/"))[:3] == seen[:3]


def test_pagination_keeps_the_filters(app, signed_in):
    app.config["QUEUE_PAGE_SIZE"] = 2
    for i in range(5):
        make_submission(app, created_at=T0 + timedelta(minutes=i), status="closed")
    make_submission(app, created_at=T0)
    page = text(signed_in.client.get("/clinician/?status=closed"))
    next_url = re.search(r'<a href="([^"]+)" rel="next">', page).group(1)
    assert "status=closed" in next_url


def test_a_broken_cursor_starts_at_the_first_page(app, signed_in):
    reference = make_submission(app)
    assert references(signed_in.client.get("/clinician/?after=garbage!!")) == [reference]


def test_viewing_the_queue_is_audited(app, signed_in):
    from .staff import audit_rows

    signed_in.client.get("/clinician/?status=new")
    event = audit_rows(app)[-1]
    assert (event.action, event.detail) == ("queue-viewed", "filters: status=new")
