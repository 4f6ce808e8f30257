# OpsGate: `make run` and `make test` work on a fresh machine (they create .venv and install first).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
ROOMS := bot handlers cards runbooks store

.PHONY: install run test test-pg lint bench cards clean

$(STAMP): pyproject.toml setup.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"
	$(BIN)/python -m pip install -q -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/opsgate secret-key
	$(BIN)/opsgate serve

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	@mkdir -p .lint/opsgate && for r in $(ROOMS); do ln -sfn ../../$$r .lint/opsgate/$$r; done
	cd .lint && ../$(BIN)/mypy --config-file ../pyproject.toml $(foreach r,$(ROOMS),-p opsgate.$(r))

bench: install
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf .lint build *.egg-info
