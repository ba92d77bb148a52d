# Two commands matter: `make run` (the app with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := judging
# `make run PORT=8080 HOST=0.0.0.0` to serve elsewhere than http://127.0.0.1:5000.
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-postgres bench load install clean-instance translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the project's dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The French catalogue is compiled at install time (the .mo files are not committed).
MO := judging/translations/fr/LC_MESSAGES/messages.mo
$(MO): judging/translations/fr/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile -f -d judging/translations

install: $(STAMP) $(MO)

# After changing user-facing strings: refresh the catalogue, then translate the new French entries.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location -o judging/translations/messages.pot .
	$(BIN)/pybabel update -i judging/translations/messages.pot -d judging/translations -l fr --no-fuzzy-matching

run: install
	$(BIN)/flask init-db
	@if [ ! -f instance/.demo-loaded ]; then $(BIN)/flask demo && touch instance/.demo-loaded; \
	else echo "Demo logins (password demo-awards-2027): organiser@demo.milipol.example, juror01@demo.milipol.example, contact@aegis-systems.demo.example"; fi
	PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)} $(BIN)/flask run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The same suite on PostgreSQL (127.0.0.1:5432, database test, user root, trust auth).
test-postgres: install
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://root@127.0.0.1:5432/test} REQUIRE_POSTGRES=1 \
		$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench

# Not part of `make test`: gunicorn under 100 jurors, 10 organisers, 200 exhibitors, with a worker and then
# the whole server killed mid-run. PostgreSQL run uses (and resets) the `test` database.
load: install
	$(BIN)/python -m bench.load --database postgresql
	$(BIN)/python -m bench.load --database sqlite

clean-instance:
	rm -rf instance
