# Each target sets itself up: a virtual environment in .venv with the project installed.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export APP_ENV ?= development

.PHONY: install run test lint format db-upgrade bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## run: the app on the embedded SQLite default, at http://127.0.0.1:5000
run: db-upgrade
	$(BIN)/flask --app wsgi run --host 127.0.0.1 --port $${PORT:-5000}

## test: lint, then the whole test suite
test: lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r questionnaire

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

db-upgrade: $(STAMP)
	$(BIN)/flask --app wsgi db upgrade

## bench: start the app under gunicorn, seed 100,000 submissions, measure, print a table
bench: $(STAMP)
	$(BIN)/python bench/run.py
