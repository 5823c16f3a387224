"""Educational sections: one Markdown file per section id, rendered once and cached."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup

CONTENT_DIR = Path(__file__).parent / "content"

# Raw HTML in the files is escaped, never passed through.
_markdown = MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    body: str  # the Markdown after the title line
    html: Markup


@cache
def section(section_id: str) -> Section:
    """The section's title and rendered body. The first line is ``# Title``."""
    path = CONTENT_DIR / f"{section_id}.md"
    text = path.read_text(encoding="utf-8")
    first, _, body = text.partition("\n")
    if not first.startswith("# "):
        raise ValueError(f"{path.name} must start with a '# Title' line")
    # Justified: our own content files, and markdown-it escapes raw HTML (html=False).
    html = Markup(_markdown.render(body))  # noqa: S704  # nosec B704
    return Section(id=section_id, title=first[2:].strip(), body=body.strip(), html=html)
