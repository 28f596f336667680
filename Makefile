# Sokoni: `make run` serves a working site with demo data; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
HOST   ?= 127.0.0.1:8000
# The suite runs on every core (pytest-xdist); `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n auto

.PHONY: run serve worker test lint bench fuzz messages makemessages install install-dev chromium clean

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

messages: $(VENV)/.installed
	$(PY) manage.py compile_translations

makemessages: $(VENV)/.installed
	$(PY) manage.py makemessages --no-obsolete --no-location -l sw -l hi -l zh_Hans -l ko -l es -l fr --ignore '.venv/*' --ignore 'bench/*'

run: $(VENV)/.installed messages
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_demo --if-empty
	@echo "Sokoni is at http://$(HOST)/  (demo accounts: see README.md)"
	@echo "Background tasks: a worker (manage.py db_worker) runs beside the server and stops with it."
	$(PY) manage.py db_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	  $(PY) manage.py runserver --noreload $(HOST)

# The background worker alone (payment callbacks, reservation expiry, escrow auto-release,
# payouts), e.g. beside `make serve` or a production server.
worker: $(VENV)/.installed
	$(PY) manage.py db_worker --no-reload

serve: $(VENV)/.installed
	$(PY) manage.py runserver --noreload $(HOST)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: $(VENV)/.installed-dev messages chromium
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check sokoni bench tests
	$(BIN)/mypy sokoni
	$(BIN)/lint-imports

bench: $(VENV)/.installed-dev
	$(PY) bench/run.py $(BENCH_ARGS)

# schemathesis against a server started on a throwaway database (var/fuzz/), as the demo buyer
# and the demo seller; FUZZ_EXAMPLES cases per operation (docs/api.md, "Fuzzing").
FUZZ_EXAMPLES ?= 20
fuzz: $(VENV)/.installed-dev
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) bench/fuzz.py $(FUZZ_ARGS)

clean:
	rm -rf $(VENV) var
