"""Refusals on a psychotherapy note answer as for a missing note, and name its client in the
access log as a progress note's refusal does: the log cannot tell the two kinds apart
(docs/adr/0024-psychotherapy-note-refusals-name-the-client.md). Checked for the refusals
decided before any route runs: a 405, a malformed JSON body, an oversized body and a
break-the-glass write.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from app.state import AppState
from tests.conftest import World
from tests.factories import clinical_case
from tests.one_path import only_event, request_id

LIMIT = 1024 * 1024
GLASS = {"X-Break-Glass-Reason": "covering for a colleague tonight"}


async def _psychotherapy_note(client: httpx.AsyncClient, world: World) -> str:
    return (await _notes(client, world))["psychotherapy"]


async def _notes(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    """A session's progress and psychotherapy notes by the therapist, and a missing id."""
    case = await clinical_case(client, world)
    made = {"missing": str(uuid.uuid4())}
    for kind, body in (("psychotherapy", "Countertransference: boredom."), ("progress", "Met.")):
        note = await client.post(
            f"/v1/sessions/{case.session_id}/notes",
            headers=world["therapist"].headers,
            json={"kind": kind, "body": body},
        )
        assert note.status_code == 201, note.text
        made[kind] = str(note.json()["id"])
    return made


def _requests(note_id: str) -> dict[str, tuple[str, str, dict[str, str], bytes | None]]:
    return {
        "405 PUT": ("PUT", f"/v1/notes/{note_id}", {}, None),
        "malformed JSON": (
            "PATCH",
            f"/v1/notes/{note_id}",
            {"Content-Type": "application/json", "If-Match": '"x"'},
            b'{"body": ',
        ),
        "413": (
            "POST",
            f"/v1/notes/{note_id}/addenda",
            {"Content-Type": "application/json"},
            b" " * (LIMIT + 1),
        ),
        "break-glass write": (
            "POST",
            f"/v1/notes/{note_id}/sign",
            GLASS | {"If-Match": '"x"'},
            None,
        ),
    }


CASES = [
    (case, who)
    for case in ("405 PUT", "malformed JSON", "413", "break-glass write")
    for who in ("therapist2", "supervisor", "auditor")
    if not (case == "break-glass write" and who == "auditor")  # 403 before anything
]


@pytest.mark.parametrize(("case", "who"), CASES)
async def test_refusal_on_psychotherapy_note_logs_like_a_progress_notes(
    client: httpx.AsyncClient, world: World, state: AppState, case: str, who: str
) -> None:
    made = await _notes(client, world)
    answers, named = {}, {}
    for label, target in made.items():
        method, path, extra, content = _requests(target)[case]
        sent = world[who].headers | extra | request_id()
        response = await client.request(method, path, headers=sent, content=content)
        event = await only_event(state, sent["X-Request-ID"])
        answers[label] = (response.status_code, response.json()["detail"])
        named[label] = event["client_ids"]
    # The answer of a note that does not exist; the event of a progress note's refusal.
    assert answers["psychotherapy"] == answers["missing"], answers
    assert named["psychotherapy"] == named["progress"] != [], named


@pytest.mark.parametrize("case", ["405 PUT", "malformed JSON", "413", "break-glass write"])
async def test_the_authors_refusals_still_name_the_client(
    client: httpx.AsyncClient, world: World, state: AppState, case: str
) -> None:
    note_id = await _psychotherapy_note(client, world)
    note = await client.get(f"/v1/notes/{note_id}", headers=world["therapist"].headers)
    method, path, extra, content = _requests(note_id)[case]
    sent = world["therapist"].headers | extra | request_id()
    response = await client.request(method, path, headers=sent, content=content)
    assert response.status_code >= 400, response.text
    event = await only_event(state, sent["X-Request-ID"])
    assert event["client_ids"] == [note.json()["client_id"]], event
