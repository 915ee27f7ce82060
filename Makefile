# tsunagu — the two commands a newcomer needs: `make demo` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PROFILE ?= kobayashi
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install demo serve test test-pg test-e2e lint fmt bench bench-namematch bench-reports bench-resources clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip uv

$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_profile $(PROFILE)
	$(BIN)/python manage.py seed_demo --profile $(PROFILE) --scale small
	@echo ""
	@echo "  tsunagu: http://127.0.0.1:8000/  (パスワードはすべて tsunagu-demo)"
	@echo ""
	TSUNAGU_PROFILE=$(PROFILE) $(BIN)/python manage.py runserver 127.0.0.1:8000

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
