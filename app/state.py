"""What the running app holds: settings, secrets, the engine and the password hasher."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.audit.context import audit_context
from app.config import Settings
from app.security.passwords import Passwords
from app.security.secrets import Secrets


@dataclass
class AppState:
    """Long-lived objects shared by every request."""

    settings: Settings
    secrets: Secrets
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    passwords: Passwords
    # GET and HEAD requests: autocommit on PostgreSQL, else None (create_read_sessionmaker).
    read_sessionmaker: async_sessionmaker[AsyncSession] | None = None


def app_state(request: Request) -> AppState:
    """The AppState of the app serving this request."""
    state: AppState = request.app.state.services
    return state


def get_session(request: Request) -> AsyncSession:
    """The request's session; the pipeline commits it once, together with the audit event."""
    ctx = audit_context(request)
    if ctx.session is None:
        state = app_state(request)
        reads = state.read_sessionmaker if ctx.method in ("GET", "HEAD") else None
        ctx.session = (reads or state.sessionmaker)()
        ctx.autocommit = reads is not None
    return ctx.session


async def request_session(request: Request) -> AsyncSession:
    """The request's session, resolved on the event loop rather than in a worker thread."""
    # As a dependency the plain `get_session` would be run in FastAPI's thread pool: a
    # thread hop per request.
    return get_session(request)


SessionDep = Annotated[AsyncSession, Depends(request_session)]
