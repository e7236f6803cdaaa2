"""Note lifecycle: drafts, signing, cosigning, returning, If-Match, addenda and bad input."""

from __future__ import annotations

import asyncio

import httpx

from tests.conftest import World
from tests.notes.support import PROGRESS, PSYCHOTHERAPY, NotesApi, close_episode, make_case


async def test_draft_edit_sign_and_immutability(client: httpx.AsyncClient, world: World) -> None:
    case = await make_case(client, world)
    api, me = NotesApi(client), world["therapist"].headers
    created = await api.create(me, case.session_ids[0], PROGRESS)
    assert created.status_code == 201, created.text
    note = created.json()
    assert note["status"] == "draft"
    assert note["author_id"] == str(world["therapist"].id)
    assert created.headers["Location"] == f"/v1/notes/{note['id']}"
    etag = created.headers["ETag"]

    assert (await api.patch(me, note["id"], {"plan": "x"})).status_code == 428
    assert (await api.patch(me, note["id"], {"plan": "x"}, '"stale-9"')).status_code == 412
    edited = await api.patch(me, note["id"], {"plan": "Fortnightly.", "risk": None}, etag)
    assert edited.status_code == 200, edited.text
    assert edited.json()["plan"] == "Fortnightly."
    assert edited.json()["risk"] is None
    assert edited.json()["body"] == PROGRESS["body"]
    assert (await api.act(me, note["id"], "sign", etag)).status_code == 412
    assert (await api.act(me, note["id"], "sign")).status_code == 428

    signed = await api.act(me, note["id"], "sign", edited.headers["ETag"])
    assert signed.status_code == 200, signed.text
    assert signed.json()["status"] == "signed"
    assert signed.json()["signed_at"]
    assert signed.json()["signed_by"] == str(world["therapist"].id)
    etag = signed.headers["ETag"]
    assert (await api.patch(me, note["id"], {"plan": "changed"}, etag)).status_code == 409
    assert (await api.delete(me, note["id"], etag)).status_code == 409
    assert (await api.act(me, note["id"], "sign", etag)).status_code == 409
    after = await api.get(me, note["id"])
    assert after.json()["plan"] == "Fortnightly."
    assert after.headers["ETag"] == etag


async def test_trainee_cosign_and_return(client: httpx.AsyncClient, world: World) -> None:
    case = await make_case(client, world, therapist="trainee", sessions=2)
    api = NotesApi(client)
    trainee, supervisor = world["trainee"].headers, world["supervisor"].headers
    created = await api.create(trainee, case.session_ids[0], PROGRESS)
    note_id = created.json()["id"]
    # A draft is not the supervisor's to cosign yet.
    supervisor_etag = await api.etag(supervisor, note_id)
    assert (await api.act(supervisor, note_id, "cosign", supervisor_etag)).status_code == 409
    pending = await api.act(trainee, note_id, "sign", created.headers["ETag"])
    assert pending.json()["status"] == "pending_cosign"
    etag = pending.headers["ETag"]
    # Awaiting cosignature: the trainee cannot edit, delete or cosign it.
    assert (await api.patch(trainee, note_id, {"plan": "x"}, etag)).status_code == 409
    assert (await api.delete(trainee, note_id, etag)).status_code == 409
    assert (await api.act(trainee, note_id, "cosign", etag)).status_code == 403
    # A therapist never cosigns: refused from the role, before the note is read (§2.1).
    assert (await api.act(world["therapist"].headers, note_id, "cosign", etag)).status_code == 403

    assert (await api.act(supervisor, note_id, "return", etag, {})).status_code == 422
    returned = await api.act(
        supervisor, note_id, "return", etag, {"comment": "Add the risk assessment."}
    )
    assert returned.status_code == 200, returned.text
    assert returned.json()["status"] == "draft"
    assert returned.json()["return_comment"] == "Add the risk assessment."
    assert returned.json()["signed_at"] is None
    etag = returned.headers["ETag"]
    assert (await api.act(supervisor, note_id, "cosign", etag)).status_code == 409

    edited = await api.patch(trainee, note_id, {"risk": {"level": "moderate"}}, etag)
    resigned = await api.act(trainee, note_id, "sign", edited.headers["ETag"])
    assert resigned.json()["status"] == "pending_cosign"
    assert resigned.json()["return_comment"] is None
    cosigned = await api.act(supervisor, note_id, "cosign", resigned.headers["ETag"])
    assert cosigned.status_code == 200, cosigned.text
    body = cosigned.json()
    assert body["status"] == "signed"
    assert body["cosigned_by"] == str(world["supervisor"].id)
    assert body["signed_by"] == str(world["trainee"].id)
    # A trainee's psychotherapy note is not part of the record: no cosignature.
    own = await api.create(trainee, case.session_ids[1], PSYCHOTHERAPY)
    signed = await api.act(trainee, own.json()["id"], "sign", own.headers["ETag"])
    assert signed.json()["status"] == "signed"


