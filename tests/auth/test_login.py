"""Login, throttling, refresh rotation, logout and /v1/me."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from app.models import AuditEvent, LoginAttempt, RefreshToken
from app.state import AppState
from tests.conftest import TEST_PASSWORD, World


async def login(
    client: httpx.AsyncClient, email: str, password: str = TEST_PASSWORD
) -> httpx.Response:
    """POST the OAuth2 password form."""
    return await client.post("/v1/auth/token", data={"username": email, "password": password})


def bearer(token: str) -> dict[str, str]:
    """Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


async def test_login_and_me(client: httpx.AsyncClient, world: World) -> None:
    response = await login(client, world["therapist"].email.upper())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    assert body["refresh_token"].startswith("nsr_")
    me = await client.get("/v1/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["role"] == "therapist"
    assert me.json()["practice_id"] == str(world.practice_id)
    assert me.json()["purpose_of_use"] == "TREAT"


async def test_wrong_password_is_401_problem(client: httpx.AsyncClient, world: World) -> None:
    response = await login(client, world["admin"].email, "not-the-password")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "Wrong email or password"
    unknown = await login(client, "nobody@test.example", "whatever-password")
    assert unknown.status_code == 401
    assert unknown.json()["detail"] == response.json()["detail"]


async def test_five_failures_lock_the_account(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    email = world["therapist2"].email
    for _ in range(5):
        assert (await login(client, email, "wrong-password!")).status_code == 401
    locked = await login(client, email)
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["Retry-After"]) <= 15 * 60 + 1
    async with state.sessionmaker() as session:
        failures = await session.scalar(
            select(func.count()).where(
                col(LoginAttempt.email) == email, col(LoginAttempt.succeeded).is_(False)
            )
        )
    assert failures == 5
    other = await login(client, world["therapist"].email)
    assert other.status_code == 200


async def test_refresh_rotates_and_reuse_revokes_family(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    first = (await login(client, world["supervisor"].email)).json()
    second = await client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    reuse = await client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401
    # The whole family is revoked, so the newest token is dead too.
    newest = await client.post("/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert newest.status_code == 401
    async with state.sessionmaker() as session:
        live = await session.scalar(
            select(func.count()).where(
                col(RefreshToken.user_id) == world["supervisor"].id,
                col(RefreshToken.revoked_at).is_(None),
            )
        )
    assert live == 0


async def test_refresh_rejects_garbage_and_unknown_fields(client: httpx.AsyncClient) -> None:
    assert (
        await client.post("/v1/auth/refresh", json={"refresh_token": "nsr_x"})
    ).status_code == 401
    extra = await client.post("/v1/auth/refresh", json={"refresh_token": "x", "role": "admin"})
    assert extra.status_code == 422
    assert extra.json()["errors"][0]["loc"][-1] == "role"


async def test_logout_revokes_access_and_refresh(client: httpx.AsyncClient, world: World) -> None:
    tokens = (await login(client, world["auditor"].email)).json()
    headers = bearer(tokens["access_token"])
    out = await client.post(
        "/v1/auth/logout", headers=headers, json={"refresh_token": tokens["refresh_token"]}
    )
    assert out.status_code == 204
    assert (await client.get("/v1/me", headers=headers)).status_code == 401
    again = await client.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert again.status_code == 401


async def test_logout_without_a_body_ends_the_refresh_token_too(
    client: httpx.AsyncClient, world: World
) -> None:
    """The access token names its family: logging out with it alone ends that family."""
    tokens = (await login(client, world["therapist"].email)).json()
    other = (await login(client, world["therapist"].email)).json()  # another device
    headers = bearer(tokens["access_token"])
    assert (await client.post("/v1/auth/logout", headers=headers)).status_code == 204
    assert (await client.get("/v1/me", headers=headers)).status_code == 401
    again = await client.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert again.status_code == 401
    # The other device's session is its own family: it goes on.
    assert (await client.get("/v1/me", headers=bearer(other["access_token"]))).status_code == 200
    kept = await client.post("/v1/auth/refresh", json={"refresh_token": other["refresh_token"]})
    assert kept.status_code == 200, kept.text


@pytest.mark.parametrize("attempt", range(3))
async def test_one_refresh_token_sent_twice_at_once_rotates_once(
    client: httpx.AsyncClient, world: World, attempt: int
) -> None:
    """The second use is reuse, whichever comes second: 401, and the family ends."""
    tokens = (await login(client, world["therapist"].email)).json()
    body = {"refresh_token": tokens["refresh_token"]}
    answers = await asyncio.gather(
        client.post("/v1/auth/refresh", json=body), client.post("/v1/auth/refresh", json=body)
    )
    assert sorted(a.status_code for a in answers) == [200, 401]
    [won] = [a for a in answers if a.status_code == 200]
    after = await client.post(
        "/v1/auth/refresh", json={"refresh_token": won.json()["refresh_token"]}
    )
    assert after.status_code == 401  # the family was revoked by the reuse


async def test_logins_are_audited(client: httpx.AsyncClient, world: World, state: AppState) -> None:
    await login(client, world["admin"].email, "bad-password-123")
    await login(client, world["admin"].email)
    async with state.sessionmaker() as session:
        rows = (
            await session.execute(
                select(col(AuditEvent.outcome), col(AuditEvent.http_status))
                .where(
                    col(AuditEvent.action) == "auth.login",
                    col(AuditEvent.resource_id) == str(world["admin"].id),
                )
                .order_by(col(AuditEvent.occurred_at))
            )
        ).all()
    assert [tuple(r) for r in rows] == [("denied", 401), ("success", 200)]


@pytest.mark.parametrize("password", ["", "x" * 257])
async def test_login_form_validation(client: httpx.AsyncClient, password: str) -> None:
    response = await client.post(
        "/v1/auth/token", data={"username": "a@b.example", "password": password}
    )
    assert response.status_code == 422
    assert password not in response.text or password == ""
