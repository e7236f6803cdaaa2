"""Tokens stop at once: after a password change, a refresh-token reuse, or when absurd."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import jwt
import pytest

from app.security.tokens import ALGORITHM
from app.state import AppState
from tests.audit.conftest import events_of_request
from tests.auth.support import NEW_PASSWORD, bearer, login
from tests.conftest import TEST_PASSWORD, World


async def test_password_change_ends_every_session(client: httpx.AsyncClient, world: World) -> None:
    me = world["auditor"]
    sessions = [(await login(client, me.email)).json() for _ in range(2)]
    changed = await client.post(
        "/v1/me/password",
        json={"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(sessions[0]["access_token"]),
    )
    assert changed.status_code == 204
    for tokens in sessions:
        assert (
            await client.get("/v1/me", headers=bearer(tokens["access_token"]))
        ).status_code == 401
        refreshed = await client.post(
            "/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert refreshed.status_code == 401
    fresh = (await login(client, me.email, NEW_PASSWORD)).json()
    assert (await client.get("/v1/me", headers=bearer(fresh["access_token"]))).status_code == 200


async def test_refresh_reuse_ends_the_family_access_tokens(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world["supervisor"]
    first = (await login(client, me.email)).json()
    elsewhere = (await login(client, me.email)).json()  # another device: its own family
    second = (
        await client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    ).json()
    for tokens in (first, second):
        assert (
            await client.get("/v1/me", headers=bearer(tokens["access_token"]))
        ).status_code == 200
    reuse = await client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401
    for tokens in (first, second):
        assert (
            await client.get("/v1/me", headers=bearer(tokens["access_token"]))
        ).status_code == 401
    assert (
        await client.get("/v1/me", headers=bearer(elsewhere["access_token"]))
    ).status_code == 200


def _signed(state: AppState, world: World, **claims: object) -> str:
    member = world["therapist"]
    now = int(datetime.now(UTC).timestamp())
    base: dict[str, object] = {
        "sub": str(member.id),
        "practice": str(world.practice_id),
        "role": member.role,
        "iat": now,
        "exp": now + 600,
        "aud": state.settings.jwt_audience,
        "iss": state.settings.service_name,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(base | claims, state.secrets.jwt_secret, algorithm=ALGORITHM)


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": 10**20},
        {"exp": 10**400},
        {"exp": float("inf")},
        {"exp": 1e308},
        {"iat": 10**20},
        {"iat": -(10**20)},
        {"iat": float("inf")},
        {"iat": float("-inf")},
        {"epoch": 10**20},
        {"sid": "not-a-uuid"},
    ],
    ids=str,
)
async def test_absurd_claims_are_401_not_500(
    client: httpx.AsyncClient, world: World, state: AppState, claims: dict[str, object]
) -> None:
    token = _signed(state, world, **claims)
    answer = await client.get("/v1/me", headers=bearer(token))
    assert answer.status_code == 401, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    # The same signature with sane claims works: the 401 is for the claim alone.
    assert (await client.get("/v1/me", headers=bearer(_signed(state, world)))).status_code == 200


async def test_a_replayed_refresh_token_is_an_anonymous_attempt_on_the_account(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """A stolen, already rotated refresh token is refused and revokes its family; its event
    names the account as resource, not its user as actor (a failed login's is the same)."""
    me = world["therapist"]
    first = (await login(client, me.email)).json()
    rotated = await client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert rotated.status_code == 200, rotated.text
    reuse = await client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401
    [event] = await events_of_request(state, reuse.headers["x-request-id"])
    assert (event.resource_id, event.outcome, event.actor_type) == (
        str(me.id),
        "denied",
        "anonymous",
    )
    assert event.practice_id == world.practice_id  # the practice's auditor finds it
    [ok] = await events_of_request(state, rotated.headers["x-request-id"])
    assert (ok.actor_type, ok.actor_id) == ("user", me.id)
