# Two commands matter: `make run` (the app with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := judging
# `make run PORT=8080 HOST=0.0.0.0` to serve elsewhere than http://127.0.0.1:5000.
HOST ?= 127.0.0.1
PORT ?= 5000
# Links in mails and QR codes name this host (0.0.0.0 listens everywhere but is no address to open).
LINK_HOST := $(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST))

.PHONY: run test test-postgres system-deps bench load load-cluster install lock clean-instance translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Dependencies come from the lock files (requirements/*.txt, pinned from the ranges in pyproject.toml by `make lock`):
# `make run` installs the runtime ones only, `make test` (and `make install`, which CI uses) adds the test tools.
# Each step reruns only when its lock file or the packaging changes.
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
$(RUN_STAMP): requirements/run.txt pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/run.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(RUN_STAMP)

$(TEST_STAMP): requirements/test.txt $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet -r requirements/test.txt
	touch $(TEST_STAMP)

# The French catalogue is compiled by the package build (setup.py), including the editable install above; this
# recompiles it in the source tree after the .po changes.
MO := judging/translations/fr/LC_MESSAGES/messages.mo
$(MO): judging/translations/fr/LC_MESSAGES/messages.po $(RUN_STAMP)
	$(BIN)/python -c "from judging.translations.compile import compile_catalogues; compile_catalogues()"

install: $(TEST_STAMP) $(MO)

# After changing a range in pyproject.toml: pin the versions again (uv resolves; pip installs what it wrote).
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --quiet -o requirements/run.txt
	$(BIN)/uv pip compile pyproject.toml --extra test -c requirements/run.txt --python-version 3.11 --quiet \
		-o requirements/test.txt

# After changing user-facing strings: refresh the catalogue, then translate the new French entries.
translations: $(RUN_STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location -o judging/translations/messages.pot .
	$(BIN)/pybabel update -i judging/translations/messages.pot -d judging/translations -l fr --no-fuzzy-matching

run: $(RUN_STAMP) $(MO)
	$(BIN)/flask init-db
	@if [ ! -f instance/.demo-loaded ]; then $(BIN)/flask demo && touch instance/.demo-loaded; \
	else echo "Demo logins (password demo-awards-2027): organiser@demo.milipol.example, juror01@demo.milipol.example, contact@aegis-systems.demo.example"; fi
	@# The task worker (mail, long jobs) runs beside the web server and stops with it.
	export PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://$(LINK_HOST):$(PORT)}; \
	$(BIN)/flask worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The same suite on PostgreSQL (127.0.0.1:5432, database test, user root, trust auth).
# Chromium, LibreOffice Calc, poppler, Redis and nginx from Debian, PostgreSQL and Redis started: what the tests
# that `make test` skips on a bare machine need (it names them at the end of its run).
system-deps:
	bash scripts/system-deps.sh

test-postgres: install
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://root@127.0.0.1:5432/test} REQUIRE_POSTGRES=1 \
		$(BIN)/python -m pytest $(PYTEST_ARGS)

# Every bench/bench_*.py, one JSON line per figure with its floor from the same run; bench_tablet drives Debian's
# chromium (apt-get install chromium) against a live server: tap-to-"saved" median and p95 over 40 taps, floor a
# bare fetch of /healthz from the same page. `$(BIN)/python -m bench bench_tablet` runs that one alone.
bench: install
	$(BIN)/python -m bench

# Not part of `make test`: gunicorn under 100 jurors, 10 organisers, 200 exhibitors, with a worker and then
# the whole server killed mid-run. PostgreSQL run uses (and resets) the `test` database.
load: install
	$(BIN)/python -m bench.load --database postgresql
	$(BIN)/python -m bench.load --database sqlite

# Two app machines (gunicorn on their own ports and instance folders) behind Debian's nginx, on PostgreSQL (database
# awards_load_cluster), Redis for the shared limiter, one shared file storage; one machine killed mid-run.
load-cluster: install
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light)
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || \
		(command -v redis-server >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq redis-server)) && (redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || redis-server --daemonize yes)
	$(BIN)/python -m bench.cluster

clean-instance:
	rm -rf instance
