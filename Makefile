# dluan: `make run` serves the demo on SQLite; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on two pytest-xdist workers; PYTEST_WORKERS=0 runs it in one process.
# Groups go out in collection order (tests/support/order.py: the longest modules
# first), not xdist's default of the groups with most tests first, which left the
# one-test bench smoke run (100 s) alone on a worker at the end.
PYTEST_WORKERS ?= 2

.PHONY: run test install system-deps lint format messages bench bench-sqlite clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# A development .env: DEBUG on, SQLite, Celery tasks inline (no broker configured).
.env:
	printf 'DEBUG=1\n' > .env

run: install .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	@echo ""
	@echo "  dluan is at http://$(HOST):$(PORT)/"
	@echo "  Demo logins, password dluan-demo-2026:"
	@echo "    admin    (administrator)"
	@echo "    canbo    (board staff of Thị xã Hương Trà)"
	@echo "    lanhdao  (leader of Thị xã Hương Trà)"
	@echo "    ctv01 … ctv20 (collaborators in the wards, communes and agencies)"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

system-deps:
	@bash scripts/system-deps.sh

test: install system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=dluan.settings_test
	@bash scripts/vnu.sh --version >/dev/null  # the Nu HTML checker, installed once
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup --no-loadscope-reorder $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the catalogue after changing strings; the .mo is committed.
messages: install
	$(BIN)/python manage.py makemessages -l vi --no-obsolete --ignore=.venv --ignore=bench
	$(BIN)/python manage.py compilemessages -l vi --ignore=.venv

# The benchmark against PostgreSQL on 127.0.0.1; e.g. BENCH_ARGS="--skip-load --requests 10".
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# 20 people filing and reviewing at once for a minute against `make run`'s SQLite.
bench-sqlite: install
	$(BIN)/python bench/sqlite_load.py --duration 60

clean:
	rm -rf $(VENV) .cache staticfiles test-artifacts .pytest_cache .ruff_cache
