# The two commands of the README: `make run` and `make test`. Everything they need is installed
# from this repository's own files (the lock files under requirements/, generated from
# pyproject.toml by `make lock`; package.json, package-lock.json).

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

.PHONY: setup run test test-postgres test-sqlite test-production test-newer-python lint lock lock-check chromium system-packages spid-sp-test worker beat clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Every dependency from the lock, each file checked against its hash; then the project alone.
# No build isolation: the build backend is in the lock too, so nothing unpinned is fetched.
define install_locked
	$(1)/bin/python -m pip install --quiet --upgrade pip
	$(1)/bin/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(1)/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(1)/.installed
endef

$(PY_STAMP): requirements/dev.txt pyproject.toml | $(PY)
	$(call install_locked,$(VENV))

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

## The periodic jobs (reminders, digests, roles that end), for when REDIS_URL is set.
beat: setup
	$(VENV)/bin/celery -A pdz beat --loglevel=info

## The programs the tests need from Debian's packages: headless Chromium for the browser tests,
## xmlsec1 with which pysaml2 signs and checks SAML messages (SPID, CIE).
system-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v xmlsec1 >/dev/null 2>&1 || missing="$$missing xmlsec1"; \
	[ -z "$$missing" ] || { \
		echo "Installo$$missing (pacchetti Debian)..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; }

chromium: system-packages

## AgID's SPID validator, in a virtualenv of its own: it pins versions the portal cannot share.
SPID_VENV := $(VENV)-spid-sp-test
SPID_STAMP := $(SPID_VENV)/.installed
$(SPID_STAMP): requirements/spid-sp-test.txt
	$(PYTHON) -m venv $(SPID_VENV)
	$(SPID_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SPID_VENV)/bin/python -m pip install --quiet --require-hashes -r requirements/spid-sp-test.txt
	touch $@

spid-sp-test: $(SPID_STAMP)

lint: setup lock-check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	# The dependency direction between the apps (ARCHITECTURE.md, [tool.importlinter]).
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=pdz.settings_test $(PY) manage.py makemigrations --check --dry-run

## Every test: the production stack as shipped; the whole suite on PostgreSQL with Redis (as in
## production, on the Python the image ships); the embedded SQLite default on the newest Python
## installed here, so a newer Python and the newcomer's database are both exercised in one pass.
test: setup chromium spid-sp-test lint test-production test-postgres test-sqlite

# The suite runs on this many processes (pytest-xdist), each with its own test database, Redis
# database and media folder (pdz/settings_test.py). The browser tests run after, one at a time:
# two Chromiums on two cores would race their own timeouts.
PROCESSI ?= 2

test-postgres: setup chromium spid-sp-test
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(PY) -m pytest -n $(PROCESSI) -m "not browser"
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(PY) -m pytest -m browser

## The production configuration, as the Dockerfile and docker-compose.yml ship it: collectstatic
## with the manifest, gunicorn (gunicorn.conf.py) and a Celery worker, DEBUG off, on a fresh
## database with the demo data; every demo persona logs in and crawls it (tests_production/).
test-production: setup
	PDZ_PRODUCTION_DATABASE_URL=$(PRODUCTION_PG_URL) PDZ_PRODUCTION_REDIS_URL=$(PRODUCTION_REDIS_URL) \
		$(PY) -m pytest tests_production

clean:
	rm -rf $(VENV) $(VENV)-* node_modules staticfiles .pytest_cache .test-media .import_linter_cache

## Lock files: requirements/production.txt (what the image installs) and requirements/dev.txt
## (that plus the test tools), with hashes, valid on every Python from 3.11 up. Run after editing
## the dependencies in pyproject.toml; pinned versions stay unless the change needs others.
## Upgrades: make lock LOCK_ARGS=--upgrade (or LOCK_ARGS="--upgrade-package django").
# One universal resolution (markers instead of one lock per Python); the dev lock is constrained
# by the production one, so the tests run on exactly the versions that ship.
LOCK_COMPILE = $(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" pyproject.toml --group build

# The validator's own lock: one Python (3.11, the baseline), since its pins differ by version.
SPID_COMPILE = $(VENV)/bin/uv pip compile --quiet --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" requirements/spid-sp-test.in

lock: $(PY_STAMP)
	$(LOCK_COMPILE) $(LOCK_ARGS) -o requirements/production.txt
	$(LOCK_COMPILE) $(LOCK_ARGS) --extra dev -c requirements/production.txt -o requirements/dev.txt
	$(SPID_COMPILE) $(LOCK_ARGS) -o requirements/spid-sp-test.txt

# Regenerates both locks into a temporary folder, starting from the committed pins, and compares:
# any difference means pyproject.toml changed without `make lock`.
lock-check: $(PY_STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	cp requirements/production.txt requirements/dev.txt requirements/spid-sp-test.txt "$$tmp"/ && \
	$(LOCK_COMPILE) -o "$$tmp/production.txt" && \
	$(LOCK_COMPILE) --extra dev -c requirements/production.txt -o "$$tmp/dev.txt" && \
	$(SPID_COMPILE) -o "$$tmp/spid-sp-test.txt" && \
	diff -u requirements/production.txt "$$tmp/production.txt" && \
	diff -u requirements/dev.txt "$$tmp/dev.txt" && \
	diff -u requirements/spid-sp-test.txt "$$tmp/spid-sp-test.txt" || { \
		echo "I file di lock non corrispondono a pyproject.toml: esegui 'make lock' e fai commit di requirements/."; \
		exit 1; }

# The newest Python above the 3.11 baseline installed on this machine: on PATH, or a pyenv
# version that is installed but not made global (its shim alone would refuse to run).
ifeq ($(origin NEWER_PYTHON),undefined)
NEWER_PYTHON := $(shell for v in 3.14 3.13 3.12; do \
	for p in "$$(command -v python$$v)" \
		$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/$$v.*/bin/python$$v 2>/dev/null | sort -rV); do \
		[ -n "$$p" ] && "$$p" -c '' 2>/dev/null && { echo "$$p"; exit 0; }; \
	done; done)
endif
ifneq ($(NEWER_PYTHON),)
NEWER_VERSION := $(shell $(NEWER_PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
NEWER_VENV := $(if $(NEWER_VERSION),$(VENV)-$(NEWER_VERSION))
endif

# A worker process cannot share the in-memory SQLite test database, and SQLite has no row locks
# for the concurrency tests: those run on PostgreSQL. The browser tests drive views that the
# suite checks on SQLite too; they run on PostgreSQL.
SQLITE_PYTEST = -m pytest -n $(PROCESSI) -m "not worker and not postgres and not browser"

## The embedded SQLite default on the newest Python installed here, from the same lock; on the
## 3.11 baseline, with a notice, when there is none.
ifneq ($(NEWER_VENV),)
$(NEWER_VENV)/bin/python:
	$(NEWER_PYTHON) -m venv $(NEWER_VENV)

$(NEWER_VENV)/.installed: requirements/dev.txt pyproject.toml | $(NEWER_VENV)/bin/python
	$(call install_locked,$(NEWER_VENV))

test-sqlite: $(NEWER_VENV)/.installed $(NODE_STAMP) spid-sp-test
	$(NEWER_VENV)/bin/python $(SQLITE_PYTEST)

## The whole PostgreSQL suite again on the newest Python (by hand; not part of make test).
test-newer-python: $(NEWER_VENV)/.installed $(NODE_STAMP) chromium spid-sp-test
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(NEWER_VENV)/bin/python -m pytest -n $(PROCESSI) -m "not browser"
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(NEWER_VENV)/bin/python -m pytest -m browser
else ifneq ($(NEWER_PYTHON),)
test-sqlite test-newer-python:
	@echo "NEWER_PYTHON=$(NEWER_PYTHON) non si avvia: indica un interprete Python funzionante." >&2
	@exit 1
else
test-sqlite: setup spid-sp-test
	@echo "AVVISO: nessun Python più recente del 3.11 è installato (cercati python3.14, 3.13 e"
	@echo "3.12, anche tra le versioni pyenv): la suite SQLite gira sul 3.11. Per sceglierne uno:"
	@echo "  make test-sqlite NEWER_PYTHON=/percorso/di/python3.13"
	$(PY) $(SQLITE_PYTEST)

test-newer-python:
	@echo "Nessun Python più recente del 3.11: indica NEWER_PYTHON=/percorso/di/python3.x." >&2
	@exit 1
endif
