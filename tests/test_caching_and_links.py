"""SPEC §4 caching and lists: 304, strong If-Match, Cache-Control, Link, unknown parameters, 405."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from app.state import AppState
from tests.audit.conftest import events_of_request
from tests.conftest import World
from tests.factories import clinical_case, create_client, make_api_key, problem

GLASS = {"X-Break-Glass-Reason": "On call: client in crisis at the front desk"}


async def _one_event(
    state: AppState,
    http: httpx.AsyncClient,
    method: str,
    url: str,
    headers: dict[str, str],
    json: dict[str, Any] | None = None,
) -> tuple[httpx.Response, Any]:
    """Send a request with a fresh id; return the response and its single audit event."""
    rid = uuid.uuid4().hex
    response = await http.request(method, url, headers={**headers, "X-Request-ID": rid}, json=json)
    [event] = await events_of_request(state, rid)
    return response, event


@pytest.mark.parametrize("who", ["therapist", "supervisor", "admin", "api_key", "glass"])
async def test_if_none_match_with_the_current_etag_is_304(
    state: AppState, client: httpx.AsyncClient, world: World, who: str
) -> None:
    case = await clinical_case(client, world)
    headers = {
        "therapist": world["therapist"].headers,
        "supervisor": world["supervisor"].headers,  # supervises the trainee on the care team
        "admin": world["admin"].headers,
        "api_key": await make_api_key(state, world, ["clients:read"]),
        "glass": {**world["therapist2"].headers, **GLASS},
    }[who]
    url = f"/v1/clients/{case.client_id}"
    full = await client.get(url, headers=headers)
    assert full.status_code == 200, full.text
    etag = full.headers["ETag"]
    for held in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        cached, event = await _one_event(
            state, client, "GET", url, headers={**headers, "If-None-Match": held}
        )
        assert cached.status_code == 304, held
        assert cached.content == b""
        assert cached.headers["ETag"] == etag
        assert cached.headers["Cache-Control"] == "no-store"
        assert "content-type" not in cached.headers
        assert (event.http_status, event.action, event.client_ids) == (
            304,
            "client.read",
            [case.client_id],
        )
    stale = await client.get(url, headers={**headers, "If-None-Match": '"0000-0"'})
    assert (stale.status_code, stale.json()) == (200, full.json())


async def test_if_none_match_never_turns_a_refusal_into_304(
    client: httpx.AsyncClient, world: World
) -> None:
    case = await clinical_case(client, world)
    url = f"/v1/clients/{case.client_id}"
    etag = (await client.get(url, headers=world["therapist"].headers)).headers["ETag"]
    for headers in (world["therapist2"].headers, world["auditor"].headers, {}):
        refused = await client.get(url, headers={**headers, "If-None-Match": etag})
        assert refused.status_code in (401, 403, 404)
        assert "etag" not in refused.headers


async def test_if_match_compares_strongly(client: httpx.AsyncClient, world: World) -> None:
    me = world["therapist"].headers
    made = await create_client(client, me, primary_therapist_id=world["therapist"].id)
    url = f"/v1/clients/{made['id']}"
    weak = await client.patch(
        url, json={"given_name": "Eve"}, headers={**me, "If-Match": f"W/{made['etag']}"}
    )
    problem(weak, 412)
    strong = await client.patch(
        url, json={"given_name": "Eve"}, headers={**me, "If-Match": made["etag"]}
    )
    assert strong.status_code == 200, strong.text


async def test_every_v1_response_says_no_store(client: httpx.AsyncClient, world: World) -> None:
    me = world["therapist"].headers
    created = await client.post(
        "/v1/clients",
        json={
            "given_name": "A",
            "family_name": "B",
            "primary_therapist_id": str(world["therapist"].id),
        },
        headers=me,
    )
    answers = [
        created,
        await client.get("/v1/clients", headers=me),
        await client.get(created.headers["Location"], headers=me),
        await client.get(f"/v1/clients/{uuid.uuid4()}", headers=me),
        await client.get("/v1/me"),
    ]
    assert [r.headers.get("cache-control") for r in answers] == ["no-store"] * len(answers)
    assert "cache-control" not in (await client.get("/health/live")).headers


async def test_lists_link_to_their_next_page(client: httpx.AsyncClient, world: World) -> None:
    me = world["therapist"].headers
    for name in ("One", "Two", "Three"):
        await create_client(client, me, given_name=name, primary_therapist_id=world["therapist"].id)
    url = f"/v1/clients?limit=2&therapist_id={world['therapist'].id}"
    seen: list[str] = []
    while url:
        page = await client.get(url, headers=me)
        assert page.status_code == 200, page.text
        seen += [c["given_name"] for c in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        link = page.headers.get("link")
        if cursor is None:
            assert link is None
            break
        assert link is not None
        target, rel = link.split("; ")
        assert rel == 'rel="next"'
        url = target.removeprefix("<").removesuffix(">")
        assert url.startswith("/v1/clients?limit=2&therapist_id=")
        assert url.endswith(f"&cursor={cursor}")
    assert sorted(seen) == ["One", "Three", "Two"]


@pytest.mark.parametrize("who", ["therapist", "admin", "auditor", "api_key"])
async def test_an_unknown_query_parameter_is_422_under_its_caller(
    state: AppState, client: httpx.AsyncClient, world: World, who: str
) -> None:
    key = await make_api_key(state, world, ["clients:read", "clients:write"])
    headers = key if who == "api_key" else world[who].headers
    response, event = await _one_event(
        state, client, "GET", "/v1/clients?statuss=active&limit=5", headers=headers
    )
    body = problem(response, 422)
    assert body["errors"] == [
        {"loc": ["query", "statuss"], "msg": "Unknown query parameter", "type": "extra_forbidden"}
    ]
    assert (event.http_status, event.action) == (422, "client.list")
    assert event.actor_id is not None  # recorded under the caller, not as anonymous
    created, _ = await _one_event(
        state,
        client,
        "POST",
        "/v1/clients?dry_run=1",
        headers=headers,
        json={
            "given_name": "No",
            "family_name": "Body",
            "primary_therapist_id": str(world["therapist"].id),
        },
    )
    problem(created, 422)
    assert (await client.get("/v1/audit/public-key?format=pem")).status_code == 422


@pytest.mark.parametrize("who", ["therapist", "api_key"])
async def test_a_repeated_query_parameter_is_422_not_one_of_its_values(
    state: AppState, client: httpx.AsyncClient, world: World, who: str
) -> None:
    key = await make_api_key(state, world, ["clients:read"])
    headers = key if who == "api_key" else world[who].headers
    mine = str(world["therapist"].id)
    url = f"/v1/clients?therapist_id={mine}&therapist_id={uuid.uuid4()}&limit=2&limit=3"
    response, event = await _one_event(state, client, "GET", url, headers=headers)
    body = problem(response, 422)
    assert [(e["loc"], e["type"]) for e in body["errors"]] == [
        (["query", "limit"], "repeated"),
        (["query", "therapist_id"], "repeated"),
    ]
    assert (event.http_status, event.action) == (422, "client.list")
    assert event.actor_id is not None  # recorded under the caller, not as anonymous
    once = await client.get(f"/v1/clients?therapist_id={mine}&limit=2", headers=headers)
    assert once.status_code == 200


async def test_a_repeated_client_id_names_every_client_aimed_at(
    state: AppState, client: httpx.AsyncClient, world: World
) -> None:
    me = world["therapist"].headers
    a = await create_client(client, me)
    b = await create_client(client, me)
    url = f"/v1/sessions?client_id={a['id']}&client_id={b['id']}"
    response, event = await _one_event(state, client, "GET", url, headers=me)
    problem(response, 422)
    assert set(event.client_ids) == {a["id"], b["id"]}


async def test_declared_filters_still_work(client: httpx.AsyncClient, world: World) -> None:
    me = world["therapist"].headers
    ok = await client.get(
        f"/v1/clients?status=active&limit=1&therapist_id={world['therapist'].id}", headers=me
    )
    assert ok.status_code == 200, ok.text


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/v1/clients", "GET, POST"),
        ("/v1/clients/{id}", "GET, PATCH"),
        ("/v1/notes/{id}", "GET, PATCH, DELETE"),
        ("/v1/api-keys", "GET, POST"),
        ("/v1/me", "GET"),
    ],
)
async def test_unsupported_methods_are_405_with_every_allowed_method(
    state: AppState, client: httpx.AsyncClient, world: World, path: str, allow: str
) -> None:
    url = path.replace("{id}", str(uuid.uuid4()))
    for method in ("OPTIONS", "PUT", "TRACE"):
        if method in allow:
            continue
        response, event = await _one_event(
            state, client, method, url, headers=world["admin"].headers
        )
        problem(response, 405)
        assert response.headers["Allow"] == allow
        assert event.http_status == 405
