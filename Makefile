# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_HOME := build/demo-home

.PHONY: demo test test-slow bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/python examples/generate.py --check
	$(BIN)/colleague --home $(DEMO_HOME) ingest --tz Asia/Shanghai examples/data
	$(BIN)/colleague --home $(DEMO_HOME) people
	$(BIN)/colleague --home $(DEMO_HOME) search "回滚" --limit 5
	$(BIN)/colleague --home $(DEMO_HOME) search "rollback payment" --limit 5
	$(BIN)/colleague --home $(DEMO_HOME) consent grant 王芳 --scope distill --expires 2099-12-31 --by "demo team lead" --note "synthetic demo person"
	@echo "Distilling 王芳 into a Skill:"
	$(BIN)/colleague --home $(DEMO_HOME) distill 王芳

test: $(BIN)/.installed
	$(BIN)/ruff check src tests bench examples
	$(BIN)/python -m pytest -m "not slow"

# Longer suites (full real data sets); CI runs them after `make test`.
test-slow: $(BIN)/.installed
	$(BIN)/python -m pytest -m slow

bench: $(BIN)/.installed
	$(BIN)/python bench/run

clean:
	rm -rf $(VENV) build
