# Thin wrapper: every target installs what it needs first.
#   make serve   install everything, build and serve the site on http://127.0.0.1:8000
#   make test    install everything (browser included) and run ruff + the whole pytest suite

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN  := $(VENV)/bin
# Python 3.12 (see .python-version), resolved to the real interpreter: python3.12 on PATH (the pyenv
# shim honours .python-version), else pyenv's 3.12 whatever version is selected, else pyenv's folder
# even when pyenv is not on PATH. Never the host's default python3 (3.11).
PYTHON ?= $(firstword \
    $(shell python3.12 -c 'import sys; print(sys.executable)' 2>/dev/null \
            || PYENV_VERSION=3.12 pyenv which python3.12 2>/dev/null) \
    $(lastword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12)))

CHROMIUM := /usr/bin/chromium

export NO_MKDOCS_2_WARNING := 1

.PHONY: help install node_modules chromium check site serve test lint bench clean

help:
	@echo "make serve   install everything, build the site and serve it on http://127.0.0.1:8000"
	@echo "make test    install everything (Chromium too) and run ruff and the whole pytest suite"
	@echo "make check   validate rules/membership.yaml (file, line and field for every mistake)"
	@echo "make site    build the site into site/ (mkdocs build --strict)"
	@echo "make lint    ruff check"
	@echo "make bench   run the benchmarks (bench/run.py)"
	@echo "make clean   remove .venv, node_modules, site and caches (the engine snapshot's too)"

# --- installs (each re-runs only when its input changes) ---------------------------------------

install: $(VENV)/.install.stamp

$(VENV)/.install.stamp: pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: python3.12 not found (pyenv has it: see .python-version)" >&2; exit 1; }
	$(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null \
		|| { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules: node_modules/.ci.stamp

node_modules/.ci.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	fi

# --- everyday targets --------------------------------------------------------------------------

check: install
	$(BIN)/python -m quiz check

site: install node_modules
	$(BIN)/mkdocs build --strict

serve: install node_modules
	$(BIN)/mkdocs serve -a 127.0.0.1:8000

test: install node_modules chromium
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .

bench: install node_modules chromium
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules site build dist .cache .pytest_cache .ruff_cache .hypothesis *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
