"""Builds the FastAPI application: routers, error handlers, middleware, lifespan."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from app import handlers, health
from app.api_keys.router import router as api_keys_router
from app.audit.api.proofs import router as proofs_router
from app.audit.api.router import router as audit_router
from app.audit.ledger.sequencer import start_sequencer
from app.auth.router import router as auth_router
from app.clients.router import router as clients_router
from app.config import Settings, get_settings
from app.contract.document import build_document
from app.contract.info import package_version
from app.contract.operation_ids import name_operations, operation_id
from app.db import create_engine, create_read_sessionmaker, create_sessionmaker
from app.episodes.router import router as episodes_router
from app.feed.router import router as feed_router
from app.logging import configure_logging
from app.measures.router import router as measures_router
from app.middleware import RequestPipeline
from app.notes.router import router as notes_router
from app.observations.router import router as observations_router
from app.pages.router import router as pages_router
from app.progress.router import router as progress_router
from app.routing import index_routes
from app.security.passwords import Passwords
from app.security.secrets import load_secrets
from app.sessions.router import router as sessions_router
from app.state import AppState
from app.themes.router import router as themes_router
from app.users.router import router as users_router
from app.webhooks.router import router as webhooks_router

log = logging.getLogger("notes.app")

DESCRIPTION = """\
The Session Notes API keeps clients, courses of treatment and their phases, sessions,
clinical notes, psychodynamic themes and outcome measures for psychotherapy practices, and
a tamper-evident record of every access to them.

Authenticate with `Authorization: Bearer <access token>` (from `POST /v1/auth/token`) or
`Authorization: Bearer nsk_…` (an API key). Errors are `application/problem+json`.
"""


ROUTERS = (
    health.router,
    auth_router,
    users_router,
    api_keys_router,
    clients_router,
    episodes_router,
    sessions_router,
    notes_router,
    proofs_router,
    audit_router,
    themes_router,
    observations_router,
    measures_router,
    progress_router,
    pages_router,
    feed_router,
    webhooks_router,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build an app bound to one configuration and one database."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    secrets = load_secrets(settings)
    engine = create_engine(settings)
    sessionmaker = create_sessionmaker(engine)
    state = AppState(
        settings=settings,
        secrets=secrets,
        engine=engine,
        sessionmaker=sessionmaker,
        passwords=Passwords(settings),
        read_sessionmaker=create_read_sessionmaker(engine),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        sequencer = start_sequencer(app, state)
        # Long-lived start-up objects leave the collector's view: full collections then scan
        # only per-request garbage, which keeps tail latency of large reports down.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            if sequencer is not None:
                await sequencer.stop()
            await engine.dispose()

    app = FastAPI(
        title="Session Notes API",
        version=package_version(),
        generate_unique_id_function=operation_id,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        # No OpenTelemetry here (Prometheus metrics and JSON logs instead): FastAPI's native
        # telemetry stays off rather than looking for global providers on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.services = state
    app.state.readiness_checks = {}
    handlers.install(app)
    # Routes go straight onto the app's router rather than through include_router: FastAPI
    # matches an included router's routes twice per request. Our routers carry only tags,
    # which their routes already hold.
    for router in ROUTERS:
        name_operations(router.routes)
        app.router.routes.extend(router.routes)
    index_routes(app.router)
    app.add_middleware(
        RequestPipeline,
        engine=engine,
        key_ring=secrets.key_ring,
        max_body_bytes=settings.max_body_bytes,
    )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
