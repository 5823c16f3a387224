"""Reference codes such as ``KT-7F3K-9QXD``: drawn, and read back from what people type.

No look-alikes in the alphabet: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V.
"""

from __future__ import annotations

import re
import secrets

REFERENCE_ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
_REFERENCE = re.compile(rf"(?:KT)?([{REFERENCE_ALPHABET}]{{4}})([{REFERENCE_ALPHABET}]{{4}})")


def new_reference() -> str:
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"KT-{chars[:4]}-{chars[4:]}"


def normalise_reference(text: str) -> str | None:
    """``KT-7F3K-9QXD`` from ``kt-7f3k-9qxd``, ``7F3K9QXD`` or ``KT 7F3K 9QXD``; None if
    the text cannot be a reference (so it never reaches the database)."""
    compact = re.sub(r"[\s\-]", "", text.upper())
    match = _REFERENCE.fullmatch(compact)
    return f"KT-{match.group(1)}-{match.group(2)}" if match else None
