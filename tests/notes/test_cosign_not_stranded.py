"""A trainee's note awaiting cosignature can always be finished (SPEC §1.2: the supervisor
cosigns or returns it): neither closing the episode nor taking the trainee off the client
may leave it waiting for good."""

from __future__ import annotations

import httpx

from tests.conftest import World
from tests.factories import days_ago
from tests.notes.support import PROGRESS, NotesApi, close_episode, make_case


async def _close(client: httpx.AsyncClient, headers: dict[str, str], episode_id: str) -> int:
    current = await client.get(f"/v1/episodes/{episode_id}", headers=headers)
    closed = await client.post(
        f"/v1/episodes/{episode_id}/close",
        json={"ended_on": days_ago(0).isoformat(), "reason": "completed"},
        headers=headers | {"If-Match": current.headers["ETag"]},
    )
    return closed.status_code


async def test_an_episode_with_a_note_awaiting_cosign_does_not_close(
    client: httpx.AsyncClient, world: World
) -> None:
    case = await make_case(client, world, therapist="trainee")
    api, trainee, sup = NotesApi(client), world["trainee"].headers, world["supervisor"].headers
    note_id = await api.signed(trainee, case.session_ids[0], PROGRESS)
    assert (await api.get(trainee, note_id)).json()["status"] == "pending_cosign"
    assert await _close(client, trainee, str(case.episode_id)) == 409
    cosigned = await api.act(sup, note_id, "cosign", await api.etag(sup, note_id))
    assert cosigned.status_code == 200, cosigned.text
    await close_episode(client, trainee, str(case.episode_id))


async def test_the_trainee_stays_on_the_client_while_their_note_awaits_cosign(
    client: httpx.AsyncClient, world: World
) -> None:
    case = await make_case(client, world, care_team=("trainee",))
    api, sup = NotesApi(client), world["supervisor"].headers
    note_id = await api.signed(world["trainee"].headers, case.session_ids[0], PROGRESS)
    path = f"/v1/clients/{case.client_id}"
    me = world["therapist"].headers

    async def leave_team() -> httpx.Response:
        etag = (await client.get(path, headers=me)).headers["ETag"]
        return await client.put(
            f"{path}/care-team", json={"user_ids": []}, headers=me | {"If-Match": etag}
        )

    refused = await leave_team()
    assert refused.status_code == 409, refused.text
    assert (await api.get(sup, note_id)).status_code == 200  # still within the supervisor's reach
    returned = await api.act(
        sup, note_id, "return", await api.etag(sup, note_id), {"comment": "Add the risk."}
    )
    assert returned.status_code == 200, returned.text
    assert (await leave_team()).status_code == 200


async def test_a_new_primary_therapist_keeps_the_trainee_if_a_note_awaits_cosign(
    client: httpx.AsyncClient, world: World
) -> None:
    case = await make_case(client, world, therapist="trainee")
    api = NotesApi(client)
    await api.signed(world["trainee"].headers, case.session_ids[0], PROGRESS)
    path = f"/v1/clients/{case.client_id}"
    admin = world["admin"].headers
    etag = (await client.get(path, headers=admin)).headers["ETag"]
    moved = await client.patch(
        path,
        json={"primary_therapist_id": str(world["therapist"].id)},
        headers=admin | {"If-Match": etag},
    )
    assert moved.status_code == 409, moved.text
    # With the trainee kept on the care team, the move is fine.
    etag = (await client.get(path, headers=admin)).headers["ETag"]
    team = await client.put(
        f"{path}/care-team",
        json={"user_ids": [str(world["trainee"].id)]},
        headers=admin | {"If-Match": etag},
    )
    assert team.status_code == 200, team.text
    etag = team.headers.get("ETag") or (await client.get(path, headers=admin)).headers["ETag"]
    moved = await client.patch(
        path,
        json={"primary_therapist_id": str(world["therapist"].id)},
        headers=admin | {"If-Match": etag},
    )
    assert moved.status_code == 200, moved.text
