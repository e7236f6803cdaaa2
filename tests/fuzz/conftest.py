"""Fuzzing fixtures: a second in-process app per backend, seeded data, one identity per role.

Schemathesis serves its ASGI app on an event loop of its own (a portal thread), so the fuzzed
app is a separate instance of the service bound to the same database and data folder as the
suite's `app`; seeding goes through the suite's app on pytest's loop. The fuzzed app runs no
audit sequencer of its own: the suite's app already sequences that database.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.python import asgi

from app.config import Settings
from app.main import create_app
from app.security.api_keys import SCOPES
from app.security.tokens import issue_access_token
from app.state import AppState
from tests.conftest import World, build_world, make_settings
from tests.factories import clinical_case, make_api_key
from tests.fuzz.contract import ROLES, FuzzStats, fuzz_config, identity_auth
from tests.scratch_database import scratch_database

# Distinctive protected text seeded into the practice: no error response may ever carry it.
SENTINELS = {
    "given_name": "Quillfeatherine",
    "family_name": "Ostrowsky-Marlingham",
    "preferred_name": "Quilly-Sentinel",
    "presenting_concerns": "sentinel-concern: recurrent dreams of the drowned lighthouse",
    "note_body": "sentinel-body: she spoke of her father's silence at the harbour",
    "email": "quillfeatherine.sentinel@example.org",
}


@dataclass
class FuzzPractice:
    """A seeded practice and a way to mint credentials for each fuzzed identity."""

    world: World
    state: AppState
    api_key: str
    protected: tuple[str, ...]

    def token(self, identity: str) -> str:
        """A fresh bearer credential: a new JWT per request (logout revokes only its own)."""
        if identity == "api_key":
            return self.api_key
        member = self.world[identity]
        token, _ = issue_access_token(
            settings=self.state.settings,
            secret=self.state.secrets.jwt_secret,
            user_id=member.id,
            practice_id=self.world.practice_id,
            role=member.role,
        )
        return token


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


FUZZ_STATS = pytest.StashKey[FuzzStats]()


@pytest.fixture(scope="session")
def fuzz_settings(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A database of its own: the suite's app may sit mid-transaction while a sync test runs."""
    with scratch_database(backend, tmp_path_factory.mktemp("fuzz-db")) as url:
        yield make_settings(
            tmp_path_factory.mktemp("fuzz-data"), url, checkpoint_interval_seconds=5.0
        )


@pytest.fixture(scope="session")
async def fuzz_seeder(fuzz_settings: Settings) -> AsyncIterator[FastAPI]:
    """The service on pytest's loop, without its lifespan, to seed practices through the API."""
    application = create_app(fuzz_settings)
    yield application
    await app_state_of(application).engine.dispose()


@pytest.fixture(scope="session")
def fuzz_app(fuzz_settings: Settings, fuzz_seeder: FastAPI) -> Iterator[FastAPI]:
    """The service again, same database and keys, for schemathesis to drive on its own loop."""
    application = create_app(fuzz_settings)
    yield application
    # Schemathesis started the lifespan (and the sequencer) on its loop; end it there.
    asgi.shutdown_lifespans()


@pytest.fixture
async def fuzz_practice(fuzz_seeder: FastAPI) -> FuzzPractice:
    """A practice with a client record, a session and a progress note holding sentinel text."""
    state = app_state_of(fuzz_seeder)
    world = await build_world(state)
    key_headers = await make_api_key(state, world, SCOPES)
    transport = httpx.ASGITransport(app=fuzz_seeder, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://seed") as client:
        case = await clinical_case(
            client,
            world,
            given_name=SENTINELS["given_name"],
            family_name=SENTINELS["family_name"],
            preferred_name=SENTINELS["preferred_name"],
            email=SENTINELS["email"],
            presenting_concerns=SENTINELS["presenting_concerns"],
        )
        note = await client.post(
            f"/v1/sessions/{case.session_id}/notes",
            json={"kind": "progress", "body": SENTINELS["note_body"]},
            headers={**world["therapist"].headers, "Idempotency-Key": uuid.uuid4().hex},
        )
    assert note.status_code == 201, note.text
    return FuzzPractice(
        world=world,
        state=state,
        api_key=key_headers["Authorization"].removeprefix("Bearer "),
        protected=tuple(SENTINELS.values()),
    )


def app_state_of(application: FastAPI) -> AppState:
    """The long-lived objects of an app instance."""
    services: AppState = application.state.services
    return services


@pytest.fixture(params=ROLES)
def identity(request: pytest.FixtureRequest) -> str:
    """Who the fuzzer acts as: each role, and an API key holding every scope."""
    value: str = request.param
    return value


@pytest.fixture
def fuzz_schema(
    fuzz_app: FastAPI, fuzz_practice: FuzzPractice, identity: str
) -> schemathesis.BaseSchema:
    """The app's own OpenAPI document, loaded in process, authenticated as `identity`."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app, config=fuzz_config())
    schema.auth(refresh_interval=None)(identity_auth(lambda: fuzz_practice.token(identity)))
    return schema


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print how many cases the fuzzer generated, per backend, identity and phase."""
    stats = terminalreporter.config.stash.get(FUZZ_STATS, None)
    if stats is None or not stats.cases:
        return
    terminalreporter.section("schemathesis fuzzing")
    for line in stats.lines():
        terminalreporter.write_line(line)
