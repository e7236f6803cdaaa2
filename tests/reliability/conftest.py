"""Fixtures for reliability tests: a private migrated database, a seeded practice, servers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass

import pytest

from app.config import Settings
from app.main import create_app
from app.state import AppState
from tests.conftest import World, build_world, make_settings
from tests.reliability.service import Service, server_env
from tests.scratch_database import scratch_database


@dataclass
class Seeded:
    """The database's long-lived objects in this process, and a practice with one of each role."""

    state: AppState
    world: World


@pytest.fixture(scope="module")
def scratch_settings(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings bound to a database of this module's own (servers get killed on it)."""
    with scratch_database(backend, tmp_path_factory.mktemp("reliability-db")) as url:
        yield make_settings(
            tmp_path_factory.mktemp("reliability-data"), url, checkpoint_interval_seconds=1.0
        )


@pytest.fixture(scope="module")
async def seeded(scratch_settings: Settings) -> AsyncIterator[Seeded]:
    """A practice seeded straight into the database (the servers share its secrets)."""
    application = create_app(scratch_settings)
    state: AppState = application.state.services
    yield Seeded(state=state, world=await build_world(state))
    await state.engine.dispose()


ServiceFactory = Callable[..., Service]


@pytest.fixture(scope="module")
def services(scratch_settings: Settings, seeded: Seeded) -> Iterator[ServiceFactory]:
    """Make server processes on the module's database (settings overridable); all stopped after."""
    made: list[Service] = []

    def make(**overrides: object) -> Service:
        service = Service(settings=scratch_settings, env=server_env(scratch_settings, **overrides))
        made.append(service)
        return service

    yield make
    for service in made:
        service.stop()
