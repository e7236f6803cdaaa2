"""A phase-transition rationale: ciphertext at rest, plaintext to every caller who may read it."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlmodel import col

from app.models import AuditEvent, IdempotencyRecord, PhaseTransition
from app.state import AppState
from tests.conftest import World
from tests.factories import create_client, days_ago, make_api_key, open_episode

WHY = "Back to exploration: the grief surfaced again after the anniversary."


async def _moved_back(http: httpx.AsyncClient, world: World) -> tuple[str, dict[str, str]]:
    """An episode moved ahead, then back with a rationale (sent with an Idempotency-Key)."""
    me = world["therapist"].headers
    made = await create_client(http, me)
    episode = await open_episode(http, me, made["id"])
    ahead = {"to_phase": "exploration", "effective_on": days_ago(20).isoformat()}
    response = await http.post(
        f"/v1/episodes/{episode['id']}/phase-transitions", json=ahead, headers=me
    )
    assert response.status_code == 201, response.text
    back = {"to_phase": "initial", "effective_on": days_ago(10).isoformat(), "rationale": WHY}
    keyed = me | {"Idempotency-Key": uuid.uuid4().hex}
    response = await http.post(
        f"/v1/episodes/{episode['id']}/phase-transitions", json=back, headers=keyed
    )
    assert response.status_code == 201, response.text
    assert response.json()["rationale"] == WHY
    return episode["id"], keyed


async def _history(http: httpx.AsyncClient, episode_id: str, headers: dict[str, str]) -> Any:
    return await http.get(f"/v1/episodes/{episode_id}/phase-transitions", headers=headers)


async def _stored(state: AppState, episode_id: str) -> list[PhaseTransition]:
    async with state.sessionmaker() as db:
        found = await db.execute(
            select(PhaseTransition)
            .where(col(PhaseTransition.episode_id) == uuid.UUID(episode_id))
            .order_by(col(PhaseTransition.position))
        )
        return list(found.scalars())


async def test_the_rationale_is_ciphertext_and_every_reader_gets_the_text(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    episode_id, keyed = await _moved_back(client, world)
    stored = await _stored(state, episode_id)
    assert [row.rationale is None for row in stored] == [True, True, False]
    assert stored[2].rationale is not None
    assert stored[2].rationale.startswith(f"v1.{state.secrets.key_ring.active_key_id}.")
    assert WHY not in stored[2].rationale

    readers = {
        "therapist": world["therapist"].headers,
        "api key progress:read": await make_api_key(state, world, ["progress:read"]),
        "break-glass": world["therapist2"].headers
        | {"X-Break-Glass-Reason": "Covering the on-call emergency"},
    }
    for name, headers in readers.items():
        listed = await _history(client, episode_id, headers)
        assert listed.status_code == 200, (name, listed.text)
        assert [t["rationale"] for t in listed.json()["items"]] == [None, None, WHY], name
    outside = await _history(client, episode_id, world["therapist2"].headers)
    assert outside.status_code == 404

    # The replay of the keyed create answers from the stored (encrypted) response.
    back = {"to_phase": "initial", "effective_on": days_ago(10).isoformat(), "rationale": WHY}
    replay = await client.post(
        f"/v1/episodes/{episode_id}/phase-transitions", json=back, headers=keyed
    )
    assert replay.status_code == 201, replay.text
    assert replay.json()["rationale"] == WHY
    assert replay.json()["id"] == str(stored[2].id)
    async with state.sessionmaker() as db:
        record = (
            await db.execute(
                select(IdempotencyRecord).where(
                    col(IdempotencyRecord.idempotency_key) == keyed["Idempotency-Key"]
                )
            )
        ).scalar_one()
    assert record.response_body is not None
    assert WHY not in record.response_body


async def test_a_rationale_moved_to_another_row_is_an_error_not_a_leak(
    client: httpx.AsyncClient, world: World, state: AppState, caplog: pytest.LogCaptureFixture
) -> None:
    episode_id, _ = await _moved_back(client, world)
    stored = await _stored(state, episode_id)
    target = stored[1]
    async with state.sessionmaker() as db:
        await db.execute(
            update(PhaseTransition)
            .where(col(PhaseTransition.id) == target.id)
            .values(rationale=stored[2].rationale)
        )
        await db.commit()
    request_id = f"moved-{uuid.uuid4().hex}"
    me = world["therapist"].headers | {"X-Request-ID": request_id}
    listed = await _history(client, episode_id, me)
    assert listed.status_code == 500
    assert listed.json()["detail"] == "Unexpected error"
    assert "grief" not in listed.text
    assert f"phase_transition.rationale of row {target.id}" in caplog.text
    assert "grief" not in caplog.text
    async with state.sessionmaker() as db:
        event = (
            await db.execute(select(AuditEvent).where(col(AuditEvent.request_id) == request_id))
        ).scalar_one()
    assert (event.outcome, event.http_status) == ("error", 500)
