"""An intake booked ahead opens an episode in `initial` (SPEC §9): the caseload summary counts
it there."""

from __future__ import annotations

from datetime import timedelta

import httpx

from app.db import utcnow
from tests.conftest import World
from tests.factories import at, create_client


async def test_booked_ahead_intake_is_counted_somewhere(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world["therapist"].headers
    made = await create_client(client, me, primary_therapist_id=world["therapist"].id)
    ahead = utcnow().date() + timedelta(days=7)
    booked = await client.post(
        "/v1/sessions",
        json={
            "client_id": made["id"],
            "starts_at": at(ahead),
            "status": "scheduled",
            "duration_minutes": 50,
            "modality": "video",
        },
        headers=me,
    )
    assert booked.status_code == 201, booked.text
    assert booked.json()["episode_opened"] is True
    episode = (await client.get(f"/v1/episodes/{booked.json()['episode_id']}", headers=me)).json()
    caseload = (await client.get("/v1/reports/caseload", headers=me)).json()
    row = next(r for r in caseload["items"] if r["client_id"] == made["id"])
    summary = caseload["summary"]
    assert episode["status"] == "open"
    assert row["episode_id"] == episode["id"]
    # Every client of the caseload is in one bucket: this one in `initial`.
    assert summary["by_phase"]["initial"] == 1
    assert summary["without_open_episode"] == 0
    assert (
        summary["clients"] == sum(summary["by_phase"].values()) + summary["without_open_episode"]
    ), summary
    # The row and `?phase=` say what the counts say.
    assert (row["current_phase"], row["phase_since"], row["days_in_phase"]) == (
        "initial",
        None,
        None,
    )
    initial = (await client.get("/v1/reports/caseload?phase=initial", headers=me)).json()
    assert [r["client_id"] for r in initial["items"]] == [made["id"]]
