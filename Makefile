# Two commands from a fresh clone: `make demo` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint serve bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "loopbot needs Python 3.11 or newer; set PYTHON=python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/loopbot demo

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

serve: $(STAMP)
	$(BIN)/loopbot serve

bench: $(STAMP)
	$(BIN)/python -m tests.unit.planning.bench_planner
	$(BIN)/python -m tests.bench.bench_ack
	$(BIN)/python -m tests.bench.bench_scheduler
	$(BIN)/python -m tests.bench.bench_freebusy
	$(BIN)/python -m tests.bench.bench_home

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
