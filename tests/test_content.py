"""Educational content and patient-facing wording: present, dated, plain."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import textstat

from questionnaire.content import CONTENT_DIR, section
from questionnaire.rules import FLAGS, OUTCOMES, SECTION_ORDER

MAX_GRADE = 9.0  # Flesch–Kincaid; we aim for 8 and below


def plain(markdown: str) -> str:
    """Markdown as read aloud: list items and headings count as sentences."""
    lines = [re.sub(r"^\s*[-#]+\s*|[*_`]", "", line).strip() for line in markdown.splitlines()]
    return " ".join(
        line if line[-1:] in ".?!" else line.rstrip(",:") + "." for line in lines if line
    )


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.inside_main = False

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.inside_main = True

    def handle_endtag(self, tag):
        if tag == "main":
            self.inside_main = False
        elif tag in {"p", "li", "h1", "h2", "h3", "a"}:
            self.parts.append(". ")

    def handle_data(self, data):
        if self.inside_main:
            self.parts.append(data)


def main_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"(\s*\.\s*)+", ". ", " ".join(parser.parts))


def test_there_is_one_file_per_section_and_no_other():
    assert sorted(p.stem for p in CONTENT_DIR.glob("*.md")) == sorted(SECTION_ORDER)


@pytest.mark.parametrize("section_id", SECTION_ORDER)
def test_each_section_reads_at_about_grade_8(section_id):
    content = section(section_id)
    assert content.title
    grade = textstat.flesch_kincaid_grade(plain(content.body))
    assert grade <= MAX_GRADE, f"{section_id}: grade {grade}"


@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
def test_each_outcome_reads_at_about_grade_8(outcome):
    words = " ".join(OUTCOMES[outcome].patient_text)
    assert textstat.flesch_kincaid_grade(words) <= MAX_GRADE


def test_flag_explanations_read_at_about_grade_8():
    words = " ".join(f.patient_text for f in FLAGS.values())
    assert textstat.flesch_kincaid_grade(words) <= MAX_GRADE


def test_landing_page_reads_at_about_grade_8(client):
    words = main_text(client.get("/").get_data(as_text=True))
    assert "not a diagnosis" in words
    assert textstat.flesch_kincaid_grade(words) <= MAX_GRADE


def test_fda_facts_are_dated_not_a_placeholder():
    body = section("faq-fda").body
    assert "March 2019" in body and "January 2025" in body
    assert "[current date]" not in body and "As of" not in body


def test_no_testimonial_is_shown_as_evidence():
    for section_id in SECTION_ORDER:
        body = section(section_id).body
        assert "“" not in body and "second chance" not in body, section_id
    assert "not proof" in section("efficacy").body


def test_raw_html_in_content_is_escaped():
    from questionnaire.content import _markdown

    assert "<script>" not in _markdown.render("<script>alert(1)</script>")


def test_sections_are_rendered_once(monkeypatch):
    section.cache_clear()
    first = section("consult")
    assert section("consult") is first
    assert section.cache_info().hits >= 1
