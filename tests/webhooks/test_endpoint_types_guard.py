"""A manager may not take over an endpoint that delivers event types it may not read itself.

Pointing an endpoint elsewhere, taking a new secret, pinging it or reading its delivery log
would hand its deliveries (clinical events, for an integration with clinical scopes) to an
admin or an operational key that may never subscribe to them (SPEC §2, §9).
"""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select
from sqlmodel import col

from app.models import AuditEvent, WebhookEndpoint
from app.state import AppState
from tests.conftest import World
from tests.factories import create_client, make_api_key, open_episode, problem
from tests.webhooks.support import deliverer, make_endpoint, run_passes

URL = "http://127.0.0.1:9/ehr"
ELSEWHERE = "http://127.0.0.1:9/elsewhere"


async def _clinical_endpoint(
    client: httpx.AsyncClient, state: AppState, world: World
) -> tuple[dict[str, str], dict[str, str]]:
    key = await make_api_key(state, world, ["webhooks:manage", "progress:read", "notes:read"])
    made = await make_endpoint(client, key, URL, ["episode.*", "note.*"])
    return key, made


async def test_admins_and_operational_keys_cannot_redirect_or_read_a_clinical_endpoint(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    owner, made = await _clinical_endpoint(client, state, world)
    base = f"/v1/webhook-endpoints/{made['id']}"
    operational = await make_api_key(state, world, ["webhooks:manage", "sessions:read"])
    for headers in (world["admin"].headers, operational):
        refused = [
            await client.patch(base, json={"url": ELSEWHERE}, headers=headers),
            await client.patch(base, json={"description": "mine now"}, headers=headers),
            await client.patch(base, json={"enabled": True}, headers=headers),
            await client.post(f"{base}/rotate-secret", headers=headers),
            await client.post(f"{base}/test", headers=headers),
            await client.get(f"{base}/deliveries", headers=headers),
        ]
        for response in refused:
            assert "secret" not in problem(response, 403)
        # The endpoint itself (URL, types, no secret) stays visible to every manager.
        assert (await client.get(base, headers=headers)).status_code == 200
    async with state.sessionmaker() as db:
        endpoint = await db.get(WebhookEndpoint, uuid.UUID(made["id"]))
        assert endpoint is not None
        assert endpoint.url == URL
        assert endpoint.description == "test receiver"
        assert endpoint.previous_secret is None  # never rotated
    # The integration that may read those types still manages its endpoint.
    moved = await client.patch(base, json={"url": ELSEWHERE}, headers=owner)
    assert moved.status_code == 200, moved.text
    assert (await client.post(f"{base}/rotate-secret", headers=owner)).status_code == 200
    assert (await client.get(f"{base}/deliveries", headers=owner)).status_code == 200


async def test_a_refused_takeover_is_in_the_audit_log(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    _, made = await _clinical_endpoint(client, state, world)
    rid = uuid.uuid4().hex
    headers = {**world["admin"].headers, "X-Request-ID": rid}
    response = await client.patch(
        f"/v1/webhook-endpoints/{made['id']}", json={"url": ELSEWHERE}, headers=headers
    )
    problem(response, 403)
    async with state.sessionmaker() as db:
        found = await db.execute(
            select(
                col(AuditEvent.action), col(AuditEvent.http_status), col(AuditEvent.actor_id)
            ).where(col(AuditEvent.request_id) == rid)
        )
        assert [tuple(r) for r in found] == [("webhook_endpoint.update", 403, world["admin"].id)]


async def test_a_clinical_delivery_is_retried_only_by_whoever_may_read_it(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    owner, made = await _clinical_endpoint(client, state, world)
    therapist = world["therapist"].headers
    await open_episode(client, therapist, (await create_client(client, therapist))["id"])
    d = deliverer(state)
    await run_passes(d)
    await d.close()
    log = await client.get(f"/v1/webhook-endpoints/{made['id']}/deliveries", headers=owner)
    assert log.status_code == 200, log.text
    delivery = next(i for i in log.json()["items"] if i["event_type"].startswith("episode."))
    retry = f"/v1/webhook-deliveries/{delivery['id']}/retry"
    operational = await make_api_key(state, world, ["webhooks:manage", "sessions:read"])
    for headers in (world["admin"].headers, operational):
        problem(await client.post(retry, headers=headers), 403)
    assert (await client.post(retry, headers=owner)).status_code == 202


async def test_an_admins_own_endpoint_is_still_managed_by_the_admin(
    client: httpx.AsyncClient, world: World
) -> None:
    admin = world["admin"].headers
    made = await make_endpoint(client, admin, URL, ["client.*"])
    base = f"/v1/webhook-endpoints/{made['id']}"
    assert (await client.patch(base, json={"url": ELSEWHERE}, headers=admin)).status_code == 200
    assert (await client.post(f"{base}/rotate-secret", headers=admin)).status_code == 200
    assert (await client.post(f"{base}/test", headers=admin)).status_code == 202
    assert (await client.get(f"{base}/deliveries", headers=admin)).status_code == 200
