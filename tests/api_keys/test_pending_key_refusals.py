"""A pending clinical key's refused request names the client it aimed at (SPEC §6, §2.1)."""

from __future__ import annotations

import httpx

from app.state import AppState
from tests.conftest import World
from tests.factories import clinical_case
from tests.one_path import only_event, send


async def test_pending_key_refusal_names_the_client(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    case = await clinical_case(client, world)
    created = await send(
        client,
        "POST",
        "/v1/api-keys",
        world["admin"].headers,
        json={"name": "k", "scopes": ["progress:read", "clients:read"]},
    )
    assert created.status_code == 201, created.text
    key = {"Authorization": f"Bearer {created.json()['key']}"}
    for path in (f"/v1/clients/{case.client_id}", f"/v1/episodes/{case.episode_id}"):
        refused = await send(client, "GET", path, key)
        assert refused.status_code == 403, refused.text
        event = await only_event(state, refused.headers["x-request-id"])
        assert event["client_ids"] == [case.client_id], (path, event["client_ids"])


async def test_pending_key_malformed_body_names_the_client(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """The refused-body path relies on get_caller "having named the target already"
    (app/security/refused_bodies.py:86-87), which is false for a pending key."""
    case = await clinical_case(client, world)
    created = await send(
        client,
        "POST",
        "/v1/api-keys",
        world["admin"].headers,
        json={"name": "k", "scopes": ["progress:read", "clients:write"]},
    )
    key = {
        "Authorization": f"Bearer {created.json()['key']}",
        "content-type": "application/json",
        "If-Match": case.client_etag,
    }
    refused = await send(
        client, "PATCH", f"/v1/clients/{case.client_id}", key, content=b"{not json"
    )
    assert refused.status_code >= 400, refused.text
    event = await only_event(state, refused.headers["x-request-id"])
    assert event["actor_type"] == "api_key"
    assert event["client_ids"] == [case.client_id], (refused.status_code, event["client_ids"])
