"""Fill in untranslated catalogue entries from a Python file that maps each msgid (or
(singular, plural) pair) to its translation: ``python tools/fill_translations.py es
new.py``. Entries already translated are left alone; the .po keeps pybabel's layout."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def main(language: str, source: str) -> int:
    path = Path(f"questionnaire/translations/{language}/LC_MESSAGES/messages.po")
    with path.open("rb") as handle:
        catalog = read_po(handle)
    wanted = runpy.run_path(source)[language.upper()]
    filled = 0
    for message in catalog:
        if message.id in wanted and not any(
            message.string if isinstance(message.string, tuple) else (message.string,)
        ):
            message.string = wanted[message.id]
            filled += 1
    with path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, ignore_obsolete=True, width=76)
    print(f"{filled} of {len(wanted)} filled in {path}")
    return 0 if filled == len(wanted) else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
