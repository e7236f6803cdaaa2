"""What a signed progress note fixes of its session: the date (and so the phase of its
locked findings), and, when it has findings, that the session took place (SPEC §1.2)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import World
from tests.factories import at, clinical_case, days_ago, problem, with_if_match


async def _sign_note(client: httpx.AsyncClient, headers: Any, session_url: str) -> None:
    note = await client.post(
        f"{session_url}/notes", headers=headers, json={"kind": "progress", "body": "B"}
    )
    assert note.status_code == 201, note.text
    signed = await client.post(
        f"/v1/notes/{note.json()['id']}/sign", headers=with_if_match(headers, note.headers["ETag"])
    )
    assert signed.status_code == 200, signed.text


async def _observe(client: httpx.AsyncClient, headers: Any, session_url: str) -> httpx.Response:
    """One observation on the session (a finding)."""
    observed = await client.post(
        f"{session_url}/observations",
        headers=headers,
        json={"theme_code": "defense.denial", "intensity": 3},
    )
    assert observed.status_code == 201, observed.text
    return observed


@pytest.mark.parametrize("status", ["cancelled", "late_cancelled", "no_show"])
async def test_a_signed_session_with_findings_is_not_set_to_one_that_did_not_take_place(
    client: httpx.AsyncClient, world: World, status: str
) -> None:
    me = world["therapist"].headers
    case = await clinical_case(client, world)
    url = f"/v1/sessions/{case.session_id}"
    await _observe(client, me, url)
    await _sign_note(client, me, url)
    refused = await client.patch(url, headers=me, json={"status": status})
    assert "took place" in problem(refused, 409)["detail"]
    assert (await client.get(url, headers=me)).json()["status"] != status
    # What the note does not fix still changes.
    assert (await client.patch(url, headers=me, json={"duration_minutes": 45})).status_code == 200


async def test_a_signed_progress_notes_session_keeps_its_date(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world["therapist"].headers
    case = await clinical_case(client, world)
    url = f"/v1/sessions/{case.session_id}"
    # Unsigned, the session moves freely.
    moved = await client.patch(url, headers=me, json={"starts_at": at(days_ago(6))})
    assert moved.status_code == 200, moved.text
    await _sign_note(client, me, url)
    refused = await client.patch(url, headers=me, json={"starts_at": at(days_ago(5))})
    assert "signed" in problem(refused, 409)["detail"]
    after = (await client.get(url, headers=me)).json()
    assert after["starts_at"] == moved.json()["starts_at"]
    # A signed note may document a missed session: with no findings the status follows.
    missed = await client.patch(url, headers=me, json={"status": "no_show"})
    assert missed.status_code == 200, missed.text


async def test_a_note_with_findings_is_not_signed_on_a_session_that_did_not_take_place(
    client: httpx.AsyncClient, world: World
) -> None:
    """The converse order: cancelled first, then the signing is refused, and without the
    findings it goes through."""
    me = world["therapist"].headers
    case = await clinical_case(client, world)
    url = f"/v1/sessions/{case.session_id}"
    observed = await _observe(client, me, url)
    note = await client.post(f"{url}/notes", headers=me, json={"kind": "progress", "body": "B"})
    assert note.status_code == 201, note.text
    cancelled = await client.patch(url, headers=me, json={"status": "cancelled"})
    assert cancelled.status_code == 200, cancelled.text
    sign = f"/v1/notes/{note.json()['id']}/sign"
    refused = await client.post(sign, headers=with_if_match(me, note.headers["ETag"]))
    assert "did not take place" in problem(refused, 409)["detail"]
    gone = await client.delete(f"/v1/observations/{observed.json()['id']}", headers=me)
    assert gone.status_code == 204, gone.text
    signed = await client.post(sign, headers=with_if_match(me, note.headers["ETag"]))
    assert signed.status_code == 200, signed.text
