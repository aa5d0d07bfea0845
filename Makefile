# One command vocabulary for people, CI and the docs. `make help` lists it.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Parallel test processes (pytest-xdist), each with its own test database; `auto` = one per CPU.
# `worksteal`: a worker that runs out of tests takes queued ones from the other, so a few long
# tests (the page audits, the PDF renders) do not leave one worker waiting at the end.
TEST_WORKERS ?= auto
TEST_DIST ?= worksteal
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po locale-thirdparty/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

# Without DATABASE_URL the portal uses the project-local cluster in .pgdata/.
ifeq ($(strip $(DATABASE_URL)),)
DB_START := scripts/localdb.sh start
else
DB_START := @echo "Using the database from DATABASE_URL."
endif

.PHONY: help install db migrate seed run stop test coverage lint messages clean-db bench seed-bench fuzz backup restore serve

help: ## List the commands
	@echo "Portal Tim Terpadu PKS — make targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	scripts/system-deps.sh run
	test -x $(BIN)/pip || $(PYTHON) -m venv --clear $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --editable '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

%.mo: %.po
	msgfmt --check -o $@ $<

install: $(BIN)/.installed node_modules/.installed $(MO_FILES) ## Create .venv, install Python and front-end packages, compile translations

db: ## Start the project-local PostgreSQL (skipped when DATABASE_URL is set)
	$(DB_START)

migrate: install db ## Apply database migrations
	$(MANAGE) migrate --noinput

seed: migrate ## Load regions, reference agencies and demo data (idempotent)
	$(MANAGE) import_regions
	$(MANAGE) load_reference_data
	$(MANAGE) seed_demo

run: seed ## Set everything up and serve the portal at http://127.0.0.1:8000
	@echo "Portal: http://$(HOST):$(PORT)/  (demo users: see README.md)"
	$(MANAGE) runserver $(HOST):$(PORT)

stop: ## Stop the project-local PostgreSQL
	scripts/localdb.sh stop

lint: install ## Run ruff (lint and format check) and the import-linter layers contract
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: install db lint ## Run every check: ruff, migrations check, pytest with browser tests
	scripts/system-deps.sh test
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest -n $(TEST_WORKERS) --dist $(TEST_DIST) $(PYTEST_ARGS)

coverage: install db ## Branch coverage of the test suite (report in the terminal and htmlcov/)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist $(TEST_DIST) --cov --cov-report= $(PYTEST_ARGS)
	@# Reporting combines the data of processes that ended after pytest did (the PDF forkserver).
	$(BIN)/coverage report --skip-covered
	$(BIN)/coverage html

messages: install ## Refresh translation catalogs (locale/*/django.po) from the code
	$(MANAGE) makemessages --all --no-obsolete --no-location --ignore '.venv/*' --ignore 'node_modules/*' \
		--ignore 'tests/*' --ignore '.pgdata/*' --ignore 'staticfiles/*'

clean-db: stop ## Delete the project-local database cluster (all local data)
	rm -rf .pgdata

# The full fuzzing campaign (tests/fuzzing.py): every persona in both languages, FUZZ_ROUNDS rounds
# of junk per page and form, repeatable by FUZZ_SEED. `make test` runs a small one.
FUZZ_ROUNDS ?= 6
FUZZ_SEED ?= 2026
FUZZ_PERSONAS ?= anonymous no_role petugas operator sekretariat pimpinan admin
FUZZ_LANGUAGES ?= id en
FUZZ_AT_ONCE ?= 4

fuzz: install db ## Junk in every URL, query and form of every persona and language; fails on a 500, an English error or a double tap told it failed (FUZZ_SEED, FUZZ_ROUNDS, FUZZ_AT_ONCE, FUZZ_PERSONAS, FUZZ_LANGUAGES)
	FUZZ_SEED=$(FUZZ_SEED) FUZZ_ROUNDS=$(FUZZ_ROUNDS) FUZZ_PERSONAS="$(FUZZ_PERSONAS)" \
		FUZZ_LANGUAGES="$(FUZZ_LANGUAGES)" FUZZ_AT_ONCE=$(FUZZ_AT_ONCE) \
		$(BIN)/pytest -n $(TEST_WORKERS) --dist $(TEST_DIST) tests/project/test_fuzz.py $(PYTEST_ARGS)

# The bench's own database (demo data untouched) and production settings for its measures.
BENCH_REPORTS ?= 1000000
BENCH_RUNS ?= 15
BENCH_DB := DJANGO_DB_NAME=portal_bench
BENCH_ENV := $(BENCH_DB) DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS=testserver \
	DJANGO_SECRET_KEY=bench-only-not-secret-$$(printf '%040d' 0)

seed-bench: install db ## Fill the bench database (portal_bench) with BENCH_REPORTS reports, or reuse it
	$(BENCH_DB) $(MANAGE) seed_bench --reports $(BENCH_REPORTS)

bench: seed-bench ## Pages, exports, PDFs and a load test at BENCH_REPORTS reports against baselines; table in bench/results.md
	$(BENCH_ENV) $(BIN)/python bench/run.py --runs $(BENCH_RUNS)

backup: install db ## Back up the database and uploaded files into backups/portal-<time>.tar
	$(MANAGE) backup

restore: install db ## Restore FILE=backups/portal-<time>.tar (CONFIRM=yes to replace existing data)
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/portal-<time>.tar [CONFIRM=yes]"; exit 2; }
	$(MANAGE) restore "$(FILE)" $(if $(filter yes,$(CONFIRM)),--replace)

serve: install ## Production server: gunicorn + WhiteNoise, settings from the environment (docs/deploy.md)
	DJANGO_DEBUG=$${DJANGO_DEBUG:-false} $(MANAGE) collectstatic --noinput --verbosity 0
	DJANGO_DEBUG=$${DJANGO_DEBUG:-false} GUNICORN_BIND=$${GUNICORN_BIND:-$(HOST):$(PORT)} $(BIN)/gunicorn
