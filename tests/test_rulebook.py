"""The clinicians' rules page: every flag, outcome and section rule with its source and
the version it changed in, and the changelog; described once, in step with rules.py."""

from __future__ import annotations

from bs4 import BeautifulSoup

from questionnaire import rulebook
from questionnaire.rules import FIRST_VERSION, FLAGS, OUTCOMES, RULES_VERSION, SECTION_ORDER


def test_every_rule_is_described_once():
    assert set(rulebook.FLAG_WHEN) == set(FLAGS)
    assert [r.id for r in rulebook.OUTCOME_RULES] == list(OUTCOMES)  # in the order tried
    assert set(rulebook.SECTION_WHEN) == set(SECTION_ORDER)


def test_versions_are_known_and_the_newest_is_the_current_one():
    versions = [v for v, _ in rulebook.CHANGELOG]
    assert versions[0] == RULES_VERSION and versions[-1] == FIRST_VERSION
    changed = {r.since for r in rulebook.flag_entries()} | {r.since for r in rulebook.OUTCOME_RULES}
    assert changed <= set(versions)


def test_the_rules_page_lists_each_rule_with_source_and_version(signed_in):
    page = signed_in.client.get("/clinician/rules")
    assert page.status_code == 200
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    assert soup.h1.get_text() == "Screening rules 2026.12"

    def row(table: str, rule: str) -> list[str]:
        cells = soup.select_one(f'[data-rules="{table}"] tr[data-rule="{rule}"]').find_all("td")
        return [" ".join(c.get_text().split()) for c in cells]

    assert row("flags", "fewer-antidepressants") == [
        "fewer-antidepressants",
        "precaution",
        "0 or 1 antidepressants tried, and ECT, TMS or ketamine before",
        "TRD definition: two or more adequate antidepressant trials (FDA, EMA)",
        "2026.12",
    ]
    assert row("flags", "aneurysm")[-1] == FIRST_VERSION
    assert row("outcomes", "other-options-first")[-1] == "2026.12"
    assert len(soup.select('[data-rules="flags"] tbody tr')) == len(FLAGS)
    assert len(soup.select('[data-rules="outcomes"] tbody tr')) == 6
    sections = soup.select('[data-rules="sections"] tbody tr')
    assert [r["data-rule"] for r in sections] == list(SECTION_ORDER)
    assert "FDA approval of Spravato, August 2020" in row("sections", "faq-fda")[2]
    changes = [li.get_text() for li in soup.select('[data-changelog="2026.12"] li')]
    assert any("never-had" in c and "Not had before" in c for c in changes)


def test_the_rules_page_needs_a_signed_in_clinician(client):
    response = client.get("/clinician/rules")
    assert response.status_code in (302, 303)
    assert "/clinician/sign-in" in response.location
