# Each target sets itself up: a virtual environment in .venv with the project installed.
# `make run` installs only what running needs, so the first start is quick; `make test`
# adds the test tools (pytest, ruff, bandit, Playwright, ...).
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
export APP_ENV ?= development
PORT ?= 5000

.PHONY: install run test lint format db-upgrade bench lforms screenshots translations update-translations
TRANSLATIONS := questionnaire/translations
MO_FILES := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUN_STAMP)

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(RUN_STAMP) $(TEST_STAMP)

install: $(TEST_STAMP) translations

## translations: compile the message catalogues (.po, committed) into .mo files (not committed)
translations: $(MO_FILES)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po | $(RUN_STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

## update-translations: read the strings from the code into messages.pot and merge them into each .po
update-translations: $(RUN_STAMP)
	BIN=$(BIN) tools/update_translations.sh

## run: the app on the embedded SQLite default, at http://127.0.0.1:5000 (PORT=8080 for another)
## (with the outbox worker beside it: with no MAIL_SERVER, alert emails go to the log)
run: db-upgrade translations
	$(BIN)/flask --app wsgi outbox run & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask --app wsgi run --host 127.0.0.1 --port $(PORT)

## test: lint, then the whole test suite (first LHC-Forms for the FHIR demo, and the
## independent FHIR validator the tests run, both with npm)
test: lint lforms tests/node/node_modules/.package-lock.json translations
	$(BIN)/python -m pytest

tests/node/node_modules/.package-lock.json: tests/node/package-lock.json
	npm ci --prefix tests/node --silent --no-audit --no-fund

## lforms: vendor LHC-Forms into the app's static files (npm, pinned version and hash)
lforms:
	tools/vendor_lforms.sh

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r questionnaire

format: $(TEST_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

db-upgrade: $(RUN_STAMP)
	$(BIN)/flask --app wsgi db upgrade

## bench: start the app under gunicorn, seed 100,000 submissions, measure, print a table
bench: $(TEST_STAMP) translations
	$(BIN)/python bench/run.py

## screenshots: the main pages at 1280 and 375 pixels, into test-artifacts/screenshots/
screenshots: $(TEST_STAMP)
	$(BIN)/python tools/screenshots.py
