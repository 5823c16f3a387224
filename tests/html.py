"""Reading pages as a person or a screen reader does: parsed HTML, visible text."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag
from werkzeug.test import TestResponse


def soup(response: TestResponse) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def words(node: Tag | None) -> str:
    """A node's text as it reads: whitespace collapsed (inline markup adds none)."""
    assert node is not None, "no such element"
    return " ".join(node.get_text().split())


def definitions(node: Tag | BeautifulSoup) -> dict[str, str]:
    """Each <dt>'s text with the text of the <dd> that follows it."""
    return {words(dt): words(dt.find_next_sibling("dd")) for dt in node.find_all("dt")}


def rows(table: Tag | None) -> list[list[str]]:
    """The text of each cell of each row of a table (head, body and foot)."""
    assert table is not None, "no such table"
    return [[words(cell) for cell in tr.find_all(["th", "td"])] for tr in table.find_all("tr")]


def table_after(page: BeautifulSoup, heading: str) -> Tag | None:
    """The first table after the <h2> whose text is ``heading``."""
    h2 = page.find("h2", string=heading)
    assert h2 is not None, f"no heading {heading!r}"
    return h2.find_next("table")


def error_summary(page: BeautifulSoup) -> list[tuple[str, str]]:
    """The error summary's links: where each goes, and what it says."""
    summary = page.select_one("[data-error-summary]")
    if summary is None:
        return []
    return [(a["href"], words(a)) for a in summary.find_all("a")]
