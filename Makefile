# fairportal — every command a developer needs. `make help` lists them.
#
# Without DATABASE_URL the targets below start an embedded PostgreSQL (pgserver,
# data in var/pgdata); with DATABASE_URL set they use that server and start nothing.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help
help: ## List every target
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# ------------------------------------------------------------------ install
# xstatic-bootstrap is an sdist whose setup.py imports pkg_resources, which
# setuptools 81 removed: install an older setuptools and build without isolation.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24" "setuptools<81" wheel

$(VENV)/.installed-prod: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --no-build-isolation -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --no-build-isolation -r requirements-dev.txt
	touch $@ $(VENV)/.installed-prod

.PHONY: install install-dev
install: $(VENV)/.installed-prod ## Create .venv and install production requirements
install-dev: $(VENV)/.installed-dev ## Create .venv and install test and lint tools too

# ------------------------------------------------------------------ database
.PHONY: db-start db-stop db-status
db-start: install ## Start the embedded PostgreSQL (does nothing when DATABASE_URL is set)
	@if [ -n "$$DATABASE_URL" ]; then echo "DATABASE_URL is set: using that server."; \
	else $(BIN)/python -m fairportal.embedded_db start; fi

db-stop: install ## Stop the embedded PostgreSQL
	@$(BIN)/python -m fairportal.embedded_db stop

db-status: install ## Tell whether the embedded PostgreSQL runs
	@$(BIN)/python -m fairportal.embedded_db status || true

# ------------------------------------------------------------------ app set-up
.PHONY: migrate messages compilemessages collectstatic setup demo-reset
migrate: db-start ## Apply database migrations
	$(MANAGE) migrate --no-input

compilemessages: install ## Compile locale/*.po into .mo (needs no GNU gettext)
	$(MANAGE) compile_translations

messages: install ## Refresh locale/kk and locale/ru from the code (needs GNU gettext)
	$(MANAGE) makemessages --locale kk --locale ru --no-location --ignore ".venv/*" --ignore "var/*" --ignore "staticfiles/*"
	$(MANAGE) makemessages --domain djangojs --locale kk --locale ru --no-location --ignore ".venv/*" --ignore "var/*" --ignore "staticfiles/*" --ignore "node_modules/*"

collectstatic: install ## Collect static files into staticfiles/ for whitenoise
	$(MANAGE) collectstatic --no-input --verbosity 0

setup: migrate compilemessages ## Database, translations and the local admin account
	$(MANAGE) ensure_local_admin

# ------------------------------------------------------------------ run
.PHONY: run serve worker
run: setup ## Serve the portal with the development server on http://127.0.0.1:8000 (demo data on an empty database)
	$(MANAGE) demo seed --if-empty
	@echo "fairportal: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/kk/admin/)"
	$(MANAGE) runserver $(HOST):$(PORT)

worker: setup ## Run the background worker that sends queued mail (with DJANGO_TASKS_BACKEND=database)
	DJANGO_TASKS_BACKEND=database $(MANAGE) db_worker

var/secret-key:
	@mkdir -p var
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@chmod 600 $@

serve: setup collectstatic var/secret-key ## Serve under gunicorn with DJANGO_DEBUG=false, like production
	DJANGO_DEBUG=false DJANGO_HTTPS=false \
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat var/secret-key)}" \
	VOTER_HASH_KEY="$${VOTER_HASH_KEY:-$$(cat var/secret-key)-voters}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	GUNICORN_BIND="$${GUNICORN_BIND:-$(HOST):$(PORT)}" \
	$(BIN)/gunicorn --config gunicorn.conf.py fairportal.wsgi

# ------------------------------------------------------------------ production stack
.PHONY: stack stack-stop stack-status
stack: setup collectstatic var/secret-key ## nginx + 2 gunicorn nodes + redis + task worker on loopback (http://127.0.0.1:8080/); installs nginx and redis-server if missing
	@deploy/stack.sh start

stack-stop: ## Stop what `make stack` started
	@deploy/stack.sh stop

stack-status: ## Tell what `make stack` runs
	@deploy/stack.sh status

# ------------------------------------------------------------------ quality
.PHONY: lint format test
lint: install-dev db-start ## ruff check, ruff format --check, djLint over the templates, makemigrations --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(MANAGE) makemigrations --check --dry-run

format: install-dev ## Fix what ruff can fix and format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The browser tests run in their own pytest session, after the rest: their live server (Playwright
# in the main thread) left pytest-django unable to restore the migrations' rows for the
# transactional tests around them; apart, each suite passes, and their time is reported apart.
test: install-dev lint compilemessages ## Lint, then the whole test suite against PostgreSQL, then the browser tests
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)
	$(BIN)/pytest -m browser tests/browser $(PYTEST_ARGS)

demo-reset: migrate ## Rebuild all the demo data (deletes only what `manage.py demo` made)
	$(MANAGE) demo reset

$(VENV)/.installed-bench: requirements.txt requirements-dev.txt requirements-bench.txt | $(BIN)/python
	$(BIN)/pip install --quiet --no-build-isolation -r requirements-bench.txt
	touch $@ $(VENV)/.installed-dev $(VENV)/.installed-prod

.PHONY: bench bench-pages bench-load bench-seed
bench: bench-pages bench-load ## Every benchmark: page timings in-process, then the load benchmark beside the reference app; reports only

bench-pages: install-dev db-start ## Time the public pages and the jury ranking on a seeded copy (BENCH_SCALE=10 by default); reports only
	$(BIN)/python bench/catalogue.py
	$(BIN)/python bench/ranking.py

bench-load: $(VENV)/.installed-bench db-start compilemessages collectstatic var/secret-key ## Locust load benchmark: fairportal vs the reference app (BENCH_REFERENCE_DIR), table in var/bench/load.md
	$(BIN)/python -m bench.load.run

bench-seed: $(VENV)/.installed-bench db-start ## Seed (or reuse) the load benchmark's database: 5,000 finalists, 1M votes (BENCH_RESEED=1 rebuilds)
	$(BIN)/python -m bench.load.seed $(if $(filter 1,$(BENCH_RESEED)),--reseed)

.PHONY: clean
clean: ## Stop the database and remove .venv, var/ and collected static files
	-@[ -x $(BIN)/python ] && $(BIN)/python -m fairportal.embedded_db stop
	rm -rf $(VENV) var staticfiles
