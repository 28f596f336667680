# Sokoni: `make run` serves a working site with demo data; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
HOST   ?= 127.0.0.1:8000
# The suite runs on every core (pytest-xdist); `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n auto

.PHONY: run serve serve-prod worker test lint bench backup restore fuzz messages makemessages install install-dev install-prod chromium clean

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

$(VENV)/.installed-prod: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[prod]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
install-prod: $(VENV)/.installed-prod

messages: $(VENV)/.installed
	$(PY) manage.py compile_translations

makemessages: $(VENV)/.installed
	$(PY) manage.py makemessages --no-obsolete --no-location -l sw -l hi -l zh_Hans -l ko -l es -l fr --ignore '.venv/*' --ignore 'bench/*' --ignore 'var/*'

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

# Backups (docs/backups.md): the database and the local media in one archive under var/backups/
# (BACKUP_DIR); restore one into an empty database: make restore BACKUP=var/backups/<file>.tar
backup: $(VENV)/.installed
	$(PY) manage.py backup

restore: $(VENV)/.installed
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/sokoni-backup-<time>.tar [RESTORE_ARGS=--force]"; exit 2; }
	$(PY) manage.py restore "$(BACKUP)" $(RESTORE_ARGS)

serve: $(VENV)/.installed
	$(PY) manage.py runserver --noreload $(HOST)

# Production on one machine (docs/operations.md): gunicorn (sync workers, count from the CPU),
# the task worker and the sweeps, on PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), DEBUG off,
# JSON logs. SECRET_KEY and ALLOWED_HOSTS come from the environment; HTTPS=1 behind TLS.
serve-prod: $(VENV)/.installed-prod messages
	@test -n "$$DATABASE_URL" || { echo "serve-prod needs DATABASE_URL=postgres://... (PostgreSQL)"; exit 2; }
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "serve-prod runs on PostgreSQL: DATABASE_URL=postgres://..."; exit 2;; esac
	@test -n "$$SECRET_KEY" || { echo "serve-prod needs SECRET_KEY (e.g. export SECRET_KEY=\$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))'))"; exit 2; }
	DEBUG=0 LOG_FORMAT=$${LOG_FORMAT:-json} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} PGOPTIONS="-c lock_timeout=5s" \
	  $(PY) manage.py migrate --noinput
	DEBUG=0 $(PY) manage.py collectstatic --noinput -v0
	DEBUG=0 LOG_FORMAT=$${LOG_FORMAT:-json} LOG_REQUESTS=$${LOG_REQUESTS:-1} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	  $(BIN)/honcho -f deploy/Procfile -d . start

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
