# The few commands people type. Each creates .venv from uv.lock (exact versions) when it is missing.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export DVC_NO_ANALYTICS := 1

.PHONY: install lock repro test test-all lint metrics report readme

$(UV):
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --target .tools uv==$(UV_VERSION)

# --locked: stop when uv.lock no longer matches pyproject.toml (run `make lock`) instead of re-resolving.
# --compile-bytecode, and compileall for homl itself: every stage, test and command then reads compiled
# modules instead of compiling scikit-learn, pandas and the rest at each start (where PYTHONDONTWRITEBYTECODE
# is set, Python never caches them itself).
$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --extra dev --python $(PYTHON) --quiet --compile-bytecode
	$(VENV)/bin/python -m compileall -q homl
	touch $@

install: $(STAMP)

# Re-resolve every pinned version to the newest that pyproject.toml's ranges allow.
lock: $(UV)
	$(UV) lock --upgrade

# dvc repro with independent stages side by side, one per core (homl/core/parallel_repro.py); the same
# outputs and dvc.lock. make repro REPRO_FLAGS=--force re-runs every stage, as CI does.
repro: $(STAMP)
	python -m homl.core.parallel_repro $(REPRO_FLAGS)

# The fast tier (minutes); test-all adds the slow one: DVC end to end, clusters, full-size fuzzing, stage
# scripts in their own processes. Both spread the tests over a worker process per core (pytest-xdist).
# One exercise's tests, in one process: pytest tests/titanic, for example.
TEST_WORKERS ?= auto
test: $(STAMP) report/node_modules
	pytest -n $(TEST_WORKERS)

test-all: $(STAMP) report/node_modules
	pytest --all -n $(TEST_WORKERS)

# Vega, Vega-Lite and Vega-Embed, inlined into the report page so that it renders offline.
report/node_modules: report/package.json report/package-lock.json
	cd report && npm ci --no-audit --no-fund --silent
	touch $@

report: $(STAMP) report/node_modules
	python -m homl.report page dvc_plots

readme: $(STAMP)
	python -m homl.report readme .

lint: $(STAMP)
	ruff check . && ruff format --check .

metrics: $(STAMP)
	dvc metrics show
