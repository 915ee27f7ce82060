# tsunagu — the two commands a newcomer needs: `make demo` and `make test`.
# Development, tests and the demo install requirements-dev.lock (runtime + test, bench and
# browser tools); a production server installs only requirements.lock (docs/operations.md).
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PROFILE ?= kobayashi
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1
# The settings default to production; everything the Makefile runs (demo, tests, benchmarks)
# is development unless the caller says otherwise (docs/decisions/0013).
export TSUNAGU_ENV ?= development

.PHONY: install lock demo serve test test-pg test-e2e lint fmt bench bench-namematch bench-reports bench-resources bench-participation clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip uv

$(VENV)/.installed: requirements-dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements-dev.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $@

install: $(VENV)/.installed

# Re-resolve both locks from pyproject.toml; the runtime lock takes the dev lock's versions.
lock: | $(BIN)/python
	$(BIN)/uv pip compile -q pyproject.toml --extra dev -o requirements-dev.lock --python-version 3.11
	$(BIN)/uv pip compile -q pyproject.toml -c requirements-dev.lock -o requirements.lock --python-version 3.11

# `make demo PORT=8080` serves on another port; a taken port is reported before seeding.
demo: install
	TSUNAGU_PROFILE=$(PROFILE) $(BIN)/python manage.py demo --profile $(PROFILE) --port $(PORT)

test: install
	$(BIN)/pytest -q -n 2 -m "not e2e"

test-pg: install
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(BIN)/pytest -q -n 2 -m "not e2e"

test-e2e: install
	$(BIN)/pytest -q -p no:xdist -m e2e tests/e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run >/dev/null || (echo "モデルの変更に対応するマイグレーションがありません (makemigrations)"; exit 1)
	$(BIN)/mypy tsunagu

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var/*.sqlite3*

# Benchmarks run against PostgreSQL (BENCH_PG, default the local server); see BENCHMARKS.md.
bench: install
	$(BIN)/python -m bench.pages.harness --scale small --scale large

BENCH_PG ?= postgres://postgres@127.0.0.1:5432
bench-namematch: install
	psql "$(BENCH_PG)/postgres" -tAc "select 1 from pg_database where datname = 'tsunagu_bench'" | grep -q 1 \
		|| psql "$(BENCH_PG)/postgres" -c "create database tsunagu_bench"
	DATABASE_URL=$(BENCH_PG)/tsunagu_bench $(BIN)/python bench/namematch/run.py $(BENCH_ARGS)

# 年度実績 over the seeded bench database (make bench prepares it): BENCH_SCALE=large by default.
BENCH_SCALE ?= large
bench-reports: install
	DATABASE_URL=$(BENCH_PG)/tsunagu_bench_$(BENCH_SCALE) TSUNAGU_PROFILE=koshigaya $(BIN)/python bench/reports/run.py $(BENCH_ARGS)

# 社会資源台帳: search p95 over 20,000 resources and the HSDS export (BENCHMARKS.md).
bench-resources: install
	psql "$(BENCH_PG)/postgres" -tAc "select 1 from pg_database where datname = 'tsunagu_bench_resources'" | grep -q 1 \
		|| psql "$(BENCH_PG)/postgres" -c "create database tsunagu_bench_resources"
	DATABASE_URL=$(BENCH_PG)/tsunagu_bench_resources $(BIN)/python -m bench.resources.run

# 参加支援: matching over 5,000 offers and the offers directory (BENCHMARKS.md, 参加支援).
bench-participation: install
	$(BIN)/python -m bench.participation.run
