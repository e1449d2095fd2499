# The two commands of the README: `make demo` (set up and serve with demo data; `make demo PORT=8001`
# serves on another port) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PYTEST_ARGS ?=
PORT ?= 8000

.PHONY: demo setup test lint translations clean

demo: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) rundemo 127.0.0.1:$(PORT)

setup: $(VENV)/.installed translations

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

translations: $(VENV)/.installed
	$(MANAGE) compiletranslations

# Runs on SQLite by default; set DATABASE_URL=postgres://... to run the same suite on PostgreSQL.
test: setup
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(MANAGE) makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var test-artifacts