async def test_delete_draft_only_by_author(client: httpx.AsyncClient, world: World) -> None:
    case = await make_case(client, world, care_team=("therapist2",))
    api = NotesApi(client)
    created = await api.create(world["therapist"].headers, case.session_ids[0], PROGRESS)
    note_id, etag = created.json()["id"], created.headers["ETag"]
    other = world["therapist2"].headers
    assert (await api.get(other, note_id)).status_code == 200  # the care team reads drafts
    assert (await api.patch(other, note_id, {"plan": "x"}, etag)).status_code == 403
    assert (await api.delete(other, note_id, etag)).status_code == 403
    assert (await api.act(other, note_id, "sign", etag)).status_code == 403
    assert (await api.delete(world["therapist"].headers, note_id)).status_code == 428
    assert (await api.delete(world["therapist"].headers, note_id, etag)).status_code == 204
    assert (await api.get(world["therapist"].headers, note_id)).status_code == 404
    # The session can take a progress note again.
    again = await api.create(other, case.session_ids[0], PROGRESS)
    assert again.status_code == 201, again.text


async def test_one_note_per_session_and_author(client: httpx.AsyncClient, world: World) -> None:
    case = await make_case(client, world, care_team=("therapist2",))
    api, session_id = NotesApi(client), case.session_ids[0]
    me, other = world["therapist"].headers, world["therapist2"].headers
    assert (await api.create(me, session_id, PROGRESS)).status_code == 201
    assert (await api.create(other, session_id, PROGRESS)).status_code == 409
    assert (await api.create(me, session_id, PSYCHOTHERAPY)).status_code == 201
    assert (await api.create(me, session_id, PSYCHOTHERAPY)).status_code == 409
    assert (await api.create(other, session_id, PSYCHOTHERAPY)).status_code == 201


async def test_concurrent_creates_and_signs_have_one_winner(
    client: httpx.AsyncClient, world: World
) -> None:
    case = await make_case(client, world, sessions=2)
    api, me = NotesApi(client), world["therapist"].headers
    results = await asyncio.gather(
        *(api.create(me, case.session_ids[0], PROGRESS) for _ in range(3))
    )
    assert sorted(r.status_code for r in results) == [201, 409, 409]
    created = await api.create(me, case.session_ids[1], PROGRESS)
    note_id, etag = created.json()["id"], created.headers["ETag"]
    edits = await asyncio.gather(
        *(api.patch(me, note_id, {"plan": f"plan {i}"}, etag) for i in range(3))
    )
    assert sorted(r.status_code for r in edits) == [200, 412, 412]


async def test_bad_input(client: httpx.AsyncClient, world: World) -> None:
    case = await make_case(client, world)
    api, me, session_id = NotesApi(client), world["therapist"].headers, case.session_ids[0]
    for extra in (
        {"author_id": str(world["therapist2"].id)},
        {"status": "signed"},
        {"practice_id": str(world.practice_id)},
        {"version": 7},
    ):
        response = await api.create(me, session_id, PROGRESS | extra)
        assert response.status_code == 422, extra
        assert response.headers["content-type"] == "application/problem+json"
    invalid = [
        PSYCHOTHERAPY | {"interventions": ["supportive"]},
        PSYCHOTHERAPY | {"risk": {"level": "low"}},
        PROGRESS | {"interventions": ["hypnosis"]},
        PROGRESS | {"interventions": ["supportive", "supportive"]},
        PROGRESS | {"risk": {"level": "grave"}},
        PROGRESS | {"risk": {"details": "no level"}},
        PROGRESS | {"share_with_supervisor": True},
        PROGRESS | {"body": ""},
        PROGRESS | {"body": "x" * 20_001},
        PROGRESS | {"kind": "memo"},
        {"kind": "progress"},
    ]
    for body in invalid:
        assert (await api.create(me, session_id, body)).status_code == 422, body
    for raw in (
        '{"kind": "progress", "body": "\\ud800"}',
        '{"kind": "progress", "body": "a\\u0000"}',
    ):
        unstorable = await client.post(
            f"/v1/sessions/{session_id}/notes",
            content=raw,
            headers=me | {"Content-Type": "application/json"},
        )
        assert unstorable.status_code == 422, raw
    created = await api.create(me, session_id, PROGRESS)
    note_id, etag = created.json()["id"], created.headers["ETag"]
    for change in (
        {"status": "signed"},
        {"kind": "psychotherapy"},
        {"body": None},
        {"share_with_supervisor": True},
        {"signed_by": str(world["admin"].id)},
    ):
        assert (await api.patch(me, note_id, change, etag)).status_code == 422, change
    assert (await api.get(me, "not-a-uuid")).status_code == 422
    assert (await api.get(me, note_id)).json()["version"] == 1  # nothing half-written


