"""SPEC §1.1–1.2 walked end to end by every kind of caller, through the API only."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import col

from app.models import AuditEvent
from app.state import AppState
from tests.conftest import World
from tests.notes.support import PROGRESS, PSYCHOTHERAPY, NotesApi, api_key_headers

BREAK_GLASS = {"X-Break-Glass-Reason": "covering the on-call crisis line"}


def _with_key(headers: dict[str, str]) -> dict[str, str]:
    return headers | {"Idempotency-Key": uuid.uuid4().hex}


async def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


async def test_the_whole_clinical_flow(
    client: httpx.AsyncClient, world: World, other_world: World, state: AppState
) -> None:
    api = NotesApi(client)
    therapist, trainee = world["therapist"].headers, world["trainee"].headers
    supervisor, colleague = world["supervisor"].headers, world["therapist2"].headers
    admin, auditor = world["admin"].headers, world["auditor"].headers
    outsider = other_world["therapist"].headers

    # §1.1 — a client, the care team (therapist + trainee), one open episode, phases.
    person = await _ok(
        await client.post(
            "/v1/clients",
            headers=_with_key(therapist),
            json={
                "given_name": "Ilse",
                "family_name": "Berg",
                "presenting_concerns": "Low mood",
                "care_team": [str(world["trainee"].id)],
            },
        ),
        201,
    )
    client_id = person["id"]
    episode = await _ok(
        await client.post(
            f"/v1/clients/{client_id}/episodes",
            headers=_with_key(therapist),
            json={"started_on": "2026-01-05", "goals": "Grief"},
        ),
        201,
    )
    second = await client.post(
        f"/v1/clients/{client_id}/episodes",
        headers=_with_key(therapist),
        json={"started_on": "2026-01-06"},
    )
    assert second.status_code == 409

    async def new_session(headers: dict[str, str], starts_at: str) -> str:
        made = await _ok(
            await client.post(
                "/v1/sessions",
                headers=_with_key(headers),
                json={
                    "client_id": client_id,
                    "episode_id": episode["id"],
                    "starts_at": starts_at,
                    "status": "attended",
                },
            ),
            201,
        )
        return str(made["id"])

    first = await new_session(therapist, "2026-01-06T10:00:00+01:00")
    later = await new_session(therapist, "2026-02-03T10:00:00+01:00")
    skip = await client.post(
        f"/v1/episodes/{episode['id']}/phase-transitions",
        headers=_with_key(therapist),
        json={"to_phase": "working_through", "effective_on": "2026-01-20"},
    )
    assert skip.status_code == 422  # skipping a phase needs a rationale
    await _ok(
        await client.post(
            f"/v1/episodes/{episode['id']}/phase-transitions",
            headers=_with_key(therapist),
            json={"to_phase": "exploration", "effective_on": "2026-01-20"},
        ),
        201,
    )
    phases = {
        s: (await _ok(await client.get(f"/v1/sessions/{s}", headers=therapist)))["phase"]
        for s in (first, later)
    }
    assert phases == {first: "initial", later: "exploration"}

    # §1.2 — the therapist's progress note, signed; a private psychotherapy note.
    progress_id = await api.signed(therapist, uuid.UUID(first))
    private_id = await api.signed(therapist, uuid.UUID(first), PSYCHOTHERAPY)
    etag = await api.etag(therapist, progress_id)
    assert (await api.patch(therapist, progress_id, {"plan": "x"}, etag)).status_code == 409
    await _ok(await api.add_addendum(_with_key(therapist), progress_id, "Phoned on Friday."), 201)

    # The trainee's note goes through the supervisor: returned once, then cosigned.
    draft = await _ok(await api.create(trainee, uuid.UUID(later), PROGRESS), 201)
    trainee_note = draft["id"]
    pending = await api.act(trainee, trainee_note, "sign", await api.etag(trainee, trainee_note))
    assert (await _ok(pending))["status"] == "pending_cosign"
    returned = await api.act(
        supervisor,
        trainee_note,
        "return",
        await api.etag(supervisor, trainee_note),
        {"comment": "Say more about the risk."},
    )
    assert (await _ok(returned))["status"] == "draft"
    edited = await api.patch(
        trainee,
        trainee_note,
        {"risk": {"level": "moderate", "details": "Ideation, no plan"}},
        returned.headers["ETag"],
    )
    await api.act(trainee, trainee_note, "sign", edited.headers["ETag"])
    cosigned = await api.act(
        supervisor, trainee_note, "cosign", await api.etag(supervisor, trainee_note)
    )
    assert (await _ok(cosigned))["cosigned_by"] == str(world["supervisor"].id)
    shared = await _ok(
        await api.create(
            trainee, uuid.UUID(later), PSYCHOTHERAPY | {"share_with_supervisor": True}
        ),
        201,
    )

    async def visible(headers: dict[str, str], session_id: str) -> set[str]:
        listed = await api.list(headers, uuid.UUID(session_id))
        return {n["id"] for n in listed.json()["items"]} if listed.status_code == 200 else set()

    assert await visible(therapist, first) == {progress_id, private_id}
    assert await visible(therapist, later) == {trainee_note}  # not the trainee's private note
    assert await visible(trainee, later) == {trainee_note, shared["id"]}
    # The shared note is in no list but its author's; the supervisor reads it by its id.
    assert await visible(supervisor, later) == {trainee_note}
    assert (await api.get(supervisor, shared["id"])).status_code == 200
    assert await visible(supervisor, first) == {progress_id}
    assert (await api.get(therapist, shared["id"])).status_code == 404
    assert (await api.create(supervisor, uuid.UUID(first), PSYCHOTHERAPY)).status_code == 403

    # A second therapist outside the care team: nothing, unless the glass is broken.
    assert (await api.list(colleague, uuid.UUID(first))).status_code == 404
    assert (await api.get(colleague, progress_id)).status_code == 404
    assert await visible(colleague | BREAK_GLASS, first) == {progress_id}
    assert (await api.get(colleague | BREAK_GLASS, private_id)).status_code == 404
    assert (
        await api.create(colleague | BREAK_GLASS, uuid.UUID(first), PROGRESS)
    ).status_code == 403

    # Admins and auditors never read notes: 403 from the role, whatever the note (§2.1).
    assert (await client.get(f"/v1/clients/{client_id}", headers=admin)).status_code == 200
    for headers in (admin, auditor):
        assert (await api.list(headers, uuid.UUID(first))).status_code == 403
        assert (await api.get(headers, progress_id)).status_code == 403
        assert (await api.get(headers, private_id)).status_code == 403
        assert (await api.create(headers, uuid.UUID(first), PROGRESS)).status_code == 403

    # An integration reads signed progress notes only, with the notes:read scope.
    reader = await api_key_headers(state, world, "notes:read")
    assert await visible(reader, first) == {progress_id}
    assert await visible(reader, later) == {trainee_note}
    assert (await api.get(reader, private_id)).status_code == 404
    assert (await api.create(reader, uuid.UUID(first), PROGRESS)).status_code == 403
    scheduler = await api_key_headers(state, world, "clients:read", "sessions:read")
    assert (await api.get(scheduler, progress_id)).status_code == 403

    # Another practice sees nothing at all.
    for path in (
        f"/v1/sessions/{first}/notes",
        f"/v1/notes/{progress_id}",
        f"/v1/notes/{private_id}",
        f"/v1/notes/{progress_id}/addenda",
    ):
        assert (await client.get(path, headers=outsider)).status_code == 404
    assert (await api.create(outsider, uuid.UUID(first), PROGRESS)).status_code == 404

    # Closing the episode makes it read-only; the record stays correctable by addenda.
    current = await client.get(f"/v1/episodes/{episode['id']}", headers=therapist)
    await _ok(
        await client.post(
            f"/v1/episodes/{episode['id']}/close",
            headers=therapist | {"If-Match": current.headers["ETag"]},
            json={"ended_on": "2026-02-10", "reason": "completed"},
        )
    )
    third = await client.post(
        "/v1/sessions",
        headers=_with_key(therapist),
        json={
            "client_id": client_id,
            "episode_id": episode["id"],
            "starts_at": "2026-02-09T10:00:00+01:00",
        },
    )
    assert third.status_code == 409
    assert (await api.create(therapist, uuid.UUID(first), PROGRESS)).status_code == 409
    await _ok(await api.add_addendum(_with_key(therapist), progress_id, "Discharge letter."), 201)

    # Every note request left an audit event naming the client.
    async with state.sessionmaker() as db:
        events = (
            (
                await db.execute(
                    select(AuditEvent).where(
                        col(AuditEvent.practice_id) == world.practice_id,
                        col(AuditEvent.action).like("note.%"),
                        col(AuditEvent.outcome) == "success",
                    )
                )
            )
            .scalars()
            .all()
        )
    assert {e.action for e in events} >= {
        "note.create",
        "note.sign",
        "note.cosign",
        "note.return",
        "note.list",
        "note.read",
    }
    assert all(e.client_ids == [client_id] for e in events)
