"""A cursor belongs to the list that issued it: route, path, filters, order and caller.

SPEC §4 ("a tampered cursor is 400"); PageParams' description: 400 "when this service did not
issue it for this list". Replayed anywhere else it would skip or repeat rows silently.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.security.tokens import issue_access_token
from app.state import AppState
from tests.conftest import World
from tests.factories import Headers, clinical_case, create_client, make_api_key, problem

PHQ = {"instrument": "phq9", "items": [1, 1, 1, 1, 1, 1, 1, 1, 0]}


async def _cursor(http: httpx.AsyncClient, url: str, headers: Headers, **params: Any) -> str:
    page = await http.get(url, params={"limit": 1, **params}, headers=headers)
    assert page.status_code == 200, page.text
    cursor: str | None = page.json()["next_cursor"]
    assert cursor, "the list should have a second page"
    return cursor


def _refused(response: httpx.Response) -> None:
    body = problem(response, 400)
    assert body["detail"].startswith("Invalid pagination cursor: not one this list issued")


async def _clients(http: httpx.AsyncClient, world: World, therapist: str, n: int) -> list[str]:
    admin = world["admin"].headers
    owner = world[therapist].id
    return [(await create_client(http, admin, primary_therapist_id=owner))["id"] for _ in range(n)]


async def test_the_same_list_takes_its_cursor(client: httpx.AsyncClient, world: World) -> None:
    """Same route, filters and caller: the next page, whatever the query's order, with the
    default order written out or not, and with another page size."""
    ids = await _clients(client, world, "therapist", 3)
    admin = world["admin"].headers
    therapist_id = str(world["therapist"].id)
    cursor = await _cursor(client, "/v1/clients", admin, therapist_id=therapist_id)
    queries: list[dict[str, str | int]] = [
        {"therapist_id": therapist_id, "cursor": cursor},
        {"cursor": cursor, "order": "created_at", "therapist_id": therapist_id, "limit": 1},
    ]
    for params in queries:
        page = await client.get("/v1/clients", params=params, headers=admin)
        assert page.status_code == 200, page.text
        assert [c["id"] for c in page.json()["items"]][0] == ids[1]
    # The Link header repeats the list: following it walks on.
    first = await client.get("/v1/clients?limit=1&order=updated_at", headers=admin)
    second = await client.get(first.links["next"]["url"], headers=admin)
    assert second.status_code == 200, second.text
    assert second.json()["items"][0]["id"] != first.json()["items"][0]["id"]


async def test_another_route_refuses_it(client: httpx.AsyncClient, world: World) -> None:
    await clinical_case(client, world)  # one session, seven days ago
    await create_client(client, world["therapist"].headers)
    me = world["therapist"].headers
    cursor = await _cursor(client, "/v1/clients", me)
    _refused(await client.get("/v1/sessions", params={"cursor": cursor}, headers=me))


async def test_another_order_refuses_it(client: httpx.AsyncClient, world: World) -> None:
    await _clients(client, world, "therapist", 2)
    admin = world["admin"].headers
    cursor = await _cursor(client, "/v1/clients", admin)
    params = {"order": "updated_at", "cursor": cursor}
    _refused(await client.get("/v1/clients", params=params, headers=admin))


async def test_another_filter_refuses_it(client: httpx.AsyncClient, world: World) -> None:
    await _clients(client, world, "therapist", 2)
    await _clients(client, world, "therapist2", 2)
    admin = world["admin"].headers
    mine = str(world["therapist"].id)
    cursor = await _cursor(client, "/v1/clients", admin, therapist_id=mine)
    for other in ({"therapist_id": str(world["therapist2"].id)}, {}, {"status": "active"}):
        _refused(await client.get("/v1/clients", params={**other, "cursor": cursor}, headers=admin))


async def test_another_path_refuses_it(client: httpx.AsyncClient, world: World) -> None:
    """One client's measures cursor on another client's measures."""
    a, b = await clinical_case(client, world), await clinical_case(client, world)
    me = world["therapist"].headers
    for case in (a, b):
        for _ in range(2):
            made = await client.post(f"/v1/clients/{case.client_id}/measures", headers=me, json=PHQ)
            assert made.status_code == 201, made.text
    cursor = await _cursor(client, f"/v1/clients/{a.client_id}/measures", me)
    _refused(await client.get(f"/v1/clients/{b.client_id}/measures?cursor={cursor}", headers=me))
    again = await client.get(f"/v1/clients/{a.client_id}/measures?cursor={cursor}", headers=me)
    assert again.status_code == 200, again.text
    assert len(again.json()["items"]) == 1


async def test_another_audit_search_refuses_it(client: httpx.AsyncClient, world: World) -> None:
    a, b = await clinical_case(client, world), await clinical_case(client, world)
    auditor = world["auditor"].headers
    cursor = await _cursor(client, "/v1/audit/events", auditor, client_id=a.client_id)
    _refused(
        await client.get(
            "/v1/audit/events", params={"client_id": b.client_id, "cursor": cursor}, headers=auditor
        )
    )
    same = await client.get(
        "/v1/audit/events", params={"client_id": a.client_id, "cursor": cursor}, headers=auditor
    )
    assert same.status_code == 200, same.text


async def test_another_caller_refuses_it_a_fresh_token_does_not(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """Bound to the user (or API key) id, not to the token: a retry after a refresh goes on."""
    await _clients(client, world, "therapist", 2)
    admin = world["admin"]
    cursor = await _cursor(client, "/v1/clients", admin.headers)
    key = await make_api_key(state, world, ["clients:read"])
    _refused(await client.get("/v1/clients", params={"cursor": cursor}, headers=key))
    fresh, _ = issue_access_token(
        settings=state.settings,
        secret=state.secrets.jwt_secret,
        user_id=admin.id,
        practice_id=world.practice_id,
        role=admin.role,
    )
    assert fresh != admin.token
    page = await client.get(
        "/v1/clients", params={"cursor": cursor}, headers={"Authorization": f"Bearer {fresh}"}
    )
    assert page.status_code == 200, page.text
    assert len(page.json()["items"]) == 1


async def test_an_altered_cursor_is_refused(client: httpx.AsyncClient, world: World) -> None:
    await _clients(client, world, "therapist", 2)
    admin = world["admin"].headers
    cursor = await _cursor(client, "/v1/clients", admin)
    tampered = cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB")
    _refused(await client.get("/v1/clients", params={"cursor": tampered}, headers=admin))


def _lists(app: FastAPI) -> list[str]:
    """Every GET route that takes a cursor, read from the routes' dependency trees."""

    def takes_cursor(dependant: Any) -> bool:
        return any(f.alias == "cursor" for f in dependant.query_params) or any(
            takes_cursor(sub) for sub in dependant.dependencies
        )

    return sorted(
        route.path
        for route in app.routes
        if isinstance(route, APIRoute)
        and "GET" in (route.methods or ())
        and takes_cursor(route.dependant)
    )


async def test_every_list_refuses_a_cursor_it_did_not_issue(
    app: FastAPI, client: httpx.AsyncClient, world: World
) -> None:
    """The binding lives in PageParams: no list can be left out of it."""
    await _clients(client, world, "therapist", 2)
    admin = world["admin"].headers
    cursor = await _cursor(client, "/v1/clients", admin)
    lists = _lists(app)
    assert len(lists) >= 18, lists
    for path in lists:
        if path == "/v1/clients":
            continue
        url = path.replace("{id}", str(uuid.uuid4()))
        _refused(await client.get(url, params={"cursor": cursor}, headers=admin))
