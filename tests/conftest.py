"""Test fixtures: a database per backend built by `alembic upgrade head`, the app, callers.

Every database test runs on SQLite and, when NOTES_TEST_DATABASE_URL names a server, on
PostgreSQL too (under CI=true a missing server fails the run). Tests are isolated by tenant:
each test builds its own practice, so committed rows of one test are invisible to another.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from app import migrations
from app.config import Settings
from app.main import create_app
from app.models import Practice
from app.security.passwords import Passwords
from app.security.tokens import issue_access_token
from app.state import AppState
from app.users import service as users
from app.users.schemas import UserCreate

PG_ENV = "NOTES_TEST_DATABASE_URL"
TEST_PASSWORD = "test-password-123"  # noqa: S105


def _backends() -> list[str]:
    return ["sqlite", "postgresql"]


def pg_admin_url() -> str | None:
    """The server named by NOTES_TEST_DATABASE_URL, or None (a failure under CI)."""
    url = os.environ.get(PG_ENV)
    if not url and os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {PG_ENV} is not set: PostgreSQL tests must run")
    return url


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def create_pg_database(admin_url: str, name: str) -> str:
    """Create a fresh database on the test server; returns its URL."""
    conn = await asyncpg.connect(_plain(admin_url))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return make_url(_plain(admin_url)).set(database=name).render_as_string(hide_password=False)


async def drop_pg_database(admin_url: str, name: str) -> None:
    """Drop a test database, disconnecting whoever still uses it."""
    conn = await asyncpg.connect(_plain(admin_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def make_settings(tmp: Path, database_url: str, **overrides: object) -> Settings:
    """Settings for tests: fixed secrets, cheap password hashing, a private data folder."""
    values: dict[str, object] = {
        "env": "test",
        "data_dir": tmp,
        "database_url": database_url,
        "jwt_secret": "test-jwt-secret-" + "x" * 48,
        "api_key_pepper": "test-api-key-pepper-" + "y" * 32,
        "argon2_time_cost": 1,
        "argon2_memory_kib": 64,
        "checkpoint_interval_seconds": 0.2,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session", params=_backends())
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database for one backend, for the whole test session."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "notes.db"
        url = f"sqlite:///{path}"
        migrations.upgrade(url)
        yield url
        return
    admin = pg_admin_url()
    if not admin:
        pytest.skip(f"{PG_ENV} not set")
    name = f"notes_test_{uuid.uuid4().hex[:12]}"
    url = asyncio.run(create_pg_database(admin, name))
    migrations.upgrade(url)
    yield url
    asyncio.run(drop_pg_database(admin, name))


@pytest.fixture(scope="session")
def backend(database_url: str) -> str:
    """'sqlite' or 'postgresql'."""
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings bound to this backend's database."""
    return make_settings(tmp_path_factory.mktemp("data"), database_url)


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The application, with its lifespan running."""
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
def state(app: FastAPI) -> AppState:
    """The app's long-lived objects (engine, secrets, settings)."""
    services: AppState = app.state.services
    return services


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client calling the app in process."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@dataclass
class Member:
    """A user of a test practice and the bearer token to act as them."""

    id: uuid.UUID
    email: str
    role: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        """Authorization headers for this user."""
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    """A practice with one user of each role (plus a trainee under the supervisor)."""

    practice_id: uuid.UUID
    members: dict[str, Member] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Member:
        return self.members[name]


async def build_world(
    state: AppState,
    names: tuple[str, ...] = (
        "admin",
        "therapist",
        "therapist2",
        "supervisor",
        "trainee",
        "auditor",
    ),
) -> World:
    """Create a practice and its members directly in the database."""
    passwords = Passwords(state.settings)
    async with state.sessionmaker() as session:
        practice = Practice(name="Test practice")
        session.add(practice)
        await session.flush()
        world = World(practice_id=practice.id)
        for name in names:
            await _add_member(session, state, passwords, world, name)
        await session.commit()
    return world


async def _add_member(
    session: AsyncSession, state: AppState, passwords: Passwords, world: World, name: str
) -> None:
    role = {"therapist2": "therapist", "trainee": "therapist", "supervisor2": "supervisor"}.get(
        name, name
    )
    supervisor = world.members.get("supervisor")
    trainee = name == "trainee" and supervisor is not None
    email = f"{name}-{uuid.uuid4().hex[:10]}@test.example"
    user = await users.create_user(
        session=session,
        passwords=passwords,
        practice_id=world.practice_id,
        user_in=UserCreate(
            email=email,
            display_name=name.title(),
            role=role,
            supervisor_id=supervisor.id if trainee and supervisor else None,
            requires_cosign=trainee,
        ),
        password=TEST_PASSWORD,
    )
    token, _ = issue_access_token(
        settings=state.settings,
        secret=state.secrets.jwt_secret,
        user_id=user.id,
        practice_id=world.practice_id,
        role=role,
    )
    world.members[name] = Member(id=user.id, email=email, role=role, token=token)


async def add_members(state: AppState, world: World, *names: str) -> None:
    """Add members to a world (e.g. "supervisor2", a supervisor of no one)."""
    passwords = Passwords(state.settings)
    async with state.sessionmaker() as session:
        for name in names:
            await _add_member(session, state, passwords, world, name)
        await session.commit()


@pytest.fixture
async def world(state: AppState) -> World:
    """A fresh practice with admin, therapist, therapist2, supervisor, trainee, auditor."""
    return await build_world(state)


@pytest.fixture
async def other_world(state: AppState) -> World:
    """A second, unrelated practice."""
    return await build_world(state)
