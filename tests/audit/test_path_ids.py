"""A path's id as its event keeps it: canonical when it is a UUID however it was spelled,
storable and within the column's width when it is not (SPEC §2.1, §6)."""

from __future__ import annotations

import httpx
import pytest

from app.audit.context import path_id
from app.state import AppState
from tests.conftest import World
from tests.factories import clinical_case
from tests.one_path import only_event, request_id


@pytest.mark.parametrize("authenticated", [True, False], ids=["therapist", "anonymous"])
@pytest.mark.parametrize("path", ["/v1/clients/", "/v1/notes/", "/v1/sessions/"])
async def test_a_long_nul_path_id_is_refused_with_its_event(
    client: httpx.AsyncClient, world: World, state: AppState, path: str, authenticated: bool
) -> None:
    # Each NUL is kept as the four characters `\x00`: 30 of them overflowed the column.
    sent = (world["therapist"].headers if authenticated else {}) | request_id()
    response = await client.get(path + "%00" * 30, headers=sent)
    assert response.status_code == (422 if authenticated else 401), response.text
    assert response.headers["content-type"] == "application/problem+json"
    event = await only_event(state, sent["X-Request-ID"])
    assert event["http_status"] == response.status_code
    assert event["resource_id"] == "\\x00" * 20


@pytest.mark.parametrize("spelling", ["upper", "braces", "urn", "hex"])
async def test_the_log_names_a_note_by_its_id_however_the_path_spells_it(
    client: httpx.AsyncClient, world: World, state: AppState, spelling: str
) -> None:
    me = world["therapist"].headers
    case = await clinical_case(client, world)
    note = await client.post(
        f"/v1/sessions/{case.session_id}/notes", headers=me, json={"kind": "progress", "body": "B"}
    )
    assert note.status_code == 201, note.text
    note_id = note.json()["id"]
    written = {
        "upper": note_id.upper(),
        "braces": "{" + note_id + "}",
        "urn": "urn:uuid:" + note_id,
        "hex": note_id.replace("-", ""),
    }[spelling]
    sent = me | request_id()
    read = await client.get(f"/v1/notes/{written}", headers=sent)
    assert read.status_code == 200, read.text
    event = await only_event(state, sent["X-Request-ID"])
    assert event["resource_id"] == note_id


def test_a_path_id_is_cut_at_a_whole_character() -> None:
    assert path_id("a" * 79 + "\udc80") == "a" * 79
    assert path_id("é" * 100) == "é" * 80
    assert path_id("not-a-uuid") == "not-a-uuid"
