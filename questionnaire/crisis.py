"""How much crisis support a patient page shows, once this browser has needed it.

Once PHQ-9 item 9 is above 0 in this browser, every patient page shows crisis support
until "Finish and clear this device" (which clears the session). The first page after
that, and every result, shows the full panel; the other pages show a compact banner,
so that each page's own heading and first question still fit on a phone's first
screen. The state lives in this browser's signed session cookie only.
"""

from __future__ import annotations

from enum import StrEnum

from flask import g, has_request_context, session

#: Item 9 was above 0 in this browser, and the full panel has been shown once.
SEEN = "crisis_seen"
FULL_SHOWN = "crisis_full_shown"


class Mode(StrEnum):
    FULL = "full"
    COMPACT = "compact"


def _set(key: str) -> None:
    if not session.get(key):
        session[key] = True


def mark(needed: bool) -> None:
    """Remember that this browser needed crisis support (never forgets on its own)."""
    if needed:
        _set(SEEN)


def forget() -> None:
    """A new screening starts: the crisis state belonged to the last one."""
    session.pop(SEEN, None)
    session.pop(FULL_SHOWN, None)


def seen() -> bool:
    return has_request_context() and bool(session.get(SEEN))


def page_mode(needed: bool = False, *, full: bool = False) -> Mode | None:
    """What this page shows: the full panel, the compact banner, or nothing. Worked
    out once per request (the page and its error summary ask the same question)."""
    if "crisis_mode" in g:
        mode: Mode | None = g.crisis_mode
        return mode
    mark(needed)
    mode = None
    if seen():
        # The full panel says "You told us…": only where this page's own answers say
        # so (never from another screening in this browser, nor once item 9 is 0 again).
        if needed and (full or not session.get(FULL_SHOWN)):
            _set(FULL_SHOWN)
            mode = Mode.FULL
        else:
            mode = Mode.COMPACT
    g.crisis_mode = mode
    return mode
