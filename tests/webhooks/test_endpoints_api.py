"""Webhook endpoint routes: who may manage them, what they may subscribe to, and the seams."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select
from sqlmodel import col

from app.models import AuditEvent, WebhookEndpoint
from app.state import AppState
from tests.conftest import World
from tests.factories import make_api_key, problem
from tests.webhooks.support import make_endpoint

URL = "http://127.0.0.1:9/hooks"


async def test_admins_and_manage_keys_manage_endpoints_others_are_refused(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    manager = await make_api_key(state, world, ["webhooks:manage", "sessions:read"])
    made = await make_endpoint(client, manager, URL, ["session.*"])
    assert made["event_types"] == ["session.created", "session.updated"]
    shown = await client.get(f"/v1/webhook-endpoints/{made['id']}", headers=world["admin"].headers)
    assert shown.status_code == 200
    assert "secret" not in shown.json()
    listed = await client.get("/v1/webhook-endpoints", headers=manager)
    assert [e["id"] for e in listed.json()["items"]] == [made["id"]]
    assert "secret" not in listed.json()["items"][0]
    other = await make_api_key(state, world, ["events:read", "sessions:read"])
    for headers in (other, world["therapist"].headers, world["auditor"].headers):
        problem(await client.get("/v1/webhook-endpoints", headers=headers), 403)
        body = {"url": URL, "event_types": ["session.created"]}
        problem(await client.post("/v1/webhook-endpoints", json=body, headers=headers), 403)
    glass = {**world["therapist"].headers, "X-Break-Glass-Reason": "emergency after hours"}
    problem(await client.get("/v1/webhook-endpoints", headers=glass), 403)


async def test_subscriptions_are_limited_to_what_the_creator_reads(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    manager = await make_api_key(state, world, ["webhooks:manage", "sessions:read"])
    for types in (["note.signed"], ["client.created"], ["measure.*"], ["nonsense.kind"]):
        body = {"url": URL, "event_types": types}
        problem(await client.post("/v1/webhook-endpoints", json=body, headers=manager), 422)
    admin = world["admin"].headers
    body = {"url": URL, "event_types": ["episode.opened"]}
    problem(await client.post("/v1/webhook-endpoints", json=body, headers=admin), 422)
    problem(await client.post("/v1/webhook-endpoints", json={"url": URL}, headers=admin), 422)
    body = {"url": URL, "event_types": ["client.created"], "secret": "mine"}
    problem(await client.post("/v1/webhook-endpoints", json=body, headers=admin), 422)


async def test_another_practice_gets_404_everywhere(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    made = await make_endpoint(client, world["admin"].headers, URL)
    stranger = other_world["admin"].headers
    base = f"/v1/webhook-endpoints/{made['id']}"
    problem(await client.get(base, headers=stranger), 404)
    problem(await client.patch(base, json={"description": "x"}, headers=stranger), 404)
    problem(await client.delete(base, headers=stranger), 404)
    problem(await client.post(f"{base}/rotate-secret", headers=stranger), 404)
    problem(await client.post(f"{base}/test", headers=stranger), 404)
    problem(await client.get(f"{base}/deliveries", headers=stranger), 404)
    ping = await client.post(f"{base}/test", headers=world["admin"].headers)
    problem(
        await client.post(f"/v1/webhook-deliveries/{ping.json()['id']}/retry", headers=stranger),
        404,
    )
    problem(await client.get(f"/v1/webhook-endpoints/{uuid.uuid4()}", headers=stranger), 404)


async def test_secrets_are_encrypted_at_rest_and_deletion_drops_the_log(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    admin = world["admin"].headers
    made = await make_endpoint(client, admin, URL)
    await client.post(f"/v1/webhook-endpoints/{made['id']}/test", headers=admin)
    async with state.sessionmaker() as db:
        row = await db.get(WebhookEndpoint, uuid.UUID(made["id"]))
        assert row is not None
        assert made["secret"] not in row.secret
        assert not row.secret.startswith("whsec_")
    deleted = await client.delete(f"/v1/webhook-endpoints/{made['id']}", headers=admin)
    assert deleted.status_code == 204
    problem(await client.get(f"/v1/webhook-endpoints/{made['id']}", headers=admin), 404)


async def test_idempotent_create_replays_and_large_bodies_are_refused(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    headers = {**world["admin"].headers, "Idempotency-Key": uuid.uuid4().hex}
    body = {"url": URL, "event_types": ["client.created"]}
    first = await client.post("/v1/webhook-endpoints", json=body, headers=headers)
    again = await client.post("/v1/webhook-endpoints", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    listed = await client.get("/v1/webhook-endpoints", headers=world["admin"].headers)
    assert len(listed.json()["items"]) == 1
    huge = {"url": URL, "event_types": ["client.created"], "description": "x" * (1024 * 1024)}
    problem(
        await client.post("/v1/webhook-endpoints", json=huge, headers=world["admin"].headers), 413
    )


async def test_each_request_leaves_one_audit_event(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    admin = world["admin"].headers
    made = await make_endpoint(client, admin, URL)
    base = f"/v1/webhook-endpoints/{made['id']}"
    calls = [
        ("get", base, "webhook_endpoint.read"),
        ("post", f"{base}/rotate-secret", "webhook_endpoint.rotate_secret"),
        ("post", f"{base}/test", "webhook_endpoint.test"),
        ("get", f"{base}/deliveries", "webhook_delivery.list"),
        ("delete", base, "webhook_endpoint.delete"),
    ]
    for method, path, action in calls:
        rid = uuid.uuid4().hex
        response = await client.request(method, path, headers={**admin, "X-Request-ID": rid})
        assert response.status_code < 300, response.text
        async with state.sessionmaker() as db:
            found = await db.execute(
                select(col(AuditEvent.action)).where(col(AuditEvent.request_id) == rid)
            )
            assert list(found.scalars()) == [action]


async def test_unstorable_or_multi_line_text_is_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    admin = world["admin"].headers
    for body in (
        {"url": "http://127.0.0.1:9/\u0000", "event_types": ["client.created"]},
        {"url": URL, "event_types": ["client.created"], "description": "a\u0000b"},
        {"url": "http://127.0.0.1:9/a\nb", "event_types": ["client.created"]},
        {"url": URL, "event_types": ["client.\u0000"]},
    ):
        problem(await client.post("/v1/webhook-endpoints", json=body, headers=admin), 422)
