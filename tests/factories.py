"""Shared test helpers: API keys, and clients, episodes and sessions created through the API.

Every helper asserts its request succeeded, so a test fails at the step that broke.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import httpx

from app.api_keys.service import create_key
from app.state import AppState
from tests.conftest import World

Headers = dict[str, str]


def days_ago(days: int) -> date:
    """A calendar date `days` before today (UTC)."""
    return datetime.now(UTC).date() - timedelta(days=days)


def at(on: date, hour: int = 10, offset_hours: int = 0) -> str:
    """An RFC 3339 datetime on a local date, at an hour, in a fixed UTC offset."""
    zone = timezone(timedelta(hours=offset_hours))
    return datetime.combine(on, time(hour), tzinfo=zone).isoformat()


async def make_api_key(
    state: AppState, world: World, scopes: list[str] | tuple[str, ...]
) -> Headers:
    """Authorization headers of a new API key of the world's practice with these scopes."""
    async with state.sessionmaker() as db:
        row, key = create_key(
            practice_id=world.practice_id,
            name="test integration",
            scopes=list(scopes),
            created_by=None,
            pepper=state.secrets.api_key_pepper,
        )
        db.add(row)
        await db.commit()
    return {"Authorization": f"Bearer {key}"}


def with_if_match(headers: Headers, etag: str) -> Headers:
    """Headers plus If-Match."""
    return {**headers, "If-Match": etag}


async def create_client(http: httpx.AsyncClient, headers: Headers, **fields: Any) -> dict[str, Any]:
    """POST /v1/clients with sensible defaults; returns the created client (plus `etag`)."""
    body: dict[str, Any] = {"given_name": "Test", "family_name": "Client"}
    body.update({k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in fields.items()})
    if "care_team" in body:
        body["care_team"] = [str(u) for u in body["care_team"]]
    response = await http.post("/v1/clients", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return {**response.json(), "etag": response.headers["ETag"]}


async def open_episode(
    http: httpx.AsyncClient,
    headers: Headers,
    client_id: str,
    *,
    started_on: date | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """POST /v1/clients/{id}/episodes (default start 120 days ago); returns it (plus `etag`)."""
    body = {"started_on": (started_on or days_ago(120)).isoformat(), **fields}
    response = await http.post(f"/v1/clients/{client_id}/episodes", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return {**response.json(), "etag": response.headers["ETag"]}


async def move_phase(
    http: httpx.AsyncClient,
    headers: Headers,
    episode_id: str,
    to_phase: str,
    effective_on: date,
    rationale: str | None = None,
) -> dict[str, Any]:
    """POST /v1/episodes/{id}/phase-transitions; returns the transition."""
    body = {"to_phase": to_phase, "effective_on": effective_on.isoformat(), "rationale": rationale}
    response = await http.post(
        f"/v1/episodes/{episode_id}/phase-transitions", json=body, headers=headers
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def create_session(
    http: httpx.AsyncClient,
    headers: Headers,
    client_id: str,
    *,
    on: date | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """POST /v1/sessions for a client (default: 7 days ago, 10:00 UTC, attended)."""
    body: dict[str, Any] = {
        "client_id": client_id,
        "starts_at": at(on or days_ago(7)),
        "status": "attended",
        "duration_minutes": 50,
        "modality": "in_person",
    }
    body.update(fields)
    response = await http.post("/v1/sessions", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return {**response.json(), "etag": response.headers["ETag"]}


@dataclass
class Clinical:
    """A therapist's client (trainee on the care team) with an open episode and one session."""

    client_id: str
    episode_id: str
    session_id: str
    client_etag: str
    episode_etag: str


async def clinical_case(http: httpx.AsyncClient, world: World, **client_fields: Any) -> Clinical:
    """Primary `therapist`, `trainee` on the care team, an episode, a session a week ago."""
    therapist = world["therapist"].headers
    fields = {"presenting_concerns": "Low mood after a loss.", **client_fields}
    created = await create_client(http, therapist, care_team=[world["trainee"].id], **fields)
    episode = await open_episode(http, therapist, created["id"], goals="Grieve; work again.")
    visit = await create_session(http, therapist, created["id"])
    return Clinical(
        client_id=created["id"],
        episode_id=episode["id"],
        session_id=visit["id"],
        client_etag=created["etag"],
        episode_etag=episode["etag"],
    )


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """Assert an RFC 9457 problem with this status; returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["detail"]
    assert body["request_id"]
    return body
