"""An export names every client whose events it streamed, those of events committed while it
ran included: a second event, pointing at the first, names them (SPEC §6)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from app.audit.api import service
from app.db import utcnow
from app.state import AppState
from tests.audit.conftest import Spec, events_of_request, seed
from tests.conftest import World
from tests.factories import create_client


async def test_the_export_names_the_clients_of_events_written_while_it_ran(
    client: httpx.AsyncClient, world: World, state: AppState, monkeypatch: pytest.MonkeyPatch
) -> None:
    late = await create_client(client, world["therapist"].headers)  # its events: before `since`
    since = utcnow()
    early = await create_client(client, world["therapist"].headers)
    counted = service.clients_in

    async def then_a_read_of_late_commits(*args: Any, **kwargs: Any) -> list[uuid.UUID]:
        found = await counted(*args, **kwargs)
        therapist = world["therapist"].id
        await seed(state, world.practice_id, [Spec(actor_id=therapist, clients=[late["id"]])])
        return found

    monkeypatch.setattr(service, "clients_in", then_a_read_of_late_commits)
    rid = uuid.uuid4().hex
    answer = await client.get(
        "/v1/audit/export",
        params={"format": "ndjson", "from": since.isoformat()},
        headers=world["auditor"].headers | {"X-Request-ID": rid},
    )
    assert answer.status_code == 200, answer.text
    exported: set[str] = set()
    for line in answer.text.splitlines():
        exported.update(json.loads(line)["client_ids"])
    assert {late["id"], early["id"]} <= exported
    first, later = sorted(await events_of_request(state, rid), key=lambda e: e.occurred_at)
    assert late["id"] not in first.client_ids
    assert set(first.client_ids) | set(later.client_ids) == exported
    assert (later.action, later.details) == ("audit.export", {"export_event_id": str(first.id)})
    # An export that nothing wrote beside names them all in its one event.
    monkeypatch.setattr(service, "clients_in", counted)
    again = uuid.uuid4().hex
    headers = world["auditor"].headers | {"X-Request-ID": again}
    answer = await client.get(
        "/v1/audit/export", params={"from": since.isoformat()}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    [only] = await events_of_request(state, again)
    assert {late["id"], early["id"]} <= set(only.client_ids)
