"""A replayed Idempotency-Key response is audited like the request that created the object."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from app.state import AppState
from tests.audit.conftest import events_of_request
from tests.conftest import World
from tests.factories import clinical_case

NOTE = {"kind": "progress", "body": "Spoke of the move; dreams of the old house."}
MEASURE = {"instrument": "gad7", "items": [1, 1, 2, 1, 0, 1, 1]}


async def _post(
    http: httpx.AsyncClient, path: str, body: dict[str, Any], headers: dict[str, str]
) -> tuple[httpx.Response, str]:
    """POST with a fresh request id; returns the response and that request id."""
    request_id = uuid.uuid4().hex
    response = await http.post(path, json=body, headers={**headers, "X-Request-ID": request_id})
    assert response.status_code == 201, response.text
    return response, request_id


@pytest.mark.parametrize(
    ("kind", "resource_type"),
    [("client", "client"), ("note", "note"), ("measure", "measure")],
)
async def test_replay_names_the_created_resource_and_its_client(
    state: AppState, client: httpx.AsyncClient, world: World, kind: str, resource_type: str
) -> None:
    case = await clinical_case(client, world)
    targets: dict[str, tuple[str, dict[str, Any]]] = {
        "client": ("/v1/clients", {"given_name": "Idem", "family_name": "Potent"}),
        "note": (f"/v1/sessions/{case.session_id}/notes", NOTE),
        "measure": (f"/v1/clients/{case.client_id}/measures", MEASURE),
    }
    path, body = targets[kind]
    headers = {**world["therapist"].headers, "Idempotency-Key": f"replay-{kind}"}
    first, first_rid = await _post(client, path, body, headers)
    again, again_rid = await _post(client, path, body, headers)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    created = first.json()["id"]
    named_client = created if kind == "client" else case.client_id
    [original] = await events_of_request(state, first_rid)
    [replay] = await events_of_request(state, again_rid)
    for event in (original, replay):
        assert (event.resource_type, event.resource_id) == (resource_type, created)
        assert event.client_ids == [named_client]
        assert (event.outcome, event.http_status) == ("success", 201)
    assert replay.action == original.action
    assert replay.id != original.id
