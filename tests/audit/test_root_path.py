"""Behind a proxy prefix (ASGI root_path, which the app's routing explicitly supports:
app/routing.py, docs/adr/0020), a client read must still leave its audit event (SPEC §6)."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from app.state import AppState
from tests.audit.conftest import events_of_request
from tests.conftest import World
from tests.factories import create_client


async def test_a_read_under_a_root_path_leaves_an_event(
    app: FastAPI, client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    made = await create_client(client, world["therapist"].headers)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000), root_path="/api")
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as prefixed:
        rid = "rootpath-" + made["id"][:8]
        answer = await prefixed.get(
            f"/api/v1/clients/{made['id']}",
            headers=world["therapist"].headers | {"X-Request-ID": rid},
        )
    # The client's demographics were served ...
    assert answer.status_code == 200, answer.text
    assert answer.json()["id"] == made["id"]
    # ... so the data must not be cacheable, and the access log must name the client.
    events = await events_of_request(state, rid)
    assert len(events) == 1, f"no audit event for a served client read: {events}"
    assert events[0].client_ids == [made["id"]]
    assert answer.headers.get("cache-control") == "no-store"


async def test_refusals_under_a_root_path_name_their_client(
    app: FastAPI, client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    made = await create_client(client, world["therapist"].headers)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000), root_path="/api")
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as prefixed:
        # Not on the care team: 404, named. A mistyped sub-path: 404, named by its prefix.
        for path, rid in (("", "rp-outsider"), ("/episodez", "rp-mistyped")):
            answer = await prefixed.get(
                f"/api/v1/clients/{made['id']}{path}",
                headers=world["therapist2"].headers | {"X-Request-ID": rid},
            )
            assert answer.status_code == 404, answer.text
            [event] = await events_of_request(state, rid)
            assert (event.http_status, event.client_ids) == (404, [made["id"]])
        wrong = await prefixed.put(
            f"/api/v1/clients/{made['id']}", headers=world["therapist"].headers
        )
        assert wrong.status_code == 405
        assert "PATCH" in wrong.headers["allow"]
