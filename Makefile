# tspolicy — self-documenting Makefile: `make help` lists every target with a `## ` comment.
# Every target that needs Python creates the virtual environment (.venv) from the lock first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv reports test test-fast lint format validate gallery context lock clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

venv: $(STAMP) ## Create .venv and install the locked dependencies (make does this by itself when needed)

reports: $(STAMP) ## Build every report: reports/<lang>/*.html, reports/index.html, figures/
	$(BIN)/tspolicy build

test: $(STAMP) ## Run every test (pytest; the 25 slowest are listed at the end)
	$(BIN)/python -m pytest --durations=25 $(PYTEST_ARGS)

test-fast: $(STAMP) ## Run the fast tests only, for the edit loop (no site build, browser or kernel)
	$(BIN)/python -m pytest -m "not slow" -q $(PYTEST_ARGS)

lint: $(STAMP) ## Check style with ruff (lint and format)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: $(STAMP) ## Reformat the code with ruff
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

validate: $(STAMP) ## Validate data/ (schema and curation rules)
	$(BIN)/tspolicy validate

gallery: $(STAMP) ## Draw every chart kind in en/fr/ar into reports/gallery (look at them)
	$(BIN)/tspolicy gallery

context: $(STAMP) ## Rewrite data/context/ from ../shared/external (then review git diff)
	$(BIN)/tspolicy import-context

lock: ## Re-resolve requirements.lock from pyproject.toml (pip-tools, with hashes)
	@test -x $(BIN)/pip-compile || { test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); $(BIN)/python -m pip install --quiet pip-tools; }
	$(BIN)/pip-compile --quiet --extra dev --extra lab --generate-hashes --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --strip-extras \
		--output-file requirements.lock pyproject.toml

clean: ## Remove the virtual environment and caches (keeps data/ and figures/)
	rm -rf $(VENV) .pytest_cache .ruff_cache build src/*.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
