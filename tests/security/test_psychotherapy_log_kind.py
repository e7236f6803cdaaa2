"""The access log does not tell a psychotherapy note from a progress note: neither by an
anonymous probe's event nor by the auditor's own refused reads (SPEC §1.2: "Nobody else can
see that they exist ... auditors ... included"; docs/adr/0024)."""

from __future__ import annotations

import uuid

import httpx

from tests.conftest import World
from tests.factories import clinical_case


async def _both_kinds(
    client: httpx.AsyncClient, world: World, session_id: str | None = None
) -> dict[str, str]:
    """A progress and a psychotherapy note by the therapist on one session, by kind."""
    if session_id is None:
        session_id = (await clinical_case(client, world)).session_id
    made = {}
    for kind in ("progress", "psychotherapy"):
        created = await client.post(
            f"/v1/sessions/{session_id}/notes",
            headers=world["therapist"].headers,
            json={"kind": kind, "body": "text"},
        )
        assert created.status_code == 201, created.text
        made[kind] = str(created.json()["id"])
    return made


async def test_anonymous_probes_do_not_tell_a_psychotherapy_note_from_a_progress_note(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await _both_kinds(client, world)
    made["missing"] = str(uuid.uuid4())

    auditor = world["auditor"].headers
    # With credentials the auditor's role is refused alike for every id (403, same body).
    bodies = {
        k: (await client.get(f"/v1/notes/{v}", headers=auditor)).json()["detail"]
        for k, v in made.items()
    }
    assert len(set(bodies.values())) == 1

    # Without credentials: the same 401 for each...
    for note_id in made.values():
        assert (await client.get(f"/v1/notes/{note_id}")).status_code == 401
    # ...and the practice's log cannot classify them by kind either.
    seen = {}
    for kind, note_id in made.items():
        events = await client.get(
            "/v1/audit/events",
            headers=auditor,
            params={"resource_type": "note", "outcome": "denied"},
        )
        assert events.status_code == 200, events.text
        hits = [
            e
            for e in events.json()["items"]
            if e["resource"]["id"] == note_id and e["actor"]["type"] == "anonymous"
        ]
        seen[kind] = [sorted(e.get("client_ids") or []) for e in hits]
    # A missing id's attempt is in no practice's log; a note's names its client, whatever
    # its kind.
    assert seen["missing"] == []
    assert seen["psychotherapy"] == seen["progress"] != [], seen


async def test_the_auditors_refused_reads_do_not_tell_the_kinds_apart(
    client: httpx.AsyncClient, world: World
) -> None:
    """The author's own reads put both note ids and their client in the log; the auditor's
    own role-refused (403) reads then name that client alike for both kinds."""
    case = await clinical_case(client, world)
    therapist = world["therapist"].headers
    ids = await _both_kinds(client, world, case.session_id)
    for note_id in ids.values():
        assert (await client.get(f"/v1/notes/{note_id}", headers=therapist)).status_code == 200
    auditor = world["auditor"].headers
    # 1. The log shows both notes, read by their author, naming the client.
    log = (
        await client.get(
            "/v1/audit/events",
            headers=auditor,
            params={"action": "note.read", "outcome": "success"},
        )
    ).json()["items"]
    for note_id in ids.values():
        assert any(
            e["resource"]["id"] == note_id and e["client_ids"] == [case.client_id] for e in log
        )
    # 2. The auditor's own refused reads: the same 403 body for both...
    for note_id in ids.values():
        assert (await client.get(f"/v1/notes/{note_id}", headers=auditor)).status_code == 403
    # ...but their events differ by the note's kind.
    mine = (
        await client.get(
            "/v1/audit/events",
            headers=auditor,
            params={"actor_id": str(world["auditor"].id), "action": "note.read"},
        )
    ).json()["items"]
    named = {
        kind: [e["client_ids"] for e in mine if e["resource"]["id"] == note_id]
        for kind, note_id in ids.items()
    }
    assert named["progress"] == named["psychotherapy"], named
