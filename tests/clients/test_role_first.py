"""SPEC §2.1: a role or key that may never do an action gets the same 403 for any id.

Decided before the client (or session) is read; the event of a request on an existing one
still names its client.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from app.state import AppState
from tests.conftest import World
from tests.factories import clinical_case, make_api_key, with_if_match
from tests.one_path import only_event, request_id

KEY_SCOPES = ["clients:read", "clients:write", "sessions:read", "sessions:write"]
# (who, method, path under /v1, body): each refused by the caller's role or kind alone.
CASES: dict[str, tuple[str, str, str, dict[str, Any]]] = {
    "key replaces a care team": ("key", "PUT", "/clients/{client}/care-team", {"user_ids": []}),
    "admin writes presenting concerns": (
        "admin",
        "PATCH",
        "/clients/{client}",
        {"presenting_concerns": "Written by an admin."},
    ),
    "therapist sets a client's external_id": (
        "therapist",
        "PATCH",
        "/clients/{client}",
        {"external_id": "PMS-1"},
    ),
    "therapist sets a session's external_id": (
        "therapist",
        "PATCH",
        "/sessions/{session}",
        {"external_id": "PMS-2"},
    ),
}


def _fill(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


@pytest.mark.parametrize("case", sorted(CASES))
async def test_the_same_403_for_an_existing_and_a_missing_id(
    client: httpx.AsyncClient, world: World, state: AppState, case: str
) -> None:
    who, method, path, body = CASES[case]
    made = await clinical_case(client, world)
    headers = await make_api_key(state, world, KEY_SCOPES) if who == "key" else world[who].headers
    real = {"client": made.client_id, "session": made.session_id}
    missing = {"client": str(uuid.uuid4()), "session": str(uuid.uuid4())}
    seen = []
    for ids in (real, missing):
        names = {**ids, "therapist2": str(world["therapist2"].id)}
        sent = with_if_match(headers, '"x-1"') | request_id()
        response = await client.request(
            method, "/v1" + _fill(path, names), json=_fill(body, names), headers=sent
        )
        event = await only_event(state, sent["X-Request-ID"])
        seen.append((response.status_code, response.json()["detail"], event["client_ids"]))
    assert seen[0][:2] == seen[1][:2], seen
    assert seen[0][0] == 403, seen
    # The event of the existing one names its client; the missing one names none.
    assert seen[0][2] == [made.client_id], seen
    assert seen[1][2] == [], seen


# A primary therapist sent unchanged changes nothing: only a change is refused, once the
# client is read (keys reach their whole practice, so its 403 tells them nothing new).
async def test_a_key_resending_the_same_primary_therapist_is_not_refused(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    key = await make_api_key(state, world, ["clients:read", "clients:write"])
    therapist = str(world["therapist"].id)
    created = await client.post(
        "/v1/clients",
        json={"given_name": "Sync", "family_name": "Client", "primary_therapist_id": therapist},
        headers=key,
    )
    assert created.status_code == 201, created.text
    patched = await client.patch(
        f"/v1/clients/{created.json()['id']}",
        json={"phone": "+1 555 0100", "primary_therapist_id": therapist},
        headers=with_if_match(key, created.headers["ETag"]),
    )
    # No change of who reaches the client: nothing for §2.1 to refuse.
    assert patched.status_code == 200, (patched.status_code, patched.text)
