# The two commands: `make run` (install if needed, start the product) and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOME_DIR := $(CURDIR)/dagster_home

export DAGSTER_HOME ?= $(HOME_DIR)
export CANVAS_HOME ?= $(HOME_DIR)
export CANVAS_DATA_ROOTS ?= $(CURDIR)/data

.PHONY: install run test test-fast suite lint typecheck bench clean frontend frontend-test \
	chromium

# The browser canvas (canvas_frontend/): npm ci only when package-lock.json changed, a build only
# when a source changed. node_modules and dist are never committed.
FRONTEND := canvas_frontend
FRONTEND_STAMP := $(FRONTEND)/node_modules/.installed-stamp
FRONTEND_SRC := $(shell find $(FRONTEND)/src -type f 2>/dev/null) \
	$(wildcard $(FRONTEND)/index.html $(FRONTEND)/vite.config.ts $(FRONTEND)/tsconfig*.json)

# uv installs the same resolution as pip (same pins, same wheels) in a fraction of the time: it
# downloads and unpacks in parallel. It reads no PIP_* settings, so a machine's local wheel folder
# (PIP_FIND_LINKS) is handed on to it.
UV_FIND_LINKS ?= $(PIP_FIND_LINKS)
export UV_FIND_LINKS

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet 'uv>=0.13,<0.14'
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev,deep]'
	@$(BIN)/python -c "import importlib.metadata as m; \
	  bad=[(d, m.version(d)) for d in ('dagster-postgres','dagster-aws','dagster-celery') if not m.version(d).startswith('0.29.')]; \
	  assert not bad, f'dagster libraries must be 0.29.x to match dagster 1.13.x: {bad}'"
	@touch $(STAMP)

install: $(STAMP)

$(FRONTEND_STAMP): $(FRONTEND)/package-lock.json $(FRONTEND)/package.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund
	@touch $(FRONTEND_STAMP)

$(FRONTEND)/dist/index.html: $(FRONTEND_STAMP) $(FRONTEND_SRC)
	cd $(FRONTEND) && npm run build

frontend: $(FRONTEND)/dist/index.html

frontend-test: $(FRONTEND_STAMP)
	cd $(FRONTEND) && npm run lint
	cd $(FRONTEND) && npm run typecheck
	cd $(FRONTEND) && npm test

# the embedded default's store is migrated here (an empty one is created by `up` itself); `up`
# alone refuses a store behind this release and names `mlcanvas db upgrade`
run: install frontend
	$(BIN)/mlcanvas db upgrade
	$(BIN)/mlcanvas up

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy node_library canvas_assets graphql_api

# The checks and the suite run side by side: pytest starts as soon as the Python install and the
# canvas's build are done (the browser tests serve the build), while ruff, mypy and the canvas's
# lint, typecheck and unit tests go on. The suite runs in PYTEST_WORKERS processes (more than the
# cores: many tests wait on servers and subprocesses); a module's tests stay in one process, so
# module fixtures are built once. Each target's output is printed whole when it ends. The installs
# run side by side too: lint, typecheck and the suite wait for pip, the canvas's targets for npm ci.
PYTEST_WORKERS ?= 4
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadfile
# one compute thread per process: four workers on two cores with a thread per core each made
# the OpenMP runtimes spin-wait for cores (tests/conftest.py says more)
SUITE_ENV := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

# the browser tests (tests/e2e) drive Debian's Chromium at this path, never a browser that
# playwright downloads: as root with apt-get it is installed the way .ci/run does, otherwise make
# stops at once with the command to run. `test` checks it before the side-by-side run, so a
# missing browser stops everything before the checks start
CHROMIUM := /usr/bin/chromium
APT_GET := $(shell command -v apt-get)

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && [ -n "$(APT_GET)" ]; then \
	    echo "installing Debian's chromium for the browser tests (apt-get)"; \
	    $(APT_GET) update -qq && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq \
	      --no-install-recommends chromium >/dev/null; \
	  fi; \
	  if [ ! -x $(CHROMIUM) ]; then \
	    echo "error: the browser tests need Debian's Chromium at $(CHROMIUM); install it with:" >&2; \
	    echo "  sudo apt-get install -y --no-install-recommends chromium" >&2; \
	    exit 1; \
	  fi; \
	fi

test: chromium
	$(MAKE) --no-print-directory -j 4 --output-sync=target lint typecheck frontend-test suite

suite: install frontend chromium
	$(SUITE_ENV) $(BIN)/pytest -q $(PYTEST_PARALLEL)

# the inner loop: no browser, no product processes, no lint (`make test` before pushing)
test-fast: install
	$(SUITE_ENV) $(BIN)/pytest -q $(PYTEST_PARALLEL) -m "not e2e and not integration"

bench: install $(FRONTEND_STAMP)
	$(BIN)/python bench/bench_validation.py
	$(BIN)/python bench/bench_graph_ops.py
	$(BIN)/python bench/bench_pipeline.py
	$(BIN)/python bench/bench_engine.py
	$(BIN)/python bench/bench_api.py --seconds 30
	$(BIN)/python bench/bench_canvas.py
	$(BIN)/python bench/bench_ml.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache $(FRONTEND)/node_modules $(FRONTEND)/dist
