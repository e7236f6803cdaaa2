# Session Notes API — the two commands: `make run` and `make test` (`make test-fast` to iterate).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test test-fast check format bench clean browser-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	NOTES_DEMO=1 $(BIN)/notes-api serve --host 127.0.0.1 --port 8000

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The quick loop: SQLite only, without the tests that start servers, processes or fuzzers.
test-fast: $(STAMP)
	env -u NOTES_TEST_DATABASE_URL -u CI $(BIN)/python -m pytest -m "not server and not slow" $(PYTEST_ARGS)

check: $(STAMP)
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix app tests bench
	$(BIN)/ruff format app tests bench

# The review pages' browser tests: Debian's Chromium and ChromeDriver, and axe-core (npm, pinned).
browser-deps:
	command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; }
	test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund

bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
