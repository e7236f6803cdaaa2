"""API keys: shown once, stored hashed, scoped, revocable, last use recorded."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, update
from sqlmodel import col

from app.models import ApiKey
from app.security.caller import LAST_USED_RESOLUTION
from app.state import AppState
from tests.conftest import World


async def test_create_use_and_revoke(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    admin = world["admin"].headers
    created = await client.post(
        "/v1/api-keys", headers=admin, json={"name": "Scheduler", "scopes": ["clients:read"]}
    )
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    assert key.startswith("nsk_")
    assert len(key) >= 4 + 43
    key_headers = {"Authorization": f"Bearer {key}"}
    me = await client.get("/v1/me", headers=key_headers)
    assert me.status_code == 200
    assert me.json()["kind"] == "api_key"
    assert me.json()["scopes"] == ["clients:read"]
    assert me.json()["purpose_of_use"] == "HOPERAT"
    async with state.sessionmaker() as session:
        row = (
            await session.execute(
                select(ApiKey).where(col(ApiKey.id) == uuid.UUID(created.json()["id"]))
            )
        ).scalar_one()
    assert row.last_used_at is not None
    assert key not in (row.secret_hash, row.prefix)
    assert len(row.secret_hash) == 64
    listed = (await client.get("/v1/api-keys", headers=admin)).json()["items"]
    assert all("key" not in item for item in listed)
    assert (await client.delete(f"/v1/api-keys/{row.id}", headers=admin)).status_code == 204
    assert (await client.get("/v1/me", headers=key_headers)).status_code == 401
    assert (await client.delete(f"/v1/api-keys/{row.id}", headers=admin)).status_code == 404


async def test_keys_cannot_manage_keys_or_users(client: httpx.AsyncClient, world: World) -> None:
    admin = world["admin"].headers
    key = (
        await client.post(
            "/v1/api-keys", headers=admin, json={"name": "All", "scopes": ["clients:write"]}
        )
    ).json()["key"]
    headers = {"Authorization": f"Bearer {key}"}
    assert (await client.get("/v1/api-keys", headers=headers)).status_code == 403
    assert (await client.get("/v1/users", headers=headers)).status_code == 403
    glass = await client.get("/v1/me", headers={**headers, "X-Break-Glass-Reason": "x" * 20})
    assert glass.status_code == 403


async def test_bad_scopes_and_other_practice(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    admin = world["admin"].headers
    bad = await client.post("/v1/api-keys", headers=admin, json={"name": "x", "scopes": ["root"]})
    assert bad.status_code == 422
    empty = await client.post("/v1/api-keys", headers=admin, json={"name": "x", "scopes": []})
    assert empty.status_code == 422
    created = (
        await client.post(
            "/v1/api-keys", headers=admin, json={"name": "x", "scopes": ["notes:read"]}
        )
    ).json()
    foreign = other_world["admin"].headers
    assert (
        await client.delete(f"/v1/api-keys/{created['id']}", headers=foreign)
    ).status_code == 404
    assert (
        await client.post(
            "/v1/api-keys",
            headers=world["therapist"].headers,
            json={"name": "x", "scopes": ["notes:read"]},
        )
    ).status_code == 403


async def test_idempotent_create(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    admin = {**world["admin"].headers, "Idempotency-Key": "key-create-1"}
    body = {"name": "Once", "scopes": ["sessions:read"]}
    first = await client.post("/v1/api-keys", headers=admin, json=body)
    again = await client.post("/v1/api-keys", headers=admin, json=body)
    assert first.status_code == again.status_code == 201
    # The same answer, but the secret is shown once: never stored, never replayed.
    assert again.json() == first.json() | {"key": None}
    assert again.headers["idempotent-replayed"] == "true"
    different = await client.post(
        "/v1/api-keys", headers=admin, json={"name": "Other", "scopes": ["sessions:read"]}
    )
    assert different.status_code == 422
    foreign = {**other_world["admin"].headers, "Idempotency-Key": "key-create-1"}
    theirs = await client.post("/v1/api-keys", headers=foreign, json=body)
    assert theirs.status_code == 201
    assert theirs.json()["id"] != first.json()["id"]
    listed = (await client.get("/v1/api-keys", headers=world["admin"].headers)).json()["items"]
    assert [k["name"] for k in listed].count("Once") == 1


async def test_last_use_is_kept_to_the_minute(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """A use rewrites `last_used_at` once it is a minute old, not on every request (ADR 0006)."""
    created = await client.post(
        "/v1/api-keys",
        headers=world["admin"].headers,
        json={"name": "Portal", "scopes": ["clients:read"]},
    )
    key_id = uuid.UUID(created.json()["id"])
    key_headers = {"Authorization": f"Bearer {created.json()['key']}"}

    async def last_used() -> datetime:
        async with state.sessionmaker() as session:
            row = await session.get(ApiKey, key_id)
            assert row is not None
            assert row.last_used_at is not None
            return row.last_used_at

    async def set_last_used(at: datetime) -> None:
        async with state.engine.begin() as conn:
            await conn.execute(
                update(ApiKey).where(col(ApiKey.id) == key_id).values(last_used_at=at)
            )

    assert (await client.get("/v1/me", headers=key_headers)).status_code == 200
    first = await last_used()
    recent = first - timedelta(seconds=30)
    await set_last_used(recent)
    assert (await client.get("/v1/me", headers=key_headers)).status_code == 200
    assert await last_used() == recent  # within the minute: left as it was
    stale = first - timedelta(seconds=LAST_USED_RESOLUTION.total_seconds() + 5)
    await set_last_used(stale)
    assert (await client.get("/v1/me", headers=key_headers)).status_code == 200
    assert await last_used() > stale + LAST_USED_RESOLUTION  # rewritten by this use


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/v1/clients", {"given_name": "A", "family_name": "B"}, 403),  # a write
        ("GET", f"/v1/clients/{uuid.uuid4()}", None, 404),  # a read
        ("GET", "/v1/clients?limit=0", None, 422),
    ],
    ids=["refused-write", "missing", "bad-query"],
)
async def test_a_refused_use_shows_in_last_used_at(
    client: httpx.AsyncClient,
    world: World,
    state: AppState,
    method: str,
    path: str,
    body: dict[str, str] | None,
    status: int,
) -> None:
    """Every use of a key shows, a refused one too: its request's rollback does not undo it,
    on either database (a leaked key used only for refused writes is still seen)."""
    admin = world["admin"].headers
    created = await client.post(
        "/v1/api-keys", headers=admin, json={"name": "Leaky", "scopes": ["clients:read"]}
    )
    assert created.status_code == 201, created.text
    headers = {"Authorization": f"Bearer {created.json()['key']}"}
    answer = await client.request(method, path, json=body, headers=headers)
    assert answer.status_code == status, answer.text
    async with state.sessionmaker() as session:
        used = await session.scalar(
            select(col(ApiKey.last_used_at)).where(
                col(ApiKey.id) == uuid.UUID(created.json()["id"])
            )
        )
    assert used is not None
