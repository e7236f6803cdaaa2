"""A seeded practice for the fuzzer: one record of each kind, holding recognisable text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select
from sqlmodel import col

from app.models import ApiKey, AuditEvent
from app.security.api_keys import SCOPES
from app.security.tokens import issue_access_token
from app.state import AppState
from tests.conftest import World, build_world
from tests.factories import clinical_case, days_ago, make_api_key
from tests.observations.support import relationship_episode

# Protected text seeded into the practice: no error response may ever carry it.
SENTINELS = {
    "given_name": "Quillfeatherine",
    "family_name": "Ostrowsky-Marlingham",
    "preferred_name": "Quilly-Sentinel",
    "email": "quillfeatherine.sentinel@example.org",
    "presenting_concerns": "sentinel-concern: recurrent dreams of the drowned lighthouse",
    "note_body": "sentinel-body: she spoke of her father's silence at the harbour",
    "evidence": "sentinel-evidence: laughed while describing the shipwreck",
}


@dataclass
class FuzzPractice:
    """A seeded practice, its records by collection path, and credentials per identity."""

    world: World
    state: AppState
    api_key: str
    records: dict[str, str] = field(default_factory=dict)
    protected: tuple[str, ...] = tuple(SENTINELS.values())

    def token(self, identity: str) -> str:
        """A fresh bearer credential: a new JWT per request (logout revokes only its own)."""
        if identity == "api_key":
            return self.api_key
        member = self.world[identity]
        token, _ = issue_access_token(
            settings=self.state.settings,
            secret=self.state.secrets.jwt_secret,
            user_id=member.id,
            practice_id=self.world.practice_id,
            role=member.role,
        )
        return token


def _created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def seed_practice(application: FastAPI, state: AppState) -> FuzzPractice:
    """Create a practice, its members, an API key and a client's record through the API."""
    world = await build_world(state)
    key = (await make_api_key(state, world, SCOPES))["Authorization"].removeprefix("Bearer ")
    therapist = world["therapist"].headers
    transport = httpx.ASGITransport(app=application, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://seed") as http:
        case = await clinical_case(
            http,
            world,
            given_name=SENTINELS["given_name"],
            family_name=SENTINELS["family_name"],
            preferred_name=SENTINELS["preferred_name"],
            email=SENTINELS["email"],
            presenting_concerns=SENTINELS["presenting_concerns"],
        )
        note = _created(
            await http.post(
                f"/v1/sessions/{case.session_id}/notes",
                json={"kind": "progress", "body": SENTINELS["note_body"]},
                headers=therapist,
            )
        )
        observation = _created(
            await http.post(
                f"/v1/sessions/{case.session_id}/observations",
                json={
                    "theme_code": "defense.humor",
                    "intensity": 3,
                    "evidence": SENTINELS["evidence"],
                },
                headers=therapist,
            )
        )
        told = _created(
            await http.post(
                f"/v1/sessions/{case.session_id}/relationship-episodes",
                json=relationship_episode(),
                headers=therapist,
            )
        )
        measure = _created(
            await http.post(
                f"/v1/clients/{case.client_id}/measures",
                json={
                    "instrument": "phq9",
                    "items": [1, 2, 1, 0, 1, 2, 1, 0, 0],
                    "administered_on": days_ago(7).isoformat(),
                },
                headers=therapist,
            )
        )
    async with state.sessionmaker() as db:
        key_id = (
            await db.execute(
                select(col(ApiKey.id)).where(col(ApiKey.practice_id) == world.practice_id)
            )
        ).scalar_one()
        event_id = (
            await db.execute(
                select(col(AuditEvent.id))
                .where(col(AuditEvent.practice_id) == world.practice_id)
                .limit(1)
            )
        ).scalar_one()
    records = {
        "/v1/clients": case.client_id,
        "/v1/episodes": case.episode_id,
        "/v1/sessions": case.session_id,
        "/v1/notes": note["id"],
        "/v1/observations": observation["id"],
        "/v1/relationship-episodes": told["id"],
        "/v1/measures": measure["id"],
        # A user no fuzzed identity acts as, so a PATCH cannot lock the fuzzer out.
        "/v1/users": str(world["therapist2"].id),
        "/v1/api-keys": str(key_id),
        "/v1/audit/events": str(event_id),
        "/v1/audit/clients": case.client_id,
    }
    return FuzzPractice(world=world, state=state, api_key=key, records=records)
