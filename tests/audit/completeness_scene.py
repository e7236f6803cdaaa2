"""The Scene of the completeness test, built through the API as a practice would build it."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from app.api_keys.service import create_key
from app.state import AppState
from tests.audit.completeness import GLASS, Scene
from tests.audit.conftest import Spec, seed
from tests.conftest import TEST_PASSWORD, World
from tests.factories import create_client, create_session, days_ago, open_episode

KEY_SCOPES = (
    "clients:read",
    "notes:read",
    "audit:read",
    "progress:read",
    "sessions:read",
    "events:read",
)
PROGRESS_NOTE = {
    "kind": "progress",
    "body": "Spoke of her father's illness; anger turned on herself.",
    "interventions": ["clarification"],
    "risk": {"level": "low"},
    "plan": "Weekly; follow the anger.",
}


async def _keys(state: AppState, world: World) -> dict[str, tuple[uuid.UUID, dict[str, str]]]:
    """One API key per scope in KEY_SCOPES: its id and Authorization header."""
    keys = {}
    async with state.sessionmaker() as session:
        for scope in KEY_SCOPES:
            row, key = create_key(
                practice_id=world.practice_id,
                name=f"completeness {scope}",
                scopes=[scope],
                created_by=None,
                pepper=state.secrets.api_key_pepper,
            )
            session.add(row)
            keys[scope] = (row.id, {"Authorization": f"Bearer {key}"})
        await session.commit()
    return keys


async def _post(
    http: httpx.AsyncClient, path: str, headers: dict[str, str], body: dict[str, Any] | None
) -> tuple[str, str]:
    """POST that must succeed; returns the new object's id and its ETag (if any)."""
    response = await http.post(path, json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()["id"], response.headers.get("ETag", "")


async def build_scene(
    state: AppState, http: httpx.AsyncClient, world: World, other: World
) -> Scene:
    """Two practices; the first with a client's whole clinical record (see Scene)."""
    therapist, trainee = world["therapist"].headers, world["trainee"].headers
    made = await create_client(http, therapist, given_name="Ada", care_team=[world["trainee"].id])
    theirs = await create_client(http, other["therapist"].headers, given_name="Bo")
    [event] = await seed(
        state,
        world.practice_id,
        [
            Spec(
                actor_id=world["therapist2"].id,
                clients=[uuid.UUID(made["id"])],
                break_glass=GLASS,
                purpose="ETREAT",
            )
        ],
    )
    scene = Scene(
        world=world, other=other, client=made["id"], other_client=theirs["id"], event=str(event)
    )
    scene.etags["client"] = made["etag"]
    scene.fresh = (await create_client(http, therapist, given_name="Cy"))["id"]
    episode = await open_episode(http, therapist, scene.client)
    scene.episode, scene.etags["episode"] = episode["id"], episode["etag"]
    visits = [
        (await create_session(http, therapist, scene.client, on=days_ago(days)))["id"]
        for days in (7, 14, 21)
    ]
    scene.visit, scene.signed_visit, scene.trainee_visit = visits
    notes = f"/v1/sessions/{scene.visit}/notes"
    scene.note, scene.etags["note"] = await _post(http, notes, therapist, PROGRESS_NOTE)
    process = {"kind": "psychotherapy", "body": "I felt sleepy and pushed away."}
    scene.process, _ = await _post(http, notes, therapist, process)
    signed, etag = await _post(
        http, f"/v1/sessions/{scene.signed_visit}/notes", therapist, PROGRESS_NOTE
    )
    scene.signed, _ = await _post(
        http, f"/v1/notes/{signed}/sign", {**therapist, "If-Match": etag}, None
    )
    scene.addendum, _ = await _post(
        http,
        f"/v1/notes/{scene.signed}/addenda",
        therapist,
        {"body": "Her brother was present too.", "reason": "late entry"},
    )
    pending, etag = await _post(
        http, f"/v1/sessions/{scene.trainee_visit}/notes", trainee, PROGRESS_NOTE
    )
    scene.pending, scene.etags["pending"] = await _post(
        http, f"/v1/notes/{pending}/sign", {**trainee, "If-Match": etag}, None
    )
    scene.observation, _ = await _post(
        http,
        f"/v1/sessions/{scene.visit}/observations",
        therapist,
        {"theme_code": "defense.humor", "intensity": 3, "evidence": "Joked about the funeral."},
    )
    scene.ccrt, _ = await _post(
        http,
        f"/v1/sessions/{scene.visit}/relationship-episodes",
        therapist,
        {
            "other_person": "father",
            "wish": {"code": "to_be_close", "text": "Wanted him near."},
            "response_of_other": {"code": "rejects", "text": "Left.", "valence": "negative"},
            "response_of_self": {"code": "withdraws", "text": "Hid.", "valence": "negative"},
        },
    )
    scene.measure, _ = await _post(
        http,
        f"/v1/clients/{scene.client}/measures",
        therapist,
        {"instrument": "phq9", "items": [2, 2, 1, 2, 1, 1, 2, 1, 0]},
    )
    scene.theme = "relational_pattern.people_pleasing"
    theme = {"code": scene.theme, "label": "People-pleasing", "category": "relational_pattern"}
    response = await http.post("/v1/themes", json=theme, headers=therapist)
    assert response.status_code == 201, response.text
    scene.keys = await _keys(state, world)
    login = await http.post(
        "/v1/auth/token", data={"username": world["therapist"].email, "password": TEST_PASSWORD}
    )
    scene.refresh = login.json()["refresh_token"]
    return scene
