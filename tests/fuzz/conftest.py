"""Fuzzing fixtures: the service in process per backend, a seeded practice, one identity per role.

Schemathesis serves its ASGI app on an event loop of its own (a portal thread) while the test
itself is synchronous and pytest's loop stands still. The fuzzed database is therefore private:
the suite's `app` (whose sequencer may be parked mid-transaction on that still loop) never
touches it. A second instance of the service, without lifespan, seeds it on pytest's loop.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.python import asgi

from app.config import Settings
from app.main import create_app
from app.state import AppState
from tests.conftest import make_settings
from tests.fuzz.contract import (
    ROLES,
    FuzzStats,
    fresh_idempotency_keys,
    fuzz_config,
    identity_auth,
    seeded_path_parameters,
)
from tests.fuzz.refusals import Refusal, refusals
from tests.fuzz.seed import FuzzPractice, seed_practice
from tests.scratch_database import scratch_database

FUZZ_STATS = pytest.StashKey[FuzzStats]()


@pytest.fixture(autouse=True)
def _schemathesis_node_id(request: pytest.FixtureRequest) -> None:
    """schemathesis' `from_fixture` relabels the running item via `_nodeid`, gone in pytest 9."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@pytest.fixture(scope="session")
def fuzz_stats(request: pytest.FixtureRequest) -> FuzzStats:
    """Counts of generated cases, shared with the terminal summary."""
    stats = FuzzStats()
    request.config.stash[FUZZ_STATS] = stats
    return stats


@pytest.fixture(scope="session")
def fuzz_settings(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings bound to a database of the fuzzer's own."""
    with scratch_database(backend, tmp_path_factory.mktemp("fuzz-db")) as url:
        yield make_settings(
            tmp_path_factory.mktemp("fuzz-data"), url, checkpoint_interval_seconds=5.0
        )


def _state(application: FastAPI) -> AppState:
    services: AppState = application.state.services
    return services


@pytest.fixture(scope="session")
async def fuzz_seeder(fuzz_settings: Settings) -> AsyncIterator[FastAPI]:
    """The service on pytest's loop, without its lifespan, to seed practices through the API."""
    application = create_app(fuzz_settings)
    yield application
    await _state(application).engine.dispose()


@pytest.fixture(scope="session")
def fuzz_app(fuzz_settings: Settings, fuzz_seeder: FastAPI) -> Iterator[FastAPI]:
    """The service again (same database and keys), with its sequencer, for schemathesis."""
    application = create_app(fuzz_settings)
    yield application
    # Schemathesis started the lifespan on its own loop; it ends there too.
    asgi.shutdown_lifespans()


@pytest.fixture(scope="session")
def fuzz_refusals(fuzz_app: FastAPI) -> dict[str, tuple[Refusal, ...]]:
    """Each operation's state-dependent refusals of schema-valid input (tests/fuzz/refusals.py)."""
    return refusals(fuzz_app.openapi())


@pytest.fixture
async def fuzz_practice(fuzz_seeder: FastAPI) -> FuzzPractice:
    """A fresh practice per test: what one identity does cannot disturb another."""
    return await seed_practice(fuzz_seeder, _state(fuzz_seeder))


@pytest.fixture(params=ROLES)
def identity(request: pytest.FixtureRequest) -> str:
    """Who the fuzzer acts as: each role, and an API key holding every scope."""
    value: str = request.param
    return value


@pytest.fixture
def fuzz_schema(
    fuzz_app: FastAPI, fuzz_practice: FuzzPractice, identity: str
) -> schemathesis.BaseSchema:
    """The app's own OpenAPI document, loaded in process, acting as `identity`."""
    config = fuzz_config(identity, fuzz_app.openapi())
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app, config=config)
    schema.auth(refresh_interval=None)(identity_auth(lambda: fuzz_practice.token(identity)))
    schema.hook(seeded_path_parameters(fuzz_practice.records))
    schema.hook(fresh_idempotency_keys())
    return schema


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print how many cases the fuzzer ran, per backend, identity and phase."""
    stats = terminalreporter.config.stash.get(FUZZ_STATS, None)
    if stats is None or not stats.cases:
        return
    terminalreporter.section("schemathesis fuzzing")
    for line in stats.lines():
        terminalreporter.write_line(line)
