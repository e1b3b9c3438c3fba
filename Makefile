# The two commands: `make demo` runs the product, `make test` runs every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
NATS_URL ?= nats://127.0.0.1:4222

.PHONY: install demo serve test test-fast lint typecheck bench clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: install
	$(BIN)/aiops demo

serve: install
	$(BIN)/aiops serve --config examples/sulu

test: install
	AIOPS_TEST_POSTGRES_URL=$(PG_URL) AIOPS_TEST_NATS_URL=$(NATS_URL) $(BIN)/pytest -q

test-fast: install
	$(BIN)/pytest -q -m "not slow and not postgres and not nats and not browser"

lint: install
	$(BIN)/ruff check src tests bench

typecheck: install
	$(BIN)/mypy src/aiops

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
