# One command to try the portal, one to test it. Needs only Python 3.11+ (see README for optional system libraries).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1:8000
# QR codes and e-mails print SITE_URL: follow HOST unless it is given (`make demo HOST=192.168.1.5:8000`).
SITE_URL ?= http://$(HOST)

.PHONY: demo test venv deps dev-deps migrate seed serve lint format worker beat bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.deps: requirements.txt $(BIN)/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt $(BIN)/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.deps

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

migrate: deps
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# The embedded demo: SQLite, local cache, eager Celery tasks; emails are printed on the console; fees are paid
# through the local fake gateway (payments/fakegateway.py) on 127.0.0.1:8765. Staff sign in with the password alone
# here (STAFF_MFA_REQUIRED=0); anywhere else they need a second factor.
demo: seed
	$(PY) manage.py fake_gateway & GATEWAY=$$!; trap 'kill $$GATEWAY' EXIT INT TERM; \
	SITE_URL=$(SITE_URL) ALLOWED_HOSTS=$${ALLOWED_HOSTS:-localhost,127.0.0.1,$(firstword $(subst :, ,$(HOST)))} \
		STAFF_MFA_REQUIRED=0 $(PY) manage.py runserver $(HOST)

lint: dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: dev-deps
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The one test command: lint, import contracts (pyproject.toml), migrations in sync, the whole pytest suite
# (PostgreSQL/Redis when their URLs are set).
test: dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

worker: deps
	$(BIN)/celery -A portal worker -Q default,notifications,slow --loglevel=info --concurrency=2

beat: deps
	$(BIN)/celery -A portal beat --loglevel=info

clean:
	rm -rf $(VENV) db.sqlite3 private_media staticfiles .pytest_cache

# Benchmarks print their figures; they need PostgreSQL (see bench/README.md).
bench: dev-deps
	$(PY) bench/dashboard_bench.py
