"""Educational sections: one Markdown file per section id and language (English in
``content/``, Spanish in ``content/es/``), rendered once and cached."""

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
    #: Where the section's facts come from (shown to clinicians, not to patients).
    sources: tuple[str, ...] = ()


def _front_matter(text: str, name: str) -> tuple[tuple[str, ...], str]:
    """Split a ``---`` block holding a ``sources:`` list from the rest of the file."""
    if not text.startswith("---\n"):
        return (), text
    block, separator, rest = text[4:].partition("\n---\n")
    if not separator:
        raise ValueError(f"{name}: the front matter has no closing '---' line")
    lines = block.splitlines()
    if not lines or lines[0].strip() != "sources:":
        raise ValueError(f"{name}: the front matter holds only a 'sources:' list")
    sources = []
    for line in lines[1:]:
        item = line.strip()
        if not item.startswith("- ") or not item[2:].strip():
            raise ValueError(f"{name}: each source is a '- ' line, got {line!r}")
        sources.append(item[2:].strip())
    return tuple(sources), rest


#: Languages other than English, each with a folder of its own (``content/es/``).
TRANSLATED = ("es",)


def path_of(section_id: str, language: str = "en") -> Path:
    folder = CONTENT_DIR / language if language in TRANSLATED else CONTENT_DIR
    return folder / f"{section_id}.md"


@cache
def section(section_id: str, language: str = "en") -> Section:
    """The section's title, rendered body and sources in ``language`` (English unless
    it is one of ``TRANSLATED``). After the front matter, the first line is ``# Title``."""
    path = path_of(section_id, language)
    sources, text = _front_matter(path.read_text(encoding="utf-8"), path.name)
    first, _, body = text.partition("\n")
    if not first.startswith("# "):
        raise ValueError(f"{path.name} must start with a '# Title' line")
    # Justified: our own content files, and markdown-it escapes raw HTML (html=False).
    html = Markup(_markdown.render(body))  # noqa: S704  # nosec B704
    return Section(
        id=section_id, title=first[2:].strip(), body=body.strip(), html=html, sources=sources
    )
