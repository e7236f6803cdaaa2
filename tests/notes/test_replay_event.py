"""A replayed cosign is told apart from the cosignature in the access log (SPEC §4, §6)."""

from __future__ import annotations

import uuid

import httpx

from app.state import AppState
from tests.conftest import World
from tests.notes.support import PROGRESS, NotesApi, make_case
from tests.one_path import only_event


async def test_a_replayed_cosign_is_marked_as_a_replay(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    case = await make_case(client, world, therapist="trainee")
    api = NotesApi(client)
    note_id = await api.signed(world["trainee"].headers, case.session_ids[0], PROGRESS)
    sup = world["supervisor"].headers
    etag = await api.etag(sup, note_id)
    request_ids = []
    for _ in range(2):
        request_id = uuid.uuid4().hex
        answer = await client.post(
            f"/v1/notes/{note_id}/cosign",
            headers=sup
            | {"If-Match": etag, "Idempotency-Key": "cosign-1", "X-Request-ID": request_id},
        )
        assert answer.status_code == 200, answer.text
        request_ids.append(request_id)
    first, replay = [await only_event(state, r) for r in request_ids]
    assert (first["action"], first["outcome"], first["details"]) == ("note.cosign", "success", None)
    assert (replay["action"], replay["outcome"]) == ("note.cosign", "success")
    assert replay["details"] == {"idempotent_replay": True}
    assert replay["client_ids"] == first["client_ids"] == [str(case.client_id)]
