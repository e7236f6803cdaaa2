"""Attempts on the access log's own records (an event, its proof, a review) name the practice
and the clients of the event aimed at (SPEC §2.1 attempts are attributed, §6 client_ids)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from app.state import AppState
from tests.audit.conftest import events_of_request
from tests.conftest import World
from tests.factories import create_client


async def _an_event_naming_a_client(client: httpx.AsyncClient, world: World) -> tuple[str, str]:
    """A client read by its therapist; returns (client id, the id of that read's event)."""
    made = await create_client(client, world["therapist"].headers)
    rid = uuid.uuid4().hex
    read = await client.get(
        f"/v1/clients/{made['id']}", headers={**world["therapist"].headers, "X-Request-ID": rid}
    )
    assert read.status_code == 200
    found = await client.get(
        "/v1/audit/events", params={"client_id": made["id"]}, headers=world["auditor"].headers
    )
    [event] = [e for e in found.json()["items"] if e["request_id"] == rid]
    return made["id"], event["id"]


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", ""), ("GET", "/proof"), ("POST", "/review")],
    ids=["event", "proof", "review"],
)
async def test_an_anonymous_attempt_on_an_audit_event_is_attributed_to_its_practice(
    client: httpx.AsyncClient, world: World, state: AppState, method: str, suffix: str
) -> None:
    client_id, event_id = await _an_event_naming_a_client(client, world)
    rid = uuid.uuid4().hex
    answer = await client.request(
        method,
        f"/v1/audit/events/{event_id}{suffix}",
        headers={"Authorization": "Bearer not-a-token", "X-Request-ID": rid},
        json={"decision": "appropriate"} if method == "POST" else None,
    )
    assert answer.status_code == 401
    [logged] = await events_of_request(state, rid)
    assert logged.outcome == "denied"
    # The practice's auditor must find this attempt in search (SPEC §2.1).
    assert logged.practice_id == world.practice_id
    assert logged.client_ids == [client_id]


async def test_a_clinicians_refused_read_of_a_clients_audit_event_names_the_client(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    client_id, event_id = await _an_event_naming_a_client(client, world)
    rid = uuid.uuid4().hex
    answer = await client.get(
        f"/v1/audit/events/{event_id}",
        headers={**world["therapist2"].headers, "X-Request-ID": rid},
    )
    assert answer.status_code == 403
    [logged] = await events_of_request(state, rid)
    assert logged.outcome == "denied"
    # The request aimed at an access-log entry about this client (SPEC §6 client_ids).
    assert logged.client_ids == [client_id]
