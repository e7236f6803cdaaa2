"""Login, refresh rotation, logout and /v1/me."""

from __future__ import annotations

import httpx

from tests.conftest import TEST_PASSWORD, World


async def login(client: httpx.AsyncClient, email: str, password: str = TEST_PASSWORD) -> httpx.Response:
    return await client.post("/v1/auth/token", data={"username": email, "password": password})


async def test_login_and_me(client: httpx.AsyncClient, world: World) -> None:
    response = await login(client, world["therapist"].email.upper())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    me = await client.get("/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["role"] == "therapist"
    assert me.json()["practice_id"] == str(world.practice_id)
