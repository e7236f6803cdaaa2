"""The reason and user agent an event records are the text their caller sent."""

from __future__ import annotations

import uuid

import httpx

from app.state import AppState
from tests.audit.conftest import events_of_request
from tests.conftest import World
from tests.factories import create_client, problem


def _raw(headers: dict[str, str], **sent: bytes) -> dict[bytes, bytes]:
    """Headers as bytes on the wire: text as UTF-8 or as given."""
    raw = {k.encode(): v.encode() for k, v in headers.items()}
    return raw | {k.replace("_", "-").encode(): v for k, v in sent.items()}


async def test_a_reason_and_user_agent_in_utf8_are_recorded_as_written(
    state: AppState, client: httpx.AsyncClient, world: World
) -> None:
    made = await create_client(
        client, world["admin"].headers, primary_therapist_id=world["therapist"].id
    )
    reason = "Notfall: Vertretung für Dr. Müller, Rufdienst"
    rid = uuid.uuid4().hex
    sent = _raw(
        world["therapist2"].headers,
        X_Break_Glass_Reason=reason.encode(),
        User_Agent="Ärzte-App/2.0".encode(),
        X_Request_ID=rid.encode(),
    )
    read = await client.get(f"/v1/clients/{made['id']}", headers=sent)
    assert read.status_code == 200, read.text
    [event] = await events_of_request(state, rid)
    assert (event.user_agent, event.break_glass_reason) == ("Ärzte-App/2.0", reason)
    # The limit counts characters: 500 two-byte letters pass, 501 do not.
    for length, status in ((500, 200), (501, 422)):
        headers = _raw(world["therapist2"].headers, X_Break_Glass_Reason=("ü" * length).encode())
        answer = await client.get(f"/v1/clients/{made['id']}", headers=headers)
        if status == 200:
            assert answer.status_code == 200, answer.text
        else:
            problem(answer, status)
    # Bytes that are no UTF-8 are kept as received (Latin-1), not refused.
    latin = _raw(
        world["therapist"].headers,
        User_Agent="Caf\xe9".encode("latin-1"),
        X_Request_ID=f"{rid}-2".encode(),
    )
    assert (await client.get("/v1/me", headers=latin)).status_code == 200
    [event] = await events_of_request(state, f"{rid}-2")
    assert event.user_agent == "Café"
