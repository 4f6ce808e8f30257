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
	@for f in bench/[!_]*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

# Renders every Adaptive Card with the official `adaptivecards` renderer in headless Chromium, to cards-out/*.png.
cards: install
	@command -v chromium >/dev/null || { echo "make cards needs: apt-get install -y chromium fonts-noto-color-emoji"; exit 1; }
	cd bench/cards && npm ci --no-audit --no-fund
	$(BIN)/python bench/cards/dump_cards.py cards-out/cards.json
	node bench/cards/render.mjs cards-out/cards.json cards-out

clean:
	rm -rf .lint build *.egg-info
