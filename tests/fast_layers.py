"""Helpers for the differential tests of the fast layers (app/*/fast_*.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI

from app.db import utcnow
from app.models import RevokedAccessToken
from app.security.tokens import decode_access_token, issue_access_token
from app.state import AppState
from tests.conftest import World

Layer = TypeVar("Layer")


async def find_layer(app: FastAPI, client: httpx.AsyncClient, kind: type[Layer]) -> Layer:
    """The app's instance of a middleware layer."""
    await client.get("/health/live")  # the middleware stack is built on the first request
    layer: Any = app.middleware_stack
    while layer is not None and not isinstance(layer, kind):
        layer = getattr(layer, "app", None)
    assert isinstance(layer, kind)
    return layer


async def revoked_headers(state: AppState, world: World, who: str) -> dict[str, str]:
    """Authorization headers with a valid token of `who` that logout has revoked."""
    member = world[who]
    token, _ = issue_access_token(
        settings=state.settings,
        secret=state.secrets.jwt_secret,
        user_id=member.id,
        practice_id=world.practice_id,
        role=member.role,
    )
    claims = decode_access_token(token, settings=state.settings, secret=state.secrets.jwt_secret)
    async with state.sessionmaker() as session:
        session.add(
            RevokedAccessToken(
                jti=claims.jti,
                practice_id=world.practice_id,
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
        await session.commit()
    return {"Authorization": f"Bearer {token}"}
