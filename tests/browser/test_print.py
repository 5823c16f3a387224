"""The printed result, as Chromium prints it: every worked example of rules.md, the urgent
person who gave contact details and a person with 11 flags fit on at most two pages of
A4 and of Letter; every page carries the clinic, the reference, the date and its number;
the crisis contacts print one a line, with spaces between the words.

Printed on a server whose clinic has a name, phone, email, hours and address, so that the
clinic's details take their room on paper and its name is one no sentence contains."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pypdf import PdfReader

from .conftest import LiveServer, migrated_app, serve
from .drive import complete

CLINIC = {
    "CLINIC_NAME": "Riverside Mood Clinic",
    "CLINIC_PHONE": "+1 555 010 0100",
    "CLINIC_EMAIL": "care@riverside.example",
    "CLINIC_HOURS": "Monday to Friday, 9am to 5pm",
    "CLINIC_ADDRESS": "12 River Road, Springfield",
}
PAPERS = ("A4", "Letter")

CONTACT = {
    "wants_contact": "yes",
    "contact_name": "Sam Lee",
    "contact_email": "sam@example.com",
    "contact_phone": "+1 555 010 0199",
    "contact_time": "evening",
}
#: Changes to worked example 1 (tests/examples.py), and the outcome each leads to.
PERSONAS: dict[str, tuple[str, dict[str, dict[str, Any]]]] = {
    # rules.md's worked examples
    "example-1": ("discuss", {}),
    "example-2": ("not-recommended", {"health": {"vascular": ["aneurysm"]}}),
    "example-3": ("urgent-support", {"phq9": {"phq9_9": "1"}}),
    "example-4": (
        "evaluate-first",
        {"history": {"antidepressants_tried": "1", "other_treatments": ["tms"]}},
    ),
    "example-5": ("other-options-first", {"history": {"antidepressants_tried": "1"}}),
    # issue 23: PHQ-9 item 9 above 0, with contact details (3 Letter pages before)
    "urgent-with-contact": ("urgent-support", {"phq9": {"phq9_9": "1"}, "contact": CONTACT}),
    # issue 23: 11 flags (3 pages before), urgent, with contact details and notes
    "11-flags": (
        "urgent-support",
        {
            "about": {"age": "42", "pregnancy": "yes"},
            "history": {"diagnosed": "not-sure"},
            "phq9": {"phq9_9": "2"},
            "health": {
                "blood_pressure": "not-controlled",
                "heart_brain": ["stroke", "seizures"],
                "mental_health": ["mania"],
                "substance_use": "past",
                "other_conditions": ["lung"],
            },
            "medicines": {
                "medications": ["antidepressant", "benzodiazepine", "other"],
                "medications_other": "Lithium 400 mg twice a day",
            },
            "practical": {
                "ride_home": "no",
                "insurance": "not-sure",
                "format_interest": "iv",
                "notes": "I can come in on Tuesdays or Thursdays after 3pm. " * 4,
            },
            "contact": CONTACT,
        },
    ),
}
CASES = [(name, "en") for name in PERSONAS] + [
    ("urgent-with-contact", "es"),
    ("11-flags", "es"),
]
MONTHS_ES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


@pytest.fixture(scope="module")
def clinic_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from serve(migrated_app(tmp_path_factory.mktemp("print"), **CLINIC))


def printed_pages(pdf: bytes) -> list[str]:
    """Each page's text, "ﬁ" read as "fi"."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return [unicodedata.normalize("NFKC", p.extract_text()) for p in pages]


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def result_in(page, server: LiveServer, persona: str, language: str) -> str:
    """The result of a persona's screening, in a language; returns its reference."""
    outcome, changes = PERSONAS[persona]
    assert complete(page, server.url, changes) == outcome
    if persona == "11-flags":
        assert page.locator("[data-flag]").count() == 11
    if language != "en":
        page.goto(f"{page.url.split('?')[0]}?lang={language}")
        assert page.get_attribute("html", "lang") == language
    return page.inner_text(".reference-code")


def sent_on(language: str) -> str:
    today = datetime.now(UTC)  # the server and the test share a clock
    if language == "es":
        return f"{today.day} de {MONTHS_ES[today.month - 1]} de {today.year}"
    return f"{today.day} {today:%B %Y}"


@pytest.mark.parametrize(("persona", "language"), CASES)
def test_the_result_prints_on_at_most_two_pages_each_with_clinic_reference_date_and_number(
    page, clinic_server, persona, language
):
    reference = result_in(page, clinic_server, persona, language)
    date = sent_on(language)
    for paper in PAPERS:
        pages = printed_pages(page.pdf(format=paper))
        count = len(pages)
        assert count <= 2, f"{persona} ({language}) prints on {count} {paper} pages"
        for number, text in enumerate(pages, start=1):
            where = f"{persona} ({language}), {paper} page {number} of {count}"
            words = one_line(text)
            assert CLINIC["CLINIC_NAME"] in words, where
            assert reference in words, where
            assert date in words, where
            assert f"{number} / {count}" in words, where
        if count == 2:
            # no lonely last line: beside the running head and the page number, the
            # last page holds at least a group of answers with a line before it
            lines = [
                line
                for line in pages[-1].splitlines()
                if line.strip()
                and line.strip() != f"{count} / {count}"
                and reference not in line
                and CLINIC["CLINIC_NAME"] not in line
            ]
            assert len(lines) >= 3, f"{persona} ({language}) {paper}: {lines}"


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_printed_crisis_contacts_are_one_a_line_with_spaces(page, clinic_server, language):
    result_in(page, clinic_server, "urgent-with-contact", language)
    setting = "CRISIS_CONTACTS_ES" if language == "es" else "CRISIS_CONTACTS"
    contacts = clinic_server.app.config[setting]
    first = printed_pages(page.pdf(format="Letter"))[0]
    lines = [" ".join(line.split()) for line in first.splitlines()]
    for contact in contacts:
        # each contact starts a line of its own: what to do, then whom, then any note
        starts = f"{contact['detail']} ({contact['name']})"
        found = [line for line in lines if line.startswith(starts)]
        assert found, f"no line starts with {starts!r}: {lines}"
        if contact.get("note"):
            note = " ".join(contact["note"].split()[:3])
            assert found[0].startswith(f"{starts} {note}"), found[0]
        if contact["href"].startswith("http"):
            assert f"{starts}: {contact['href']}" in found[0]  # a link does nothing on paper
    words = one_line(first)
    emergency = contacts[-1]["name"]  # "Emergency services": the one with a note
    assert not re.search(re.escape(emergency) + r"[^\W\d_]", words), words
