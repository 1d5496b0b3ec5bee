# The few commands people type. Each creates .venv (and installs everything) when it is missing.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export DVC_NO_ANALYTICS := 1

.PHONY: install repro test lint metrics

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP)

repro: $(STAMP)
	dvc repro

test: $(STAMP)
	pytest

lint: $(STAMP)
	ruff check . && ruff format --check .

metrics: $(STAMP)
	dvc metrics show
