"""Twin requests on users, tokens and keys: one wins, the other gets a clear 4xx (409 for a
second approval, rotation or email), never a 5xx, a double act or a secret that never works."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from app.state import AppState
from tests.auth.support import bearer, login
from tests.conftest import World, add_members


async def test_two_supervisors_approving_at_once_one_wins(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    await add_members(state, world, "supervisor2")
    for _ in range(3):
        created = await client.post(
            "/v1/api-keys",
            json={"name": "k", "scopes": ["notes:read"]},
            headers=world["admin"].headers,
        )
        assert created.status_code == 201
        kid = created.json()["id"]
        answers = await asyncio.gather(
            client.post(f"/v1/api-keys/{kid}/approve", headers=world["supervisor"].headers),
            client.post(f"/v1/api-keys/{kid}/approve", headers=world["supervisor2"].headers),
        )
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [200, 409], [(a.status_code, a.text[:160]) for a in answers]


async def test_one_token_logged_out_twice_at_once(client: httpx.AsyncClient, world: World) -> None:
    for _ in range(3):
        tokens = (await login(client, world["therapist"].email)).json()
        answers = await asyncio.gather(
            client.post("/v1/auth/logout", headers=bearer(tokens["access_token"])),
            client.post("/v1/auth/logout", headers=bearer(tokens["access_token"])),
        )
        statuses = sorted(a.status_code for a in answers)
        assert all(s < 500 for s in statuses), [(a.status_code, a.text[:160]) for a in answers]


async def test_two_rotations_at_once_never_hand_out_a_dead_secret(
    client: httpx.AsyncClient, world: World
) -> None:
    admin = world["admin"].headers
    for _ in range(3):
        created = await client.post(
            "/v1/api-keys", json={"name": "k", "scopes": ["clients:read"]}, headers=admin
        )
        kid = created.json()["id"]
        answers = await asyncio.gather(
            client.post(f"/v1/api-keys/{kid}/rotate", json={"grace_seconds": 3600}, headers=admin),
            client.post(f"/v1/api-keys/{kid}/rotate", json={"grace_seconds": 3600}, headers=admin),
        )
        for a in answers:
            if a.status_code == 200:
                me = await client.get("/v1/me", headers=bearer(a.json()["key"]))
                assert me.status_code == 200, (
                    "a rotation answered 200 with a secret that never works"
                )
            else:
                assert 400 <= a.status_code < 500, a.text


async def test_concurrent_creates_of_one_email_are_409_not_500(
    client: httpx.AsyncClient, world: World
) -> None:
    for _ in range(3):
        email = f"race-{uuid.uuid4().hex[:8]}@test.example"
        body = {"email": email, "display_name": "Race", "role": "therapist"}
        answers = await asyncio.gather(
            *(client.post("/v1/users", json=body, headers=world["admin"].headers) for _ in range(4))
        )
        statuses = sorted(a.status_code for a in answers)
        assert statuses.count(201) == 1, statuses
        assert set(statuses) <= {201, 409}, [(a.status_code, a.text[:200]) for a in answers]
