# The few commands people type. Each creates .venv (and installs everything) when it is missing.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export DVC_NO_ANALYTICS := 1

.PHONY: install repro test lint metrics report readme

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP)

repro: $(STAMP)
	dvc repro

test: $(STAMP) report/node_modules
	pytest

# Vega, Vega-Lite and Vega-Embed, inlined into the report page so that it renders offline.
report/node_modules: report/package.json report/package-lock.json
	cd report && npm ci --no-audit --no-fund --silent
	touch $@

report: $(STAMP) report/node_modules
	python -m homl.report page dvc_plots

readme: $(STAMP)
	python -m homl.report readme README.md

lint: $(STAMP)
	ruff check . && ruff format --check .

metrics: $(STAMP)
	dvc metrics show
