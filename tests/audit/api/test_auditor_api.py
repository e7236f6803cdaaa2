"""The auditor API: search with every filter, pagination, access report, break-the-glass."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from app.db import utcnow
from app.state import AppState
from tests.audit.conftest import Spec, api_key_headers, events_of_request, seed
from tests.conftest import World


async def walk(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[Any]:
    """Every item of a paginated audit search, page by page."""
    items: list[Any] = []
    cursor = None
    while True:
        query = {**params, "limit": 3, **({"cursor": cursor} if cursor else {})}
        response = await client.get("/v1/audit/events", params=query, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


@pytest.fixture
async def seeded(state: AppState, world: World) -> dict[str, Any]:
    therapist, other = world["therapist"].id, world["therapist2"].id
    a, b = uuid.uuid4(), uuid.uuid4()
    start = utcnow() - timedelta(days=400)  # older than any time window
    specs = [
        Spec(actor_id=therapist, clients=[a], at=start),
        Spec(
            actor_id=therapist,
            clients=[a, b],
            action="note.read",
            resource_type="note",
            at=start + timedelta(days=1),
        ),
        Spec(
            actor_id=other, clients=[a], outcome="denied", status=403, at=start + timedelta(days=2)
        ),
        Spec(
            actor_id=other,
            clients=[b],
            outcome="not_found",
            status=404,
            at=start + timedelta(days=3),
        ),
        Spec(
            actor_id=other,
            clients=[a],
            purpose="ETREAT",
            break_glass="Client in crisis, on-call cover",
            at=start + timedelta(days=4),
        ),
        Spec(
            actor_id=therapist,
            clients=[],
            action="user.list",
            resource_type="user",
            purpose="HOPERAT",
            at=start + timedelta(days=5),
        ),
        Spec(
            actor_id=therapist,
            clients=[b],
            action="note.update",
            resource_type="note",
            at=start + timedelta(days=6),
        ),
    ]
    ids = await seed(state, world.practice_id, specs)
    return {"ids": ids, "a": a, "b": b, "start": start}


def ids(items: list[Any]) -> list[str]:
    """Ids of the seeded events (the auditor's own audit.* reads are left out)."""
    return [i["id"] for i in items if not i["action"].startswith("audit.")]


async def test_search_newest_first_with_every_filter(
    client: httpx.AsyncClient, world: World, seeded: dict[str, Any]
) -> None:
    h = world["auditor"].headers
    e = [str(i) for i in seeded["ids"]]
    everything = await walk(client, h, **{"from": seeded["start"].isoformat()})
    assert ids(everything)[:7] == e[::-1]  # newest first, whole history, no duplicates
    a, b = str(seeded["a"]), str(seeded["b"])
    assert ids(await walk(client, h, client_id=a)) == [e[4], e[2], e[1], e[0]]
    assert ids(await walk(client, h, client_id=b)) == [e[6], e[3], e[1]]
    assert ids(await walk(client, h, actor_id=str(world["therapist2"].id))) == [e[4], e[3], e[2]]
    assert ids(await walk(client, h, action="note.read")) == [e[1]]
    assert ids(await walk(client, h, outcome="denied")) == [e[2]]
    assert ids(await walk(client, h, resource_type="note")) == [e[6], e[1]]
    assert ids(await walk(client, h, break_glass="true")) == [e[4]]
    assert e[4] not in ids(await walk(client, h, break_glass="false", client_id=a))
    assert ids(await walk(client, h, purpose="ETREAT")) == [e[4]]
    window = {
        "from": (seeded["start"] + timedelta(days=2)).isoformat(),
        "to": (seeded["start"] + timedelta(days=4)).isoformat(),
    }
    assert ids(await walk(client, h, **window)) == [e[3], e[2]]
    assert ids(await walk(client, h, client_id=a, outcome="success", **window)) == []
    event = everything[2]
    assert set(event) == {
        "id",
        "occurred_at",
        "practice_id",
        "request_id",
        "actor",
        "action",
        "resource",
        "client_ids",
        "outcome",
        "http_status",
        "purpose_of_use",
        "break_glass_reason",
        "source_ip",
        "user_agent",
        "method",
        "route",
        "seq",
        "leaf_hash",
    }


async def test_search_input_errors(client: httpx.AsyncClient, world: World) -> None:
    h = world["auditor"].headers
    assert (await client.get("/v1/audit/events?limit=201", headers=h)).status_code == 422
    assert (await client.get("/v1/audit/events?cursor=forged", headers=h)).status_code == 400
    naive = await client.get("/v1/audit/events", params={"from": "2026-01-01T00:00:00"}, headers=h)
    assert naive.status_code == 422
    assert (await client.get("/v1/audit/events?outcome=meh", headers=h)).status_code == 422
    for name in ("action", "resource_type", "purpose"):
        odd = await client.get("/v1/audit/events", params={name: "x\x00y"}, headers=h)
        assert odd.status_code == 422, name


async def test_auditor_reads_are_audited(
    state: AppState, client: httpx.AsyncClient, world: World, seeded: dict[str, Any], rid: str
) -> None:
    h = {**world["auditor"].headers, "X-Request-ID": rid}
    response = await client.get(
        "/v1/audit/events", params={"client_id": str(seeded["a"])}, headers=h
    )
    assert response.status_code == 200
    [event] = await events_of_request(state, rid)
    assert (event.action, event.actor_id, event.actor_role) == (
        "audit.search",
        world["auditor"].id,
        "auditor",
    )
    assert (event.outcome, event.purpose_of_use) == ("success", "HOPERAT")
    # The page held events about clients a and b: both are named.
    assert set(event.client_ids) == {str(seeded["a"]), str(seeded["b"])}


@pytest.mark.parametrize(
    "path",
    [
        "/v1/audit/events",
        "/v1/audit/break-glass",
        "/v1/audit/checkpoints",
        "/v1/audit/checkpoints/latest",
        "/v1/audit/verify",
        "/v1/audit/export",
        "/v1/audit/consistency?first=0",
        # Fixed ids that name nothing: a test id must not change between runs (a seed
        # replays the order of ids, and a failing id is rerun by name).
        "/v1/audit/events/6a0c9a1e-4d6f-4c3a-9b1e-2f0d8c7b5a41",
        "/v1/audit/events/6a0c9a1e-4d6f-4c3a-9b1e-2f0d8c7b5a42/proof",
        "/v1/audit/clients/6a0c9a1e-4d6f-4c3a-9b1e-2f0d8c7b5a43/access-report",
    ],
)
async def test_only_auditors(
    state: AppState, client: httpx.AsyncClient, world: World, path: str
) -> None:
    for name in ("admin", "therapist", "supervisor", "trainee"):
        response = await client.get(path, headers=world[name].headers)
        assert response.status_code == 403, (name, response.text)
    assert (await client.get(path)).status_code == 401
    wrong_scope = await api_key_headers(state, world, ["clients:read", "notes:read"])
    assert (await client.get(path, headers=wrong_scope)).status_code == 403
    audit_key = await api_key_headers(state, world, ["audit:read"])
    assert (await client.get(path, headers=audit_key)).status_code in (200, 404, 409)


async def test_other_practice_sees_nothing(
    client: httpx.AsyncClient,
    world: World,
    other_world: World,
    seeded: dict[str, Any],
    state: AppState,
) -> None:
    h = other_world["auditor"].headers
    assert await walk(client, h, client_id=str(seeded["a"])) == []
    event_id = seeded["ids"][0]
    assert (await client.get(f"/v1/audit/events/{event_id}", headers=h)).status_code == 404
    report = await client.get(
        f"/v1/audit/clients/{seeded['a']}/access-report",
        headers=h | {"X-Request-ID": "foreign-report"},
    )
    assert report.json()["total_events"] == 0
    # Another practice's client is no client of this practice's log: the event names none.
    [event] = await events_of_request(state, "foreign-report")
    assert (event.practice_id, event.client_ids) == (other_world.practice_id, [])
    review = await client.post(
        f"/v1/audit/events/{event_id}/review", headers=h, json={"decision": "justified"}
    )
    assert review.status_code == 404


async def test_access_report(
    client: httpx.AsyncClient, world: World, seeded: dict[str, Any]
) -> None:
    response = await client.get(
        f"/v1/audit/clients/{seeded['a']}/access-report", headers=world["auditor"].headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total_events"] == 4
    by_actor = {a["actor_id"]: a for a in body["actors"]}
    mine = by_actor[str(world["therapist"].id)]
    assert mine["by_action"] == {"client.read": 1, "note.read": 1}
    assert (mine["total"], mine["role"], mine["break_glass_count"]) == (2, "therapist", 0)
    theirs = by_actor[str(world["therapist2"].id)]
    assert theirs["by_outcome"] == {"denied": 1, "success": 1}
    assert theirs["break_glass_count"] == 1
    assert theirs["first_access"] < theirs["last_access"]
    assert body["actors"][0]["actor_id"] == str(world["therapist2"].id)  # latest first


async def test_break_glass_list_and_review(
    state: AppState, client: httpx.AsyncClient, world: World, seeded: dict[str, Any], rid: str
) -> None:
    h = world["auditor"].headers
    listed = (await client.get("/v1/audit/break-glass", headers=h)).json()["items"]
    assert [(i["event"]["id"], i["status"]) for i in listed] == [(str(seeded["ids"][4]), "pending")]
    target = seeded["ids"][4]
    response = await client.post(
        f"/v1/audit/events/{target}/review",
        headers={**h, "X-Request-ID": rid},
        json={"decision": "justified", "comment": "On-call cover"},
    )
    assert response.status_code == 201, response.text
    review = response.json()
    [event] = await events_of_request(state, rid)
    assert (event.action, event.resource_type, event.resource_id) == (
        "audit.review",
        "audit_event",
        str(target),
    )
    assert str(event.id) == review["review_event_id"]  # the review's own event
    assert event.client_ids == [str(seeded["a"])]
    listed = (await client.get("/v1/audit/break-glass", headers=h)).json()["items"]
    assert listed[0]["status"] == "reviewed"
    assert [r["decision"] for r in listed[0]["reviews"]] == ["justified"]
    pending = await client.get("/v1/audit/break-glass?reviewed=false", headers=h)
    assert pending.json()["items"] == []
    key = await api_key_headers(state, world, ["audit:read"])
    denied = await client.post(
        f"/v1/audit/events/{target}/review", headers=key, json={"decision": "unjustified"}
    )
    assert denied.status_code == 403
    bad = await client.post(
        f"/v1/audit/events/{target}/review", headers=h, json={"decision": "fine", "extra": 1}
    )
    assert bad.status_code == 422
