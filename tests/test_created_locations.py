"""Every creating route answers 201 with a Location that leads back to what it created.

One row per creating operation of the OpenAPI document: who creates what, through the API.
The test follows the Location as the creator, checks it against the template the document
declares, and compares what it reads with the 201 body; an idempotent replay repeats it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.state import AppState
from tests.conftest import World
from tests.factories import at, clinical_case, create_client, days_ago, make_api_key
from tests.notes.support import PROGRESS, PSYCHOTHERAPY, NotesApi
from tests.observations.support import relationship_episode


@dataclass
class Post:
    """One creating request, and the Location it must answer with given the created body."""

    url: str
    json: dict[str, Any]
    headers: dict[str, str]
    location: Callable[[dict[str, Any]], str]


Build = Callable[[httpx.AsyncClient, World, AppState], Awaitable[Post]]


def _by_id(prefix: str) -> Callable[[dict[str, Any]], str]:
    return lambda created: f"{prefix}/{created['id']}"


async def _user(http: httpx.AsyncClient, world: World, state: AppState) -> Post:
    body = {
        "email": f"new-{uuid.uuid4().hex[:8]}@test.example",
        "display_name": "New Colleague",
        "role": "therapist",
    }
    return Post("/v1/users", body, world["admin"].headers, _by_id("/v1/users"))


async def _api_key(http: httpx.AsyncClient, world: World, state: AppState) -> Post:
    body = {"name": "Scheduler", "scopes": ["clients:read"]}
    return Post("/v1/api-keys", body, world["admin"].headers, _by_id("/v1/api-keys"))


async def _webhook_endpoint(http: httpx.AsyncClient, world: World, state: AppState) -> Post:
    body = {"url": "http://127.0.0.1:9/hooks", "event_types": ["client.created"]}
    location = _by_id("/v1/webhook-endpoints")
    return Post("/v1/webhook-endpoints", body, world["admin"].headers, location)


async def _client(http: httpx.AsyncClient, world: World, state: AppState) -> Post:
    body = {"given_name": "Alma", "family_name": "Reyes", "presenting_concerns": "Low mood."}
    return Post("/v1/clients", body, world["therapist"].headers, _by_id("/v1/clients"))


async def _episode(http: httpx.AsyncClient, world: World, state: AppState) -> Post:
    therapist = world["therapist"].headers
    made = await create_client(http, therapist)
    body = {"started_on": days_ago(30).isoformat(), "goals": "Grieve."}
    url = f"/v1/clients/{made['id']}/episodes"
    return Post(url, body, therapist, _by_id("/v1/episodes"))


async def _transition(http: httpx.AsyncClient, world: World, state: AppState) -> Post:
    case = await clinical_case(http, world)
    body = {"to_phase": "exploration", "effective_on": days_ago(1).isoformat()}
    listed = f"/v1/episodes/{case.episode_id}/phase-transitions"
    return Post(listed, body, world["therapist"].headers, lambda created: listed)


async def _session(http: httpx.AsyncClient, world: World, state: AppState) -> Post:
    case = await clinical_case(http, world)
    body = {"client_id": case.client_id, "starts_at": at(days_ago(3)), "status": "attended"}
    return Post("/v1/sessions", body, world["therapist"].headers, _by_id("/v1/sessions"))


async def _note(http: httpx.AsyncClient, world: World, state: AppState) -> Post:
    case = await clinical_case(http, world)
    url = f"/v1/sessions/{case.session_id}/notes"
    return Post(url, PROGRESS, world["therapist"].headers, _by_id("/v1/notes"))


def _addendum(note: dict[str, Any]) -> Build:
    async def build(http: httpx.AsyncClient, world: World, state: AppState) -> Post:
        case = await clinical_case(http, world)
        therapist = world["therapist"].headers
        note_id = await NotesApi(http).signed(therapist, uuid.UUID(case.session_id), note)
        body = {"body": "The session was on Tuesday.", "reason": "correction"}
        return Post(f"/v1/notes/{note_id}/addenda", body, therapist, _by_id("/v1/addenda"))

    return build


async def _theme(http: httpx.AsyncClient, world: World, state: AppState) -> Post:
    body = {"code": "somatic.located", "label": "Located", "category": "somatic"}
    return Post(
        "/v1/themes",
        body,
        world["therapist"].headers,
        lambda created: f"/v1/themes/{created['code']}",
    )


async def _observation(http: httpx.AsyncClient, world: World, state: AppState) -> Post:
    case = await clinical_case(http, world)
    body = {"theme_code": "affect.grief", "intensity": 4, "evidence": "Wept at the name."}
    url = f"/v1/sessions/{case.session_id}/observations"
    return Post(url, body, world["therapist"].headers, _by_id("/v1/observations"))


async def _relationship_episode(http: httpx.AsyncClient, world: World, state: AppState) -> Post:
    case = await clinical_case(http, world)
    url = f"/v1/sessions/{case.session_id}/relationship-episodes"
    return Post(
        url, relationship_episode(), world["therapist"].headers, _by_id("/v1/relationship-episodes")
    )


async def _measure(http: httpx.AsyncClient, world: World, state: AppState) -> Post:
    case = await clinical_case(http, world)
    body = {"instrument": "gad7", "items": [1, 2, 1, 0, 1, 2, 1]}
    url = f"/v1/clients/{case.client_id}/measures"
    return Post(url, body, world["therapist"].headers, _by_id("/v1/measures"))


async def _review(http: httpx.AsyncClient, world: World, state: AppState) -> Post:
    await create_client(http, world["therapist"].headers)
    auditor = world["auditor"].headers
    events = await http.get("/v1/audit/events", params={"action": "client.create"}, headers=auditor)
    assert events.status_code == 200, events.text
    event_id = events.json()["items"][0]["id"]
    body = {"decision": "justified", "comment": "Intake by the primary therapist."}
    return Post(f"/v1/audit/events/{event_id}/review", body, auditor, _by_id("/v1/audit/reviews"))


# (OpenAPI path of the creating operation, how to build one request)
CREATIONS: list[tuple[str, Build]] = [
    ("/v1/users", _user),
    ("/v1/api-keys", _api_key),
    ("/v1/clients", _client),
    ("/v1/clients/{id}/episodes", _episode),
    ("/v1/episodes/{id}/phase-transitions", _transition),
    ("/v1/sessions", _session),
    ("/v1/sessions/{id}/notes", _note),
    ("/v1/notes/{id}/addenda", _addendum(PROGRESS)),
    ("/v1/themes", _theme),
    ("/v1/sessions/{id}/observations", _observation),
    ("/v1/sessions/{id}/relationship-episodes", _relationship_episode),
    ("/v1/clients/{id}/measures", _measure),
    ("/v1/audit/events/{id}/review", _review),
    ("/v1/webhook-endpoints", _webhook_endpoint),
]
# Facts of the creation rather than of the resource: secrets shown once (SPEC §3, §2.1, §9),
# and whether booking a session opened its episode (SPEC §9).
SHOWN_ONCE = {
    "/v1/api-keys": {"key"},
    "/v1/sessions": {"episode_opened"},
    "/v1/users": {"invite_token", "invite_expires_at"},
    "/v1/webhook-endpoints": {"secret"},
}


async def _declared_pattern(http: httpx.AsyncClient, route: str) -> str:
    document = (await http.get("/openapi.json")).json()
    header = document["paths"][route]["post"]["responses"]["201"]["headers"]["Location"]
    pattern: str = header["schema"]["pattern"]
    return pattern


@pytest.mark.parametrize(("route", "build"), CREATIONS, ids=[route for route, _ in CREATIONS])
async def test_location_leads_to_the_created_resource(
    client: httpx.AsyncClient, world: World, state: AppState, route: str, build: Build
) -> None:
    post = await build(client, world, state)
    headers = {**post.headers, "Idempotency-Key": f"located-{uuid.uuid4().hex}"}
    created = await client.post(post.url, json=post.json, headers=headers)
    assert created.status_code == 201, created.text
    body = created.json()
    location = created.headers.get("Location")
    assert location == post.location(body)
    assert re.fullmatch(await _declared_pattern(client, route), location)

    followed = await client.get(location, headers=post.headers)
    assert followed.status_code == 200, followed.text
    read = followed.json()
    if "items" in read:  # a Location naming a list (phase transitions): the new one is in it
        assert body in read["items"]
    else:
        hidden = SHOWN_ONCE.get(route, set())
        assert read == {k: v for k, v in body.items() if k not in hidden}

    replay = await client.post(post.url, json=post.json, headers=headers)
    assert replay.status_code == 201, replay.text
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.headers["Location"] == location


async def test_every_creating_route_is_covered(client: httpx.AsyncClient) -> None:
    """A new creating route must join CREATIONS (and so set a Location that can be followed)."""
    document = (await client.get("/openapi.json")).json()
    creating = {
        path
        for path, operations in document["paths"].items()
        if "201" in operations.get("post", {}).get("responses", {})
    }
    assert creating == {route for route, _ in CREATIONS}


async def test_addendum_of_a_psychotherapy_note_is_located_for_its_author_only(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    post = await _addendum(PSYCHOTHERAPY)(client, world, state)
    created = await client.post(post.url, json=post.json, headers=post.headers)
    assert created.status_code == 201, created.text
    location = created.headers["Location"]
    assert (await client.get(location, headers=post.headers)).json() == created.json()
    for someone in ("supervisor", "trainee", "therapist2"):
        hidden = await client.get(location, headers=world[someone].headers)
        assert hidden.status_code == 404, (someone, hidden.text)
    # Roles refused clinical content get 403 from the role alone, for this addendum and a
    # missing one alike (SPEC §2.1): the answer cannot tell them apart.
    for someone in ("admin", "auditor"):
        hidden = await client.get(location, headers=world[someone].headers)
        missing = await client.get(f"/v1/addenda/{uuid.uuid4()}", headers=world[someone].headers)
        assert hidden.status_code == missing.status_code == 403, (someone, hidden.text)
        assert hidden.json()["detail"] == missing.json()["detail"]


async def test_review_is_read_by_auditors_of_its_practice(
    client: httpx.AsyncClient, world: World, other_world: World, state: AppState
) -> None:
    post = await _review(client, world, state)
    created = await client.post(post.url, json=post.json, headers=post.headers)
    assert created.status_code == 201, created.text
    location = created.headers["Location"]
    key = await make_api_key(state, world, ["audit:read"])
    assert (await client.get(location, headers=key)).json() == created.json()
    for someone in ("admin", "therapist", "supervisor"):
        assert (await client.get(location, headers=world[someone].headers)).status_code == 403
    other = await client.get(location, headers=other_world["auditor"].headers)
    assert other.status_code == 404, other.text


async def test_api_key_is_read_by_admins_of_its_practice_until_revoked(
    client: httpx.AsyncClient, world: World, other_world: World, state: AppState
) -> None:
    post = await _api_key(client, world, state)
    created = await client.post(post.url, json=post.json, headers=post.headers)
    assert created.status_code == 201, created.text
    location = created.headers["Location"]
    assert (await client.get(location, headers=world["therapist"].headers)).status_code == 403
    # Auditors see audit keys, supervisors clinical ones: an operational key is not theirs.
    for someone in ("auditor", "supervisor"):
        assert (await client.get(location, headers=world[someone].headers)).status_code == 404
    assert (await client.get(location, headers=other_world["admin"].headers)).status_code == 404
    assert (await client.delete(location, headers=post.headers)).status_code == 204
    # Revoked is deleted (a second DELETE is 404 too); the list keeps it as history.
    assert (await client.get(location, headers=post.headers)).status_code == 404
    listed = (await client.get("/v1/api-keys", headers=post.headers)).json()["items"]
    [revoked] = [item for item in listed if item["id"] == created.json()["id"]]
    assert revoked["revoked_at"] is not None
