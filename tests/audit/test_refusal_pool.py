"""A refusal that looks up the client it names gives its connection back before its event
takes one: a burst of such refusals must not drain the pool (app/db.py: no overflow) and
leave 503s without events. The same pool shape, two connections, on either database.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import AsyncAdaptedQueuePool

import app.database_url as database_url_module
from app.main import create_app
from app.models import AuditEvent
from app.state import AppState
from tests.conftest import World, make_settings
from tests.notes.support import make_case

_EVENTS = AuditEvent.__table__  # type: ignore[attr-defined]


async def _burst(
    state: AppState, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, params: Any
) -> tuple[list[int], int]:
    real = database_url_module.create_async_engine  # type: ignore[attr-defined]

    def small_pool(url: Any, **kwargs: Any) -> Any:
        kwargs.update(
            poolclass=AsyncAdaptedQueuePool, pool_size=2, max_overflow=0, pool_timeout=0.5
        )
        return real(url, **kwargs)

    monkeypatch.setattr(database_url_module, "create_async_engine", small_pool)
    settings = make_settings(tmp_path, state.settings.database_url or "")
    settings = settings.model_copy(update={"data_dir": state.settings.data_dir})
    application = create_app(settings)
    monkeypatch.setattr(database_url_module, "create_async_engine", real)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            ids = [uuid.uuid4().hex for _ in range(4)]
            answers = await asyncio.gather(
                *(
                    http.get(
                        "/v1/episodes-nope" if False else "/v1/clients",
                        params=params,
                        headers=world["auditor"].headers | {"X-Request-ID": rid},
                    )
                    for rid in ids
                )
            )
    async with state.engine.connect() as conn:
        logged = await conn.scalar(
            sa.select(sa.func.count()).select_from(_EVENTS).where(_EVENTS.c.request_id.in_(ids))
        )
    return [a.status_code for a in answers], int(logged or 0)


async def test_refusals_without_a_named_client_are_fine(
    client: httpx.AsyncClient,
    world: World,
    state: AppState,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    statuses, logged = await _burst(state, world, tmp_path, monkeypatch, {"bogus": "1"})
    assert statuses == [422] * 4
    assert logged == 4


async def test_refusals_naming_a_client_keep_their_events(
    client: httpx.AsyncClient,
    world: World,
    state: AppState,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = await make_case(client, world)
    statuses, logged = await _burst(
        state, world, tmp_path, monkeypatch, {"client_id": str(case.client_id)}
    )
    assert (statuses, logged) == ([422] * 4, 4)
