# Set-up is part of every target: a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

PG_TEST_URL    ?= postgresql://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/0

.PHONY: install run run-prod test test-sqlite test-pg bench chaos lint clean translations screenshots

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## The all-in-one server: SQLite under $$DATA_DIR, in-process Redis stand-in, demo data.
run: install
	$(PY) -m services.cli serve

## The production topology without Docker: gunicorn per service + workers, local PostgreSQL and Redis.
run-prod: install
	bash deploy/run-prod.sh

## The whole suite: on PostgreSQL + Redis when TEST_DATABASE_URL / TEST_REDIS_URL are set, else SQLite + fakeredis.
test: install
	$(PY) -m pytest

test-sqlite: install
	env -u TEST_DATABASE_URL -u TEST_REDIS_URL $(PY) -m pytest

test-pg: install
	TEST_DATABASE_URL=$(PG_TEST_URL) TEST_REDIS_URL=$(REDIS_TEST_URL) $(PY) -m pytest

## Benchmarks on the local PostgreSQL and Redis: they print figures, they assert no timings.
bench: install
	$(PY) bench/matching.py
	$(PY) bench/rush.py
	$(PY) bench/imports.py

## The web pages' catalogue: extract the strings, merge them into the .po, compile the .mo (committed).
translations: install
	@mkdir -p var
	$(VENV)/bin/pybabel extract -F services/web/babel.cfg -k _l -o var/web.pot services/web
	$(VENV)/bin/pybabel update -i var/web.pot -d services/web/translations -D messages --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -d services/web/translations -D messages

## Every page at 390x844 and 1366x768 under docs/screenshots/ (Debian's chromium; demo data in a temp dir).
screenshots: install
	$(PY) scripts/screenshots.py

## Fault rounds on the production topology with its own PostgreSQL and Redis (about 10 minutes; not part of test).
chaos: install
	$(PY) bench/chaos.py

## Byte-compile everything, then the import graph: contracts in pyproject.toml (lint-imports) and no cycle at all.
lint: install
	$(PY) -m compileall -q shared services tests bench scripts
	$(VENV)/bin/lint-imports --no-cache
	$(PY) scripts/import_cycles.py

clean:
	rm -rf $(VENV) var .pytest_cache
