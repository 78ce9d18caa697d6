# heavylegs — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SHARED ?= $(abspath ../shared)
# make test measures branch coverage of the two folders that decide what a person is told and
# checks their floors (measuring every folder costs ~1.6x the suite's CPU on Python 3.11);
# `make coverage` measures the whole package against every floor; `make test COVERAGE=` skips it.
FLOORED := assessment,knowledge
COVERAGE ?= --cov=heavylegs.assessment --cov=heavylegs.knowledge --cov-report=json:.coverage.json --cov-report=
export HEAVYLEGS_SHARED := $(SHARED)

.PHONY: run test lint bench setup setup-test golden clean help fuzz screenshots coverage

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
	$(if $(COVERAGE),$(BIN)/python scripts/coverage_floor.py .coverage.json --only $(FLOORED))  # floors (pyproject)

# Branch coverage of the whole package against every floor in pyproject (slower than make test).
coverage: setup-test
	scripts/with-postgres.sh $(BIN)/python -m pytest --cov=heavylegs --cov-report=json:.coverage.json --cov-report=term:skip-covered
	$(BIN)/python scripts/coverage_floor.py .coverage.json

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
