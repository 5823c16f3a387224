"""The queue: urgent first until acted on, filters, search and keyset pagination."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bs4 import Tag

from .helpers import text
from .html import soup, words
from .staff import make_submission

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def references(response) -> list[str]:
    return re.findall(r'<tr data-reference="([^"]+)"', text(response))


def queue_rows(response) -> dict[str, Tag]:
    return {tr["data-reference"]: tr for tr in soup(response).select("tr[data-reference]")}


def test_urgent_cases_waiting_come_first_longest_waiting_first(app, signed_in):
    urgent_in_review = make_submission(app, created_at=T0, phq9_9="1", status="in-review")
    older = make_submission(app, created_at=T0 + timedelta(hours=1))
    urgent_new = make_submission(app, created_at=T0 + timedelta(hours=2), phq9_9="2")
    newest = make_submission(app, created_at=T0 + timedelta(hours=3))
    urgent_contacted = make_submission(
        app, created_at=T0 + timedelta(hours=4), phq9_9="3", status="contacted"
    )
    urgent_closed = make_submission(
        app, created_at=T0 + timedelta(hours=5), phq9_9="1", status="closed"
    )
    page = signed_in.client.get("/clinician/")
    assert references(page) == [
        urgent_in_review,
        urgent_new,
        urgent_closed,
        urgent_contacted,
        newest,
        older,
    ]
    # urgent for good: marked and tagged in every status
    rows = queue_rows(page)
    urgent = {urgent_in_review, urgent_new, urgent_contacted, urgent_closed}
    assert {ref for ref, tr in rows.items() if tr.has_attr("data-urgent")} == urgent
    for reference in urgent:
        assert words(rows[reference].select_one(".tag-urgent")) == "Urgent"
    # moving the new one to in review keeps it on top; contacting it lets it drop
    signed_in.post(f"/clinician/submissions/{urgent_new}/status", {"status": "in-review"})
    assert references(signed_in.client.get("/clinician/"))[:2] == [urgent_in_review, urgent_new]
    signed_in.post(f"/clinician/submissions/{urgent_new}/status", {"status": "contacted"})
    assert references(signed_in.client.get("/clinician/"))[:3] == [
        urgent_in_review,
        urgent_closed,
        urgent_contacted,
    ]


def test_queue_columns(app, signed_in, clock):
    reference = make_submission(
        app,
        created_at=clock.now() - timedelta(hours=2, minutes=5),
        vascular=["aneurysm"],
        blood_pressure="not-controlled",
        wants_contact="yes",
        contact_name="Sam Lee",
        contact_phone="+1 555 010 0199",
    )
    declined = make_submission(app, created_at=clock.now() - timedelta(days=3), phq9_9="1")
    rows = queue_rows(signed_in.client.get("/clinician/"))
    headers = [words(th) for th in soup(signed_in.client.get("/clinician/")).select("thead th")]
    assert headers == [
        "Reference",
        "Waiting",
        "Outcome",
        "PHQ-9",
        "Item 9",
        "Contact",
        "Language",
        "Contra.",
        "Prec.",
        "Status",
        "Assigned to",
    ]
    cells = [words(td) for td in rows[reference].find_all("td")]
    assert cells == [
        reference,
        "2 h 5 min",
        "not-recommended",
        "14 (moderate)",
        "Not at all",
        "Phone",
        "English",
        "1",
        "1",
        "New",
        "Nobody",
    ]
    cells = [words(td) for td in rows[declined].find_all("td")]
    assert cells[1:6] == [
        "3 days",
        "Urgent urgent-support",
        "15 (moderately severe)",
        "Several days",
        "No contact",
    ]


def test_counts_link_to_the_queue_they_count(app, signed_in, account):
    make_submission(app, created_at=T0, phq9_9="1")
    make_submission(app, created_at=T0, phq9_9="1", status="in-review")
    make_submission(app, created_at=T0, phq9_9="1", status="closed")
    make_submission(app, created_at=T0)
    mine = make_submission(app, created_at=T0, status="in-review")
    signed_in.post(f"/clinician/submissions/{mine}/assign", {"clinician_id": str(account["id"])})
    page = soup(signed_in.client.get("/clinician/"))
    figures = {a["data-count"]: (words(a), a["href"]) for a in page.select("[data-count]")}
    assert figures == {
        "urgent": ("2 urgent waiting", "/clinician/?urgent=waiting"),
        "new": ("2 new", "/clinician/?status=new"),
        "in-review": ("2 in review", "/clinician/?status=in-review"),
        "mine": ("1 assigned to me", "/clinician/?assigned=me"),
    }
    for text_, href in figures.values():
        assert len(references(signed_in.client.get(href))) == int(text_.split()[0])


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
    for query in (
        reference,
        reference.lower(),
        compact,
        f" {reference} ",
        reference[3:7],
        compact[2:7],
    ):
        assert references(signed_in.client.get("/clinician/", query_string={"q": query})) == [
            reference
        ], query
    assert references(signed_in.client.get("/clinician/?q=KT-XXXX-XXXX")) == []
    # three characters find nothing
    assert references(signed_in.client.get("/clinician/", query_string={"q": reference[3:6]})) == []


def test_search_by_contact_name_email_or_phone(app, signed_in):
    sam = make_submission(
        app,
        created_at=T0,
        wants_contact="yes",
        contact_name="Sam O'Leary",
        contact_email="sam.oleary@example.com",
        contact_phone="+1 (555) 010-0199",
    )
    make_submission(
        app,
        created_at=T0,
        wants_contact="yes",
        contact_name="Alex Kim",
        contact_email="alex@example.org",
    )
    for query in ("o'lea", "SAM O", "oleary@exam", "555 010 0199", "0100199", "555-010"):
        assert references(signed_in.client.get("/clinician/", query_string={"q": query})) == [
            sam
        ], query
    assert references(signed_in.client.get("/clinician/", query_string={"q": "100%"})) == []


def test_a_search_is_audited_without_the_words_searched(app, signed_in):
    from .staff import audit_rows

    signed_in.client.get("/clinician/", query_string={"q": "Sam Lee", "status": "new"})
    event = audit_rows(app)[-1]
    assert (event.action, event.detail) == ("queue-viewed", "filters: status=new, q=(search)")


def test_assigned_to_me(app, signed_in, account):
    mine = make_submission(app, created_at=T0)
    make_submission(app, created_at=T0)
    signed_in.post(f"/clinician/submissions/{mine}/assign", {"clinician_id": str(account["id"])})
    assert references(signed_in.client.get("/clinician/?assigned=me")) == [mine]


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
        page_soup = soup(page)
        seen += references(page)
        pages += 1
        match = re.search(r'<a href="([^"]+)" rel="next">', text(page))
        url = match.group(1).replace("&amp;", "&") if match else None
    assert pages == 4
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))
    assert references(signed_in.client.get("/clinician/"))[:3] == seen[:3]
    # the last page says where it stands and goes back to the one before it
    assert words(page_soup.select_one("[data-pager-status]")) == "10–11 of 11"
    back = page_soup.select_one('a[rel="prev"]')["href"]
    assert references(signed_in.client.get(back)) == seen[6:9]


def test_pagination_keeps_the_filters(app, signed_in):
    app.config["QUEUE_PAGE_SIZE"] = 2
    for i in range(5):
        make_submission(app, created_at=T0 + timedelta(minutes=i), status="closed")
    make_submission(app, created_at=T0)
    page = text(signed_in.client.get("/clinician/?status=closed"))
    next_url = re.search(r'<a href="([^"]+)" rel="next">', page).group(1)
    assert "status=closed" in next_url


def test_a_broken_cursor_answers_400(app, signed_in):
    """(tests/test_sign_in_security.py reads the page: its title and the way back.)"""
    make_submission(app)
    assert signed_in.client.get("/clinician/?after=garbage!!").status_code == 400


def test_viewing_the_queue_is_audited(app, signed_in):
    from .staff import audit_rows

    signed_in.client.get("/clinician/?status=new")
    event = audit_rows(app)[-1]
    assert (event.action, event.detail) == ("queue-viewed", "filters: status=new")


def test_counts_stop_at_the_cap(app, signed_in, monkeypatch):
    """Counting a million rows would cost more than the page: past the cap, "more than"."""
    from questionnaire import counting

    monkeypatch.setattr(counting, "COUNT_CAP", 3)
    app.config["QUEUE_PAGE_SIZE"] = 2
    for i in range(5):
        make_submission(app, created_at=T0 + timedelta(minutes=i))
    page = soup(signed_in.client.get("/clinician/"))
    assert words(page.select_one("[data-pager-status]")) == "1–2 of more than 3"
    assert words(page.select_one('[data-count="new"]')) == "more than 3 new"
    assert words(page.select_one('[data-count="urgent"]')) == "0 urgent waiting"
