# heavylegs — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SHARED ?= $(abspath ../shared)
# Branch coverage in make test (about 1.6x the suite's CPU time); `make test COVERAGE=` runs without.
COVERAGE ?= --cov --cov-report=json:.coverage.json --cov-report=
export HEAVYLEGS_SHARED := $(SHARED)

.PHONY: run test lint bench setup setup-test golden clean help fuzz screenshots

help:
	@echo "make run    - set up and start the heavylegs web app on http://127.0.0.1:8000 (SQLite)"
	@echo "make test   - set up, lint and run the whole test suite"
	@echo "make lint   - ruff + mypy --strict on src/ + import contracts (.importlinter)"
	@echo "make bench  - benchmarks (ratios against baselines measured in the same run)"
	@echo "make golden - regenerate golden files"
	@echo "make fuzz   - long fuzz run of the activity readers (nightly; FUZZ_EXAMPLES=N)"
	@echo "make screenshots - renew the README's pictures (docs/screenshots) from the browser tests"

$(BIN)/python:
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	uv venv --quiet --python $(PYTHON) $(VENV)

# Bytecode is compiled at install time: start-up stays fast even where PYTHONDONTWRITEBYTECODE is set.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	uv pip install --quiet --compile-bytecode --python $(BIN)/python -e .
	$(BIN)/python -I -m compileall -q src
	@touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[test]'
	$(BIN)/python -I -m compileall -q src
	@touch $@ $(VENV)/.installed

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test

run: setup
	$(BIN)/heavylegs serve --host 127.0.0.1 --port $${PORT:-8000}

lint: setup-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports --no-cache  # the layers and no cycles (.importlinter)

test: setup-test lint
	scripts/ensure-chromium.sh
	scripts/ensure-axe.sh
	scripts/ensure-debian-tool.sh pdftotext poppler-utils 'the PDF report tests'
	scripts/ensure-debian-tool.sh nginx nginx-light 'the deploy guide test (tests/web/test_deploy_doc.py)'
	scripts/ensure-debian-tool.sh openssl openssl 'the deploy guide test (tests/web/test_deploy_doc.py)'
	scripts/with-postgres.sh $(BIN)/python -m pytest $(COVERAGE)
	$(if $(COVERAGE),$(BIN)/python scripts/coverage_floor.py .coverage.json)  # floors by folder (pyproject)

# Nightly: the readers against many mutated corpus files (make test runs a few hundred).
fuzz: setup-test
	HEAVYLEGS_FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-20000} $(BIN)/python -m pytest tests/hostile/test_fuzz.py -p no:cacheprovider -q

# The README's pictures are taken by the browser tests; this keeps them current.
screenshots: setup-test
	scripts/ensure-chromium.sh
	HEAVYLEGS_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/browser -p no:cacheprovider -q

golden: setup-test
	$(BIN)/python -m tests.golden.regenerate

bench: setup-test
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage .coverage.json
