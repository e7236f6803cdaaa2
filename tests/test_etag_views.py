"""ETags name the view they were given for, and If-Match takes only tags the server issued."""

from __future__ import annotations

import uuid

import httpx

from app.state import AppState
from tests.conftest import World
from tests.factories import clinical_case, make_api_key, with_if_match
from tests.notes.support import PROGRESS, NotesApi


async def test_a_304_never_vouches_for_a_clinical_view_the_caller_may_no_longer_read(
    client: httpx.AsyncClient, world: World
) -> None:
    """A therapist made admin revalidates their cached clinical copy: it is answered anew."""
    therapist = world["therapist"]
    body = {"given_name": "Ida", "family_name": "Etag", "presenting_concerns": "Panic."}
    made = await client.post("/v1/clients", json=body, headers=therapist.headers)
    path = f"/v1/clients/{made.json()['id']}"
    clinical = await client.get(path, headers=therapist.headers)
    assert clinical.json()["presenting_concerns"] == "Panic."
    assert clinical.headers["ETag"].endswith('.clinical"')
    admin = world["admin"].headers
    user = await client.get(f"/v1/users/{therapist.id}", headers=admin)
    changed = await client.patch(
        f"/v1/users/{therapist.id}",
        json={"role": "admin"},
        headers=with_if_match(admin, user.headers["ETag"]),
    )
    assert changed.status_code == 200, changed.text
    cached = therapist.headers | {"If-None-Match": clinical.headers["ETag"]}
    revalidated = await client.get(path, headers=cached)
    assert revalidated.status_code == 200, revalidated.text
    assert "presenting_concerns" not in revalidated.json()
    # The same version's demographics view revalidates as itself.
    again = therapist.headers | {"If-None-Match": revalidated.headers["ETag"]}
    assert (await client.get(path, headers=again)).status_code == 304


async def test_if_match_takes_a_clinical_tag_and_refuses_a_tag_never_issued(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world["therapist"].headers
    case = await clinical_case(client, world)
    client_path = f"/v1/clients/{case.client_id}"
    tag = (await client.get(client_path, headers=me)).headers["ETag"]
    kept = await client.patch(
        client_path, json={"preferred_name": "Jo"}, headers=with_if_match(me, tag)
    )
    assert kept.status_code == 200, kept.text
    notes = NotesApi(client)
    created = await notes.create(me, uuid.UUID(case.session_id), PROGRESS)
    forged = created.headers["ETag"][:-1] + '.anything"'
    changed = await notes.patch(me, created.json()["id"], {"plan": "Twice weekly."}, forged)
    assert changed.status_code == 412, changed.text


async def test_a_users_read_key_s_etag_moves_only_with_what_it_sees(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """A password reset changes nothing a scheduler's key sees: its tag stays, 304."""
    key = await make_api_key(state, world, ["users:read"])
    path = f"/v1/users/{world['therapist'].id}"
    first = await client.get(path, headers=key)
    reset = await client.post(f"{path}/password-reset", headers=world["admin"].headers)
    assert reset.status_code == 200, reset.text
    cached = key | {"If-None-Match": first.headers["ETag"]}
    assert (await client.get(path, headers=cached)).status_code == 304
    admin = world["admin"].headers
    user = await client.get(path, headers=admin)
    renamed = await client.patch(
        path,
        json={"display_name": "Ana Renamed"},
        headers=with_if_match(admin, user.headers["ETag"]),
    )
    assert renamed.status_code == 200, renamed.text
    changed = await client.get(path, headers=cached)
    assert changed.status_code == 200
    assert changed.json()["display_name"] == "Ana Renamed"


async def test_a_required_if_match_takes_no_wildcard(
    client: httpx.AsyncClient, world: World
) -> None:
    """`*` would let a change overwrite a version its sender never read: 428, nothing changes."""
    me = world["therapist"].headers
    case = await clinical_case(client, world)
    notes = NotesApi(client)
    created = await notes.create(me, uuid.UUID(case.session_id), PROGRESS)
    note_id, tag = created.json()["id"], created.headers["ETag"]
    for wildcard in ("*", f"{tag}, *"):
        refused = await notes.patch(me, note_id, {"plan": "Blind."}, wildcard)
        assert refused.status_code == 428, refused.text
        assert "`*`" in refused.json()["detail"]
        signed = await client.post(f"/v1/notes/{note_id}/sign", headers=with_if_match(me, wildcard))
        assert signed.status_code == 428, signed.text
    client_path = f"/v1/clients/{case.client_id}"
    refused = await client.patch(
        client_path, json={"preferred_name": "Blind"}, headers=with_if_match(me, "*")
    )
    assert refused.status_code == 428, refused.text
    note = await client.get(f"/v1/notes/{note_id}", headers=me)
    assert (note.json()["status"], note.json()["plan"]) == ("draft", PROGRESS["plan"])
    assert note.headers["ETag"] == tag
    # Where If-Match is optional, `*` asks only that the resource exist (RFC 9110 §13.1.1).
    session_path = f"/v1/sessions/{case.session_id}"
    kept = await client.patch(
        session_path, json={"duration_minutes": 50}, headers=with_if_match(me, "*")
    )
    assert kept.status_code == 200, kept.text
