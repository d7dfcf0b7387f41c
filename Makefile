# Osallistu: `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py
SQLITE_URL := sqlite:///$(CURDIR)/instance/osallistu.sqlite3
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: audit-deps run test test-only test-pg lint fmt e2e bench bench-faults load-check db-upgrade db-migrate i18n-extract i18n-update i18n-compile i18n-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install only when the pins change.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

$(VENV)/.installed-e2e: $(VENV)/.installed requirements-e2e.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-e2e.txt
	touch $@

run: install i18n-compile
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	@echo "Osallistu runs at http://127.0.0.1:5000/ (Ctrl+C stops it)"
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: install i18n-compile
	$(BIN)/pytest $(PYTEST_ARGS)

test-pg: install i18n-compile
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest $(PYTEST_ARGS)

# Browser checks: needs Debian's Chromium (apt-get install -y chromium) and Java for the HTML checker.
e2e: $(VENV)/.installed-e2e i18n-compile
	$(BIN)/pytest -p no:cacheprovider e2e $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

db-upgrade: install
	$(BIN)/flask db upgrade

db-migrate: install
	$(BIN)/flask db migrate -m "$(m)"

i18n-extract: install
	$(BIN)/pybabel -q extract --no-location --sort-by-file -F babel.cfg -k _l -k lazy_gettext \
		--project Osallistu --copyright-holder "Osallistu" --msgid-bugs-address "" \
		-o translations/messages.pot .

i18n-update: i18n-extract
	$(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete -i translations/messages.pot -d translations

i18n-compile: install
	$(BIN)/pybabel -q compile -d translations

# Catalogs up to date with the code, no empty or fuzzy entries, the same placeholders as the msgid.
i18n-check: install
	$(BIN)/pytest -q -p no:cacheprovider tests/test_i18n.py -k catalog

bench: install i18n-compile
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/resident_flow.py

# Load and fault drills (bench/load_faults.py): 200 residents on PostgreSQL and 50 on SQLite for
# 60 s, a killed worker, Redis down, and a PostgreSQL restart: it restarts the whole local cluster.
bench-faults: install i18n-compile
	$(BIN)/python bench/load_faults.py

# The short version of bench-faults that CI runs (a few minutes; also restarts PostgreSQL).
load-check: install i18n-compile
	$(BIN)/python bench/load_faults.py --short

# Known vulnerabilities in the pinned dependencies (pip-audit, in its own venv so its own
# dependencies stay out of the app's). Fails on any known vulnerability; lists what the
# vulnerability service could not look up.
AUDIT_VENV := .venv-audit
$(AUDIT_VENV)/bin/pip-audit:
	$(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/pip install --quiet --disable-pip-version-check pip-audit==2.10.1

audit-deps: $(AUDIT_VENV)/bin/pip-audit
	$(AUDIT_VENV)/bin/pip-audit --progress-spinner off --disable-pip --no-deps \
		-r requirements.txt -r requirements-dev.txt -r requirements-e2e.txt

clean:
	rm -rf $(VENV) $(AUDIT_VENV) instance/*.sqlite3* instance/outbox
