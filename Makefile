# Two commands: `make run` (set up and serve the app) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run test lint translations test-assets clean

run: $(VENV)/.installed translations
	$(BIN)/kanban db upgrade
	$(BIN)/kanban first-run --address http://$(HOST):$(PORT)
	$(BIN)/kanban run --host $(HOST) --port $(PORT)

# Three test processes on two cores: a browser test or a PostgreSQL round trip leaves its
# process waiting, and the third keeps the cores busy meanwhile (a fifth less time).
test: $(VENV)/.installed-test translations test-assets
	$(BIN)/ruff check .
	$(BIN)/pytest -n 3 $(PYTEST_ARGS)

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

# Compile every gettext catalogue (core and plugins) next to its .po file.
translations: $(VENV)/.installed
	@for dir in kanban/translations plugins/*/translations; do \
		if [ -d "$$dir" ]; then $(BIN)/pybabel -q compile --use-fuzzy -d "$$dir" || exit 1; fi; \
	done

# Browser tests serve SortableJS and axe-core from copies taken from the npm registry.
test-assets:
	$(BIN)/python -m tests.browser.assets

lint:
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
