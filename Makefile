# Two commands on a fresh machine: `make run` and `make test`. Each sets itself up.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	@$(BIN)/copbot run

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench.commands
	$(BIN)/python -m bench.activity
	$(BIN)/python -m bench.discord_ack
	$(BIN)/python -m bench.slack_ack
	$(BIN)/python -m bench.kudos
	$(BIN)/python -m bench.polls
	$(BIN)/python -m bench.outbox
	$(BIN)/python -m bench.lapse
	$(BIN)/python -m bench.matching
	$(BIN)/python -m bench.matching_round
	$(BIN)/python -m bench.digest
	$(BIN)/python -m bench.impact
	$(BIN)/python -m bench.startup
	$(BIN)/python -m bench.reliability

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
