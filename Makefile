# Two entry points for a new machine; both install everything first.
#   make audit   install, then run the audit on the bundled sample extract
#   make test    install, then run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: audit test install lint bench lock lab clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

audit: $(STAMP)
	$(BIN)/auditlib run

test: $(STAMP)
	$(BIN)/python -m pytest

# JupyterLab with the project's environment: its kernel is this .venv's Python.
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_scale.py

# Regenerate requirements.lock after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv lock && $(BIN)/uv export --all-extras --group dev --no-emit-project --format requirements-txt -o requirements.lock -q

clean:
	rm -rf $(VENV) build
