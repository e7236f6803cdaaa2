"""A signing secret is shown once: an idempotent replay answers without it (SPEC §9)."""

from __future__ import annotations

import uuid

import httpx

from tests.conftest import World


async def test_replays_of_a_creation_and_a_rotation_show_no_secret(
    client: httpx.AsyncClient, world: World
) -> None:
    admin = world["admin"].headers
    body = {"url": "http://127.0.0.1:9/hook", "event_types": ["client.*"]}
    idem = {"Idempotency-Key": f"hook-{uuid.uuid4().hex}"}
    first = await client.post("/v1/webhook-endpoints", json=body, headers=admin | idem)
    again = await client.post("/v1/webhook-endpoints", json=body, headers=admin | idem)
    assert first.status_code == again.status_code == 201, again.text
    assert first.json()["secret"].startswith("whsec_")
    assert again.json() == first.json() | {"secret": None}

    url = f"/v1/webhook-endpoints/{first.json()['id']}/rotate-secret"
    idem = {"Idempotency-Key": f"rotate-{uuid.uuid4().hex}"}
    rotated = await client.post(url, headers=admin | idem)
    replayed = await client.post(url, headers=admin | idem)
    assert rotated.status_code == replayed.status_code == 200, replayed.text
    assert rotated.json()["secret"].startswith("whsec_")
    assert replayed.json() == rotated.json() | {"secret": None}
    assert replayed.headers["idempotent-replayed"] == "true"
