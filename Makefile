# Cosviluppo: the two commands of the README (`make run`, `make test`) and a few helpers.
# Everything runs from a fresh clone: the virtualenv, the dependencies, the database schema,
# the compiled translations and the demo data are made on first use.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

VENV := .venv
PY := $(VENV)/bin/python
# python3.11 when the machine has it (the version the pins are tested with), else python3.
BOOTSTRAP_PYTHON ?= $(shell command -v python3.11 || command -v python3)
# Stamps inside the virtualenv: pip runs again only when a requirements file changes,
# and `make clean`-ing the virtualenv forgets them with it.
STAMP_RUNTIME := $(VENV)/.installed-requirements
STAMP_DEV := $(VENV)/.installed-requirements-dev

HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# compilemessages walks the whole tree looking for locale folders: not the virtualenv's.
COMPILEMESSAGES := manage.py compilemessages --ignore=$(VENV) --ignore=node_modules --verbosity=0

DEMO_PASSWORD := demo-cosviluppo

.PHONY: help run test lint bench clean distclean venv messages

help:
	@echo "make run     install, migrate, load the demo data and serve http://$(HOST):$(PORT)"
	@echo "make test    install the test dependencies and run the whole test suite"
	@echo "make lint    ruff check and format check, mypy, Django's system checks, missing migrations"
	@echo "make bench   build a large synthetic programme in PostgreSQL, time reports and pages (bench-results.json)"
	@echo "make clean   remove caches and generated files (keeps .venv and db.sqlite3)"
	@echo "make distclean   also remove .venv, db.sqlite3 and media/"

# --- Virtualenv and dependencies ----------------------------------------------------------------
$(PY):
	@if [ -z "$(BOOTSTRAP_PYTHON)" ]; then \
		echo "No python3.11 or python3 found: install Python 3.11 (Debian: apt-get install python3.11 python3.11-venv)." >&2; \
		exit 1; \
	fi
	@echo "Creating $(VENV) with $(BOOTSTRAP_PYTHON)"
	@$(BOOTSTRAP_PYTHON) -m venv $(VENV) || { \
		rm -rf $(VENV); \
		echo "Could not create the virtualenv: on Debian install python3-venv (or python3.11-venv)." >&2; \
		exit 1; }

$(STAMP_RUNTIME): requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

# requirements-dev.txt includes requirements.txt, so it satisfies the runtime stamp too.
$(STAMP_DEV): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(STAMP_RUNTIME)

venv: $(STAMP_DEV)

# --- Translations ------------------------------------------------------------------------------------
# The .mo files are built, not committed (.gitignore); msgfmt comes from GNU gettext.
messages:
	@command -v msgfmt >/dev/null || { \
		echo "msgfmt not found: the translations need GNU gettext. On Debian: sudo apt-get install gettext" >&2; \
		exit 1; }
	@mkdir -p locale
	$(PY) $(COMPILEMESSAGES)

# --- make run --------------------------------------------------------------------------------------------
# Development mode unless the environment says otherwise (DEBUG=false needs SECRET_KEY).
run: export DEBUG ?= true
run: $(STAMP_RUNTIME)
	$(PY) manage.py migrate --no-input
	@$(MAKE) --no-print-directory messages
	@# seed_demo is idempotent; asking first only saves its start-up when the demo is there.
	@if $(PY) manage.py shell --verbosity=0 -c "import sys; from cosviluppo.demo import demo_is_loaded; \
		sys.exit(0 if demo_is_loaded() else 1)" 2>/dev/null; then \
		echo "Demo data already loaded."; \
	else \
		$(PY) manage.py seed_demo || echo "The demo data was not loaded (see the reason above): serving the database as it is."; \
	fi
	@echo
	@echo "Cosviluppo on http://$(HOST):$(PORT)  (administration: http://$(HOST):$(PORT)/admin/)"
	@echo "Demo accounts, all with the password $(DEMO_PASSWORD):"
	@printf '  %-24s %s\n' \
		admin@demo.local "administrator (superuser)" \
		officer@demo.local "municipal officer" \
		evaluator1@demo.local "evaluator" \
		evaluator2@demo.local "evaluator" \
		applicant@demo.local "migrant association (lead applicant)" \
		ngo@demo.local "Lombard NGO (partner)" \
		funder@demo.local "funder (read-only)"
	@echo "Staff and evaluator accounts (admin, officer, evaluator1, evaluator2) use two-factor login:"
	@echo "add the TOTP secret 6PBHALAJKS5NEPNXIMZLCJTRM3AS4QR3 to an authenticator app (DEMO ONLY: never reuse it),"
	@echo "or print the current code with: $(PY) manage.py totp_code"
	@echo
	$(PY) manage.py runserver $(HOST):$(PORT)

# --- make test ---------------------------------------------------------------------------------------------
# Runs on SQLite by default; DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis) in the
# environment switch the suite to them and enable the PostgreSQL and worker tests.
test: export DJANGO_SETTINGS_MODULE = cosviluppo.settings.test
test: $(STAMP_DEV)
	@$(MAKE) --no-print-directory messages
	$(PY) -m pytest $(PYTEST_ARGS)

lint: export DEBUG ?= true
lint: $(STAMP_DEV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# mypy.ini names the checked modules and the settings (the test settings: no environment needed).
	$(VENV)/bin/mypy
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

# --- make bench ----------------------------------------------------------------------------------
# Drops and rebuilds BENCH_DATABASE_URL (default: cosviluppo_bench on the local PostgreSQL), then measures.
# BENCH_SCALE=0.01 for a quick try; BENCH_ARGS="--reuse" measures the existing database again.
BENCH_SCALE ?= 1
BENCH_ARGS ?=
# DEBUG only for compilemessages; the bench itself always runs with DEBUG=false (bench/environment.py).
bench: export DEBUG ?= true
bench: $(STAMP_RUNTIME)
	@$(MAKE) --no-print-directory messages
	BENCH_SCALE=$(BENCH_SCALE) $(PY) -m bench $(BENCH_ARGS)

clean:
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -path ./$(VENV) -prune -o -name '*.mo' -type f -exec rm -f {} +
	rm -rf .pytest_cache .ruff_cache .mypy_cache .hypothesis .test-media staticfiles test-results

distclean: clean
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* media
