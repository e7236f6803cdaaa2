"""A session's ETag changes with the phase it shows, so a cached copy never hides a new phase."""

from __future__ import annotations

import httpx

from tests.conftest import World
from tests.factories import clinical_case, days_ago, move_phase


async def test_a_backdated_transition_is_never_answered_304(
    client: httpx.AsyncClient, world: World
) -> None:
    case = await clinical_case(client, world)  # a session 7 days ago
    me = world["therapist"].headers
    url = f"/v1/sessions/{case.session_id}"
    before = await client.get(url, headers=me)
    assert before.json()["phase"] == "initial"
    admin = await client.get(url, headers=world["admin"].headers)
    assert "phase" not in admin.json()
    assert "initial" not in admin.headers["ETag"]  # who cannot see the phase cannot infer it
    await move_phase(client, me, case.episode_id, "exploration", days_ago(30))
    # SPEC §1.1: every read after a backdated transition shows the new phase.
    again = await client.get(url, headers={**me, "If-None-Match": before.headers["ETag"]})
    assert again.status_code == 200, again.text
    assert again.json()["phase"] == "exploration"
    assert again.headers["ETag"] != before.headers["ETag"]
    current = await client.get(url, headers={**me, "If-None-Match": again.headers["ETag"]})
    assert current.status_code == 304
    # The scheduling view did not change: its copy is still current.
    unchanged = {**world["admin"].headers, "If-None-Match": admin.headers["ETag"]}
    assert (await client.get(url, headers=unchanged)).status_code == 304
    # If-Match races with the row's version only: either reader's tag allows a change.
    for headers in (me, world["admin"].headers):
        tag = (await client.get(url, headers=headers)).headers["ETag"]
        changed = await client.patch(
            url, json={"duration_minutes": 45}, headers={**headers, "If-Match": tag}
        )
        assert changed.status_code == 200, changed.text
        stale = await client.patch(
            url, json={"duration_minutes": 50}, headers={**headers, "If-Match": tag}
        )
        assert stale.status_code == 412, stale.text
