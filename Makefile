# The two commands of the README: `make run` and `make test`. Everything they need is installed
# from this repository's own files (pyproject.toml, package.json, package-lock.json).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/pdz
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
# test-production drops and creates this database and empties this Redis database.
PRODUCTION_PG_URL ?= postgres://postgres@127.0.0.1:5432/pdz_produzione
PRODUCTION_REDIS_URL ?= redis://127.0.0.1:6379/14

.PHONY: setup run test test-postgres test-sqlite test-production lint chromium worker clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.env:
	printf 'DJANGO_DEBUG=true\n' > .env

setup: $(PY_STAMP) $(NODE_STAMP)

## Start the portal with demo data at http://127.0.0.1:8000 (SQLite, tasks in-process).
run: setup .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Portale su http://127.0.0.1:8000 — accedi con uno degli account qui sopra."
	$(PY) manage.py runserver 127.0.0.1:8000

## A Celery worker, for when REDIS_URL is set.
worker: setup
	$(VENV)/bin/celery -A pdz worker --loglevel=info

## Headless Chromium for the browser tests, from Debian's package.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installo chromium (pacchetto Debian)..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=pdz.settings_test $(PY) manage.py makemigrations --check --dry-run

## Every test: on PostgreSQL with Redis (as in production), then on the embedded SQLite default.
test: setup chromium lint test-postgres test-sqlite test-production

test-postgres: setup chromium
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(PY) -m pytest

# A worker process cannot share the in-memory SQLite test database, and SQLite has no row locks
# for the concurrency tests: those tests run above.
test-sqlite: setup chromium
	$(PY) -m pytest -m "not worker and not postgres"

## The production configuration, as the Dockerfile and docker-compose.yml ship it: collectstatic
## with the manifest, gunicorn (gunicorn.conf.py) and a Celery worker, DEBUG off, on a fresh
## database with the demo data; every demo persona logs in and crawls it (tests_production/).
test-production: setup
	PDZ_PRODUCTION_DATABASE_URL=$(PRODUCTION_PG_URL) PDZ_PRODUCTION_REDIS_URL=$(PRODUCTION_REDIS_URL) \
		$(PY) -m pytest tests_production

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .test-media
