# Session Notes API — the two commands: `make run` and `make test` (`make test-fast` to iterate).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test test-fast test-deep check format bench clean lint-tools openapi sdk contract-check browser-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

PORT ?= 8000
run: $(STAMP)
	NOTES_DEMO=1 $(BIN)/notes-api serve --host 127.0.0.1 --port $(PORT)

# Two pytest workers (pytest-xdist), one a core: each builds its own databases.
TEST_WORKERS ?= 2

test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The quick loop: SQLite only, without the tests that start servers, processes or fuzzers.
test-fast: $(STAMP)
	env -u NOTES_TEST_DATABASE_URL -u CI $(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not server and not slow" $(PYTEST_ARGS)

# Longer property runs for local use: the reach state machine with 2,000 examples per database.
test-deep: $(STAMP)
	NOTES_REACH_EXAMPLES=2000 $(BIN)/python -m pytest tests/security/test_reach_state_machine.py $(PYTEST_ARGS)

check: $(STAMP) contract-check
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix app tests bench
	$(BIN)/ruff format app tests bench

bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# The OpenAPI linters, pinned in package.json / package-lock.json (npm ci installs exactly those).
NPM_STAMP := node_modules/.installed-stamp
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $(NPM_STAMP)

lint-tools: $(NPM_STAMP)

# Debian's Chromium and ChromeDriver for tests/pages (pinned), and axe-core via npm ci.
CHROMIUM_VERSION := 156.0.8078.129-1~deb12u1
browser-deps: $(NPM_STAMP)
	command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			chromium=$(CHROMIUM_VERSION) chromium-driver=$(CHROMIUM_VERSION); }

# The contract: openapi.json and the SDK in clients/python are generated from the code.
SDK_GENERATE = PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/openapi-python-client generate \
	--path openapi.json --meta setup --config clients/sdk-config.yaml --fail-on-warning --overwrite
export REDOCLY_TELEMETRY = off
export REDOCLY_SUPPRESS_UPDATE_NOTICE = true

openapi: $(STAMP)
	$(BIN)/python -m app.contract.export openapi.json

sdk: openapi
	$(SDK_GENERATE) --output-path clients/python

# Fails when openapi.json or the SDK is stale, or when Redocly or Spectral find anything.
contract-check: $(STAMP) $(NPM_STAMP)
	$(BIN)/python -m app.contract.export openapi.json --check
	rm -rf .sdk-check && $(SDK_GENERATE) --output-path .sdk-check >/dev/null
	diff -r clients/python .sdk-check || { echo "clients/python is stale: run make sdk"; rm -rf .sdk-check; exit 1; }
	rm -rf .sdk-check
	npx --no-install redocly lint openapi.json --config .redocly.yaml --format=stylish
	npx --no-install spectral lint openapi.json --ruleset .spectral.yaml --fail-severity=warn

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache node_modules .sdk-check
