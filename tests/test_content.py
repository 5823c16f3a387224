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
def test_each_section_reads_at_grade_8_or_below(section_id):
    """Flesch–Kincaid over the section's whole text, title included, as written."""
    content = section(section_id)
    assert content.title
    grade = textstat.flesch_kincaid_grade(f"{content.title}\n{content.body}")
    assert grade <= 8.0, f"{section_id}: grade {grade}"


@pytest.mark.parametrize("section_id", SECTION_ORDER)
def test_each_section_names_its_sources(section_id):
    sources = section(section_id).sources
    assert sources, section_id
    assert all(len(s) > 10 for s in sources)
    assert "---" not in section(section_id).body


def test_a_malformed_front_matter_is_refused(tmp_path):
    from questionnaire.content import _front_matter

    with pytest.raises(ValueError, match="no closing"):
        _front_matter("---\nsources:\n  - A\n# Title\n", "x.md")
    with pytest.raises(ValueError, match="each source"):
        _front_matter("---\nsources:\n  A\n---\n# Title\n", "x.md")
    assert _front_matter("# Title\nBody", "x.md") == ((), "# Title\nBody")


def flat(section_id: str) -> str:
    return " ".join(section(section_id).body.split())


def test_fda_approvals_are_the_three_dated_ones_and_home_use_is_warned_about():
    body = flat("faq-fda")
    assert "In March 2019, the FDA approved it for treatment-resistant depression." in body
    assert "In August 2020, the FDA approved it for adults with major depression" in body
    assert "In January 2025, the FDA approved it to be used on its own" in body
    assert "certified clinic or office" in body
    assert "In 2023 the FDA warned" in body


def test_safety_separates_the_esketamine_rule_from_clinic_policy():
    body = flat("safety")
    assert (
        "With the nasal spray, staff must watch you for at least 2 hours after each dose." in body
    )
    assert "each clinic sets its own rules for how long staff watch you" in body
    assert "has a boxed warning. This is the FDA's strongest kind of warning." in body
    assert "slowed breathing (respiratory depression)" in body
    assert "In 2023 the FDA warned about this" in body
    assert "only given in a clinic" not in body


def test_session_schedules_follow_the_label_and_common_practice():
    body = flat("faq-sessions")
    assert "twice a week for the first 4 weeks" in body
    assert "2 or 3 treatments a week" in body


def test_ketamine_was_first_made_by_a_chemist_in_1962():
    assert "A chemist first made it in 1962." in flat("what-is-ketamine")


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
