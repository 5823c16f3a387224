#!/usr/bin/env bash
# Re-read every translatable string from the code into messages.pot, then merge it into
# each language's messages.po: new strings arrive untranslated, changed ones fuzzy, and
# tests/test_translations.py fails until a translator has done them. Compile with
# `make translations` (make run and make test do it themselves).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
"$BIN/pybabel" extract -F babel.cfg -k _l -k N_ --no-location --sort-output \
  --project="Ketamine therapy screening" --copyright-holder="The clinic" \
  --omit-header -o questionnaire/translations/messages.pot .
"$BIN/pybabel" update -i questionnaire/translations/messages.pot \
  -d questionnaire/translations --ignore-obsolete --no-fuzzy-matching
