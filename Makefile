# aftersales — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint format demo clean

# (Re)install only when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	PYTHONWARNINGS=ignore $(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_demo --if-empty
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

# Two workers (pytest-xdist): the suite takes half the time on a two-core machine. Each
# worker has its own test database; PYTEST_ARGS="-n 0" runs it in one process.
PYTEST_ARGS ?= -n 2

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles .pytest_cache

# --- Background work with a broker (README, "Background work") ---------------------------
# Without CELERY_BROKER_URL, `make run` does the background work and the periodic jobs
# in the web process; with one, run workers (as many as needed) and exactly one beat:
#   CELERY_BROKER_URL=redis://127.0.0.1:6379/0 make worker
#   CELERY_BROKER_URL=redis://127.0.0.1:6379/0 make beat
WORKER_CONCURRENCY ?= 2
BEAT_SCHEDULE ?= $(VENV)/celerybeat-schedule
NEEDS_BROKER = @test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0 or amqp://guest:guest@127.0.0.1:5672//). Without a broker, make run does the background work itself." >&2; exit 2; }

.PHONY: worker beat mail

worker: $(STAMP)
	$(NEEDS_BROKER)
	$(VENV)/bin/celery -A aftersales worker --pool=prefork --concurrency=$(WORKER_CONCURRENCY) --loglevel=$${LOG_LEVEL:-INFO}

beat: $(STAMP)
	$(NEEDS_BROKER)
	$(VENV)/bin/celery -A aftersales beat --schedule=$(BEAT_SCHEDULE) --loglevel=$${LOG_LEVEL:-INFO}

# --- Receiving mail (README, "Email channel") ------------------------------------------------
# The SMTP receiver for the mailboxes set up at /inbox/ (IMAP mailboxes are polled by the
# background work instead). Point the MX or a forwarding rule at it:
#   MAIL_HOST=0.0.0.0 MAIL_PORT=2525 make mail
MAIL_HOST ?= 127.0.0.1
MAIL_PORT ?= 2525

mail: $(STAMP)
	$(PY) manage.py receive_mail --host $(MAIL_HOST) --port $(MAIL_PORT)
