"""Access-token verification: algorithm pinned, every claim required, signature checked."""

from __future__ import annotations

import base64
import json
import time
import uuid

import httpx
import jwt
import pytest

from app.state import AppState
from tests.auth.support import bearer, login
from tests.conftest import World


def _claims(state: AppState, world: World, **changes: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": str(world["therapist"].id),
        "practice": str(world.practice_id),
        "role": "therapist",
        "iat": now,
        "exp": now + 600,
        "aud": state.settings.jwt_audience,
        "iss": state.settings.service_name,
        "jti": uuid.uuid4().hex,
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _unsigned(claims: dict[str, object]) -> str:
    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


async def _me(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})


async def test_valid_token_accepted(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    token = jwt.encode(_claims(state, world), state.secrets.jwt_secret, algorithm="HS256")
    assert (await _me(client, token)).status_code == 200


@pytest.mark.parametrize("missing", ["sub", "practice", "role", "iat", "exp", "aud", "iss", "jti"])
async def test_every_claim_is_required(
    client: httpx.AsyncClient, world: World, state: AppState, missing: str
) -> None:
    token = jwt.encode(
        _claims(state, world, **{missing: None}), state.secrets.jwt_secret, algorithm="HS256"
    )
    response = await _me(client, token)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_forged_tokens_rejected(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    claims = _claims(state, world)
    forged = [
        _unsigned(claims),
        jwt.encode(claims, b"another-key-entirely-" + b"z" * 32, algorithm="HS256"),
        jwt.encode(
            _claims(state, world, exp=int(time.time()) - 60),
            state.secrets.jwt_secret,
            algorithm="HS256",
        ),
        jwt.encode(
            _claims(state, world, aud="someone-else"), state.secrets.jwt_secret, algorithm="HS256"
        ),
        jwt.encode(claims, state.secrets.jwt_secret, algorithm="HS512"),
        jwt.encode(
            _claims(state, world, practice=str(uuid.uuid4())),
            state.secrets.jwt_secret,
            algorithm="HS256",
        ),
        "not.a.jwt",
    ]
    for token in forged:
        response = await _me(client, token)
        assert response.status_code == 401, token
        assert response.headers["content-type"] == "application/problem+json"


async def test_missing_or_malformed_authorization(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/me")).status_code == 401
    assert (await client.get("/v1/me", headers={"Authorization": "Basic abc"})).status_code == 401
    assert (await client.get("/v1/me", headers={"Authorization": "Bearer "})).status_code == 401


async def test_deactivated_user_token_stops_working(
    client: httpx.AsyncClient, world: World
) -> None:
    admin = world["admin"].headers
    target = world["therapist2"]
    tokens = (await login(client, target.email)).json()
    response = await client.patch(f"/v1/users/{target.id}", json={"active": False}, headers=admin)
    assert response.status_code == 200
    assert (await client.get("/v1/me", headers=target.headers)).status_code == 401
    # Reactivated, the user signs in afresh: tokens from before stay dead, however stolen.
    on = await client.patch(f"/v1/users/{target.id}", json={"active": True}, headers=admin)
    assert on.status_code == 200
    assert (await client.get("/v1/me", headers=target.headers)).status_code == 401
    old = await client.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert old.status_code == 401
    fresh = (await login(client, target.email)).json()
    assert (await client.get("/v1/me", headers=bearer(fresh["access_token"]))).status_code == 200
