# Groundswell: `make run` serves the demo at http://127.0.0.1:8000; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
export GROUNDSWELL_PLAIN_STATIC ?= 0

.PHONY: setup run demo test test-postgres lint bench browser-deps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/groundswell demo

run: demo
	$(BIN)/groundswell serve --bind 127.0.0.1:8000

# Browser tests drive Debian's chromium; install it when we can (root with apt), else they skip.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ; } || \
	  echo "chromium is not installed: browser tests will be skipped"

test: setup browser-deps
	$(BIN)/pytest

test-postgres: setup browser-deps
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/groundswell} $(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=groundswell.settings $(BIN)/groundswell manage makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var
