"""Cosign and return are the supervisor's: any other role gets one role-first 403 (SPEC §2.1)."""

from __future__ import annotations

import uuid

import httpx

from tests.conftest import World
from tests.notes.support import PROGRESS, PSYCHOTHERAPY, NotesApi, make_case


def _shape(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body.get("title"), body.get("detail")


async def test_a_therapist_gets_the_same_403_for_cosign_on_any_note_id(
    client: httpx.AsyncClient, world: World
) -> None:
    """SPEC §2.1: "A role that may never do an action on a resource kind gets 403 decided from
    the role alone, before any row is read: the same status and body for an existing progress
    note, a psychotherapy note and an id that does not exist." Role `therapist` may never
    cosign or return (SPEC §2 table: cosign/return is the supervisor's)."""
    case = await make_case(client, world, therapist="trainee", care_team=("therapist2",))
    api, trainee = NotesApi(client), world["trainee"].headers
    progress_id = await api.signed(trainee, case.session_ids[0], PROGRESS)  # pending_cosign
    psycho_id = (await api.create(trainee, case.session_ids[0], PSYCHOTHERAPY)).json()["id"]
    colleague = world["therapist2"].headers | {"If-Match": '"x-1"'}
    for verb, body in (("cosign", None), ("return", {"comment": "please add the plan"})):
        answers = {
            name: _shape(
                await client.post(f"/v1/notes/{note_id}/{verb}", json=body, headers=colleague)
            )
            for name, note_id in (
                ("progress", progress_id),
                ("psychotherapy", psycho_id),
                ("missing", str(uuid.uuid4())),
            )
        }
        assert answers["progress"][0] == 403, answers
        assert answers["progress"] == answers["psychotherapy"] == answers["missing"], (
            verb,
            answers,
        )