async def test_closed_episode_is_read_only(client: httpx.AsyncClient, world: World) -> None:
    case = await make_case(client, world, sessions=2)
    api, me = NotesApi(client), world["therapist"].headers
    signed_id = await api.signed(me, case.session_ids[0])
    draft = await api.create(me, case.session_ids[1], PROGRESS)
    draft_id, etag = draft.json()["id"], draft.headers["ETag"]
    await close_episode(client, me, str(case.episode_id))
    assert (await api.create(me, case.session_ids[0], PSYCHOTHERAPY)).status_code == 409
    assert (await api.patch(me, draft_id, {"plan": "x"}, etag)).status_code == 409
    assert (await api.act(me, draft_id, "sign", etag)).status_code == 409
    assert (await api.delete(me, draft_id, etag)).status_code == 409
    assert (await api.list(me, case.session_ids[0])).status_code == 200
    # The record stays correctable: addenda to signed notes are still accepted.
    addendum = await api.add_addendum(me, signed_id, "Follow-up call on Friday.")
    assert addendum.status_code == 201, addendum.text


async def test_addenda(client: httpx.AsyncClient, world: World) -> None:
    case = await make_case(client, world, care_team=("therapist2",), sessions=2)
    api, me = NotesApi(client), world["therapist"].headers
    draft = await api.create(me, case.session_ids[1], PROGRESS)
    assert (await api.add_addendum(me, draft.json()["id"], "too early")).status_code == 409
    note_id = await api.signed(me, case.session_ids[0])
    assert (await api.add_addendum(me, note_id, "", "x")).status_code == 422
    assert (await api.add_addendum(me, note_id, "body", "")).status_code == 422
    response = await client.post(
        f"/v1/notes/{note_id}/addenda",
        headers=me,
        json={"body": "b", "reason": "r", "author_id": str(me)},
    )
    assert response.status_code == 422
    first = await api.add_addendum(me, note_id, "Client called after the session.", "late entry")
    assert first.status_code == 201, first.text
    assert first.json()["author_id"] == str(world["therapist"].id)
    second = await api.add_addendum(world["therapist2"].headers, note_id, "Seen in crisis clinic.")
    assert second.status_code == 201
    supervised = await api.add_addendum(world["supervisor"].headers, note_id, "x")
    assert supervised.status_code == 404  # not the supervisor's supervisee's client
    listed = await api.addenda(world["therapist2"].headers, note_id)
    assert [a["body"] for a in listed.json()["items"]] == [
        "Client called after the session.",
        "Seen in crisis clinic.",
    ]
    assert listed.json()["items"][0]["reason"] == "late entry"
    page = await client.get(f"/v1/notes/{note_id}/addenda?limit=1", headers=me)
    assert len(page.json()["items"]) == 1
    assert page.json()["next_cursor"]
    rest = await client.get(
        f"/v1/notes/{note_id}/addenda?limit=1&cursor={page.json()['next_cursor']}", headers=me
    )
    assert rest.json()["items"][0]["body"] == "Seen in crisis clinic."
    tampered = await client.get(
        f"/v1/notes/{note_id}/addenda?cursor=AAAA{page.json()['next_cursor']}", headers=me
    )
    assert tampered.status_code == 400
    # Addenda never change and are never deleted: there is no such operation.
    addendum_path = f"/v1/notes/{note_id}/addenda"
    assert (await client.patch(addendum_path, json={}, headers=me)).status_code == 405
    assert (await client.delete(addendum_path, headers=me)).status_code == 405


async def test_idempotent_create_replays(client: httpx.AsyncClient, world: World) -> None:
    case = await make_case(client, world)
    me = world["therapist"].headers | {"Idempotency-Key": "note-1"}
    path = f"/v1/sessions/{case.session_ids[0]}/notes"
    first = await client.post(path, json=PROGRESS, headers=me)
    again = await client.post(path, json=PROGRESS, headers=me)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
    different = await client.post(path, json=PROGRESS | {"plan": "other"}, headers=me)
    assert different.status_code == 422
