# Tether's two commands: `make demo` (install and run on SQLite with demo data) and
# `make test` (install test tools and pass the suite on SQLite and PostgreSQL).

PYTHON ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tether
# The PostgreSQL run is the production-like one: its rate limits count in Redis.
TEST_CACHE_URL ?= redis://127.0.0.1:6379/15
TEST_DATA_DIR := $(CURDIR)/.data/test
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo install test test-deps test-sqlite test-postgres lint bench

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

install: $(UV)
	$(UV) sync --frozen --inexact --no-dev

demo: install
	$(VENV)/bin/tether demo --host $(HOST) --port $(PORT)

test-deps: $(UV)
	$(UV) sync --frozen --inexact --group test
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
		$(SUDO) apt-get install -y -qq chromium >/dev/null; }

lint: test-deps
	$(VENV)/bin/ruff check src tests bench
	TETHER_DATA_DIR=$(TEST_DATA_DIR) $(VENV)/bin/tether makemigrations --check --dry-run

test-sqlite: test-deps
	TETHER_DATA_DIR=$(TEST_DATA_DIR)-sqlite $(VENV)/bin/pytest

test-postgres: test-deps
	DATABASE_URL=$(TEST_DATABASE_URL) CACHE_URL=$(TEST_CACHE_URL) \
		TETHER_DATA_DIR=$(TEST_DATA_DIR)-postgres $(VENV)/bin/pytest

# Both databases side by side (each pytest mostly keeps one core busy), each with its own data
# directory; each run's output is printed whole when it ends.
test: lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

bench: install
	$(VENV)/bin/python bench/run.py
