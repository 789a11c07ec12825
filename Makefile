# The README's two commands are `make run` and `make test`; everything else here serves them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Local commands run with DEBUG on; production settings need SECRET_KEY and ALLOWED_HOSTS.
export DEBUG ?= 1
# Where `make run` serves the site.
PORT ?= 8000
# Every command below runs through jobboard.localdb: an embedded PostgreSQL and Redis start
# unless DATABASE_URL and REDIS_URL point to servers.

.DEFAULT_GOAL := help

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev,test]"
	touch $@

install: $(VENV)/.installed ## Create the virtual environment and install the dependencies

run: install ## Serve the site on http://127.0.0.1:$PORT (8000) with a Celery worker and beat
	mkdir -p .redisdata
	$(PY) -m jobboard.localdb sh -c '$(PY) manage.py migrate --no-input && \
		$(PY) manage.py seed_demo && \
		{ $(PY) -m celery --app jobboard worker --beat --schedule .redisdata/beat-schedule \
			--loglevel INFO & worker=$$!; \
		  trap "kill $$worker; wait $$worker" EXIT; trap "exit 143" INT TERM HUP; } && \
		$(PY) manage.py runserver 127.0.0.1:$(PORT)'

test: install ## Run the test suite
	$(PY) -m jobboard.localdb $(PY) -m pytest $(PYTEST_ARGS)

test-fast: install ## Run the tests that start no server, worker process or browser (CI runs all)
	$(PY) -m jobboard.localdb $(PY) -m pytest -m "not processes and not browser" $(PYTEST_ARGS)

bench: install ## Benchmark search and lists on BENCH_COUNT postings (default 1,000,000)
	BENCH_COUNT=$(or $(BENCH_COUNT),1000000) BENCH_RUNS=$(or $(BENCH_RUNS),200) \
		$(PY) -m jobboard.localdb $(PY) bench/run.py

bench-panel: install ## Benchmark the panel's pages and actions on the `make bench` database (PANEL_RUNS, 40)
	BENCH_COUNT=$(or $(BENCH_COUNT),1000000) PANEL_RUNS=$(or $(PANEL_RUNS),40) \
		$(PY) -m jobboard.localdb $(PY) bench/panel.py

bench-throughput: install ## Pages/s at 8 connections on gunicorn, from the page cache and past it, against /healthz
	BENCH_COUNT=$(or $(BENCH_COUNT),1000000) \
		$(PY) -m jobboard.localdb $(PY) bench/throughput.py

bench-alerts: install ## Benchmark alert matching and sending (BENCH_ALERTS subscriptions, default 100,000)
	BENCH_ALERTS=$(or $(BENCH_ALERTS),100000) BENCH_ALERT_POSTINGS=$(or $(BENCH_ALERT_POSTINGS),5000) \
		$(PY) -m jobboard.localdb $(PY) bench/alerts.py

bench-imports: install ## Benchmark feed imports: rows/s and peak memory, IMPORT_BENCH_ROWS rows (default 100,000)
	IMPORT_BENCH_ROWS=$(or $(IMPORT_BENCH_ROWS),100000) \
		$(PY) -m jobboard.localdb $(PY) bench/imports.py

bench-cache: install ## Page-cache hit ratio per language while CACHE_BENCH_ROWS (10,000) German postings are imported
	CACHE_BENCH_COUNT=$(or $(CACHE_BENCH_COUNT),20000) CACHE_BENCH_ROWS=$(or $(CACHE_BENCH_ROWS),10000) \
		$(PY) -m jobboard.localdb $(PY) bench/cache.py

bench-load: install ## Load: LOAD_USERS (50) job seekers browsing for LOAD_SECONDS (60) on LOAD_COUNT postings
	LOAD_USERS=$(or $(LOAD_USERS),50) LOAD_SECONDS=$(or $(LOAD_SECONDS),60) \
		LOAD_COUNT=$(or $(LOAD_COUNT),100000) $(PY) -m jobboard.localdb $(PY) bench/load.py

bench-relevance: install ## Judged search relevance: precision at 5 of 40 queries in de, fr, pl, nl, es
	$(PY) -m jobboard.localdb $(PY) bench/relevance.py

lint: install typecheck ## Check style, formatting, types and pending migrations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m jobboard.localdb $(PY) manage.py makemigrations --check --dry-run

# mypy's Django plugin imports the settings, which want a database URL; it never connects.
typecheck: install ## Check the types (mypy with django-stubs, configured in pyproject.toml)
	DATABASE_URL=$${DATABASE_URL:-postgres:///typecheck} $(VENV)/bin/mypy .

messages: install ## Extract UI strings into the catalogs and compile them
	$(PY) -m jobboard.localdb sh -c "$(PY) manage.py makemessages --all --no-obsolete \
		--ignore '.venv/*' --ignore 'staticfiles/*' && \
		$(PY) manage.py compilemessages --ignore '.venv/*'"

clean: ## Remove the virtual environment and the embedded databases
	rm -rf $(VENV) .pgdata .redisdata

.PHONY: help install run test test-fast bench bench-panel bench-alerts bench-cache bench-imports bench-load \
	bench-throughput \
	bench-relevance lint typecheck messages clean
