"""Helpers for the notes tests: cases built through the API, and note API calls."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from app.state import AppState
from tests.conftest import World
from tests.factories import create_client, create_session, days_ago, make_api_key, open_episode


@dataclass
class Case:
    """A client with an episode and its sessions."""

    client_id: uuid.UUID
    episode_id: uuid.UUID
    session_ids: list[uuid.UUID] = field(default_factory=list)


async def make_case(
    http: httpx.AsyncClient,
    world: World,
    *,
    therapist: str = "therapist",
    care_team: tuple[str, ...] = (),
    sessions: int = 1,
    closed: bool = False,
) -> Case:
    """Through the API: a client of `therapist` (plus care team), an episode, weekly sessions."""
    headers = world[therapist].headers
    made = await create_client(http, headers, care_team=[world[n].id for n in care_team])
    episode = await open_episode(http, headers, made["id"])
    case = Case(client_id=uuid.UUID(made["id"]), episode_id=uuid.UUID(episode["id"]))
    for week in range(sessions, 0, -1):
        visit = await create_session(http, headers, made["id"], on=days_ago(7 * week))
        case.session_ids.append(uuid.UUID(visit["id"]))
    if closed:
        await close_episode(http, headers, str(case.episode_id))
    return case


async def try_close_episode(
    http: httpx.AsyncClient, headers: dict[str, str], episode_id: str
) -> httpx.Response:
    """POST /v1/episodes/{id}/close as of today, with the episode's current ETag."""
    current = await http.get(f"/v1/episodes/{episode_id}", headers=headers)
    return await http.post(
        f"/v1/episodes/{episode_id}/close",
        json={"ended_on": days_ago(0).isoformat(), "reason": "completed"},
        headers=headers | {"If-Match": current.headers["ETag"]},
    )


async def close_episode(http: httpx.AsyncClient, headers: dict[str, str], episode_id: str) -> None:
    """POST /v1/episodes/{id}/close as of today (200)."""
    closed = await try_close_episode(http, headers, episode_id)
    assert closed.status_code == 200, closed.text


async def api_key_headers(state: AppState, world: World, *scopes: str) -> dict[str, str]:
    """Authorization headers of a new API key of the world's practice."""
    return await make_api_key(state, world, scopes)


PROGRESS: dict[str, Any] = {
    "kind": "progress",
    "body": "Spoke about her father's illness; anger turned on herself.",
    "interventions": ["clarification", "defense_interpretation"],
    "risk": {"level": "low", "details": "Passive wish to disappear last week."},
    "plan": "Weekly; follow the anger.",
}
PSYCHOTHERAPY: dict[str, Any] = {"kind": "psychotherapy", "body": "I felt sleepy and pushed away."}


class NotesApi:
    """Short calls to the notes endpoints, each returning the raw response."""

    def __init__(self, client: httpx.AsyncClient):
        self.client = client

    async def create(
        self, headers: dict[str, str], session_id: uuid.UUID, body: dict[str, Any]
    ) -> httpx.Response:
        """POST /v1/sessions/{id}/notes."""
        return await self.client.post(
            f"/v1/sessions/{session_id}/notes", json=body, headers=headers
        )

    async def list(self, headers: dict[str, str], session_id: uuid.UUID) -> httpx.Response:
        """GET /v1/sessions/{id}/notes."""
        return await self.client.get(f"/v1/sessions/{session_id}/notes", headers=headers)

    async def get(self, headers: dict[str, str], note_id: str) -> httpx.Response:
        """GET /v1/notes/{id}."""
        return await self.client.get(f"/v1/notes/{note_id}", headers=headers)

    async def etag(self, headers: dict[str, str], note_id: str) -> str:
        """The note's current ETag, read as this caller."""
        response = await self.get(headers, note_id)
        assert response.status_code == 200, response.text
        return response.headers["ETag"]

    async def act(
        self,
        headers: dict[str, str],
        note_id: str,
        action: str,
        etag: str | None = None,
        json: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """POST /v1/notes/{id}/{sign|cosign|return} with If-Match when given."""
        extra = {"If-Match": etag} if etag else {}
        return await self.client.post(
            f"/v1/notes/{note_id}/{action}", json=json, headers=headers | extra
        )

    async def patch(
        self, headers: dict[str, str], note_id: str, body: dict[str, Any], etag: str | None = None
    ) -> httpx.Response:
        """PATCH /v1/notes/{id} with If-Match when given."""
        extra = {"If-Match": etag} if etag else {}
        return await self.client.patch(f"/v1/notes/{note_id}", json=body, headers=headers | extra)

    async def delete(
        self, headers: dict[str, str], note_id: str, etag: str | None = None
    ) -> httpx.Response:
        """DELETE /v1/notes/{id} with If-Match when given."""
        extra = {"If-Match": etag} if etag else {}
        return await self.client.delete(f"/v1/notes/{note_id}", headers=headers | extra)

    async def add_addendum(
        self, headers: dict[str, str], note_id: str, body: str, reason: str = "late entry"
    ) -> httpx.Response:
        """POST /v1/notes/{id}/addenda."""
        return await self.client.post(
            f"/v1/notes/{note_id}/addenda", json={"body": body, "reason": reason}, headers=headers
        )

    async def addenda(self, headers: dict[str, str], note_id: str) -> httpx.Response:
        """GET /v1/notes/{id}/addenda."""
        return await self.client.get(f"/v1/notes/{note_id}/addenda", headers=headers)

    async def signed(
        self, headers: dict[str, str], session_id: uuid.UUID, body: dict[str, Any] | None = None
    ) -> str:
        """Create and sign a note as one author; returns its id."""
        created = await self.create(headers, session_id, body or PROGRESS)
        assert created.status_code == 201, created.text
        note_id = str(created.json()["id"])
        signed = await self.act(headers, note_id, "sign", created.headers["ETag"])
        assert signed.status_code == 200, signed.text
        return note_id
