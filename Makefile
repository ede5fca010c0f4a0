# Two commands for a fresh machine:  make app   and   make test
# Everything is installed into .venv, pinned by binder/requirements.txt (the set Binder uses).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8866

.PHONY: app test test-postgresql install chromium postgresql hub-proxy lint benchmarks binder-url examples clean

$(STAMP): pyproject.toml binder/requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c binder/requirements.txt -e ".[test,postgres]"
	@touch $(STAMP)

install: $(STAMP)

## Start the app: Voila on the start page at http://127.0.0.1:$(PORT)/ (Ctrl+C stops it).
## ROOM=1: room mode (phones on the local network join; your pages need the printed link).
app: $(STAMP)
	$(BIN)/hidden-insights app --port $(PORT)$(if $(filter 1,$(ROOM)), --room)

## Debian's Chromium for the browser tests (installed with apt-get when missing and root).
chromium:
	@if [ -x /usr/bin/chromium ]; then \
		echo "chromium: $$(/usr/bin/chromium --version 2>/dev/null)"; \
	elif [ "$$(id -u)" = "0" ]; then \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "Chromium is missing: run 'sudo apt-get install chromium' (browser tests need it)."; \
		exit 1; \
	fi

## Debian's PostgreSQL server for the store tests (they start their own server from it, in a
## temporary folder; Debian's own cluster is not used).
postgresql:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "postgresql: $$(ls -d /usr/lib/postgresql/*/bin | tail -1)"; \
	elif [ "$$(id -u)" = "0" ]; then \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; \
	else \
		echo "PostgreSQL is missing: run 'sudo apt-get install postgresql' (store tests need it)."; \
		exit 1; \
	fi

## JupyterHub's proxy (npm configurable-http-proxy) for the hub test, in deploy/jupyterhub/.
hub-proxy:
	@if [ -x deploy/jupyterhub/node_modules/.bin/configurable-http-proxy ]; then \
		echo "configurable-http-proxy: deploy/jupyterhub/node_modules"; \
	else \
		if ! command -v npm >/dev/null 2>&1; then \
			if [ "$$(id -u)" = "0" ]; then \
				export DEBIAN_FRONTEND=noninteractive; \
				apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; \
			else \
				echo "npm is missing: run 'sudo apt-get install nodejs npm' (the hub test needs it)."; \
				exit 1; \
			fi; \
		fi; \
		npm install --silent --no-audit --no-fund --prefix deploy/jupyterhub; \
	fi

## Run the whole test suite: unit, widget, notebook (nbval), reliability and browser tests,
## first on SQLite (the store, file and reliability tests on PostgreSQL too), then the whole
## suite again on PostgreSQL (every store a fresh PostgreSQL database; see tests/conftest.py).
test: $(STAMP) chromium postgresql hub-proxy
	$(BIN)/ruff check widgets tests benchmarks examples
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory test-postgresql

## The suite's PostgreSQL pass alone (what the first pass already ran on both is left out).
test-postgresql: $(STAMP) chromium postgresql hub-proxy
	HIDDEN_INSIGHTS_TEST_DATABASE=postgresql $(BIN)/python -m pytest \
		-m "not both_backends and not sqlite_only"

lint: $(STAMP)
	$(BIN)/ruff check widgets tests benchmarks examples

## Speed and memory checks (print ratios against a baseline measured in the same run).
benchmarks: $(STAMP) chromium
	$(BIN)/python benchmarks/store.py
	$(BIN)/python benchmarks/exceptions.py --quick
	$(BIN)/python benchmarks/voila_load.py

## Regenerate the illustrative example files in examples/.
examples: $(STAMP)
	$(BIN)/python examples/make_examples.py

## The Binder link for this repository's origin remote (opens the start page in Voila).
binder-url:
	@$(PYTHON) -c "import sys; sys.path.insert(0, '.'); from widgets.binder import binder_url_from_git; print(binder_url_from_git())"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
