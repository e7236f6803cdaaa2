"""Edges of the clinical record: a close before a measure, findings and signatures before a
session, a measure dated outside its session's episode, a morning session east of UTC."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any

import httpx
import pytest

from app.progress import caseload
from tests.conftest import World
from tests.factories import at, create_client, create_session, days_ago, open_episode, with_if_match
from tests.observations.support import measure


async def test_close_before_a_measure_of_the_episode_drops_it_from_the_record(
    client: httpx.AsyncClient, world: World
) -> None:
    h = world["therapist"].headers
    c = await create_client(client, h)
    ep = await open_episode(client, h, c["id"], started_on=days_ago(60))
    await create_session(client, h, c["id"], on=days_ago(50))
    # A severe PHQ-9 (item 9 positive) taken in the open episode 10 days ago, no session tied.
    await measure(client, h, c["id"], "phq9", [3] * 9, administered_on=str(days_ago(10)))
    before = (await client.get(f"/v1/episodes/{ep['id']}/progress", headers=h)).json()
    assert before["phases"][0]["measures"][0]["n"] == 1
    etag = (await client.get(f"/v1/episodes/{ep['id']}", headers=h)).headers["ETag"]
    closed = await client.post(
        f"/v1/episodes/{ep['id']}/close",
        json={"ended_on": str(days_ago(40)), "reason": "completed"},
        headers=with_if_match(h, etag),
    )
    after = (await client.get(f"/v1/episodes/{ep['id']}/progress", headers=h)).json()
    kept = sum(m["n"] for p in after["phases"] for m in p["measures"])
    # Either the close is refused (as for a session after ended_on) or the record keeps it.
    assert closed.status_code == 422 or kept == 1, (closed.status_code, kept)


async def _booked_two_weeks_ahead(
    client: httpx.AsyncClient, h: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A client with an open episode and a session booked two weeks from today."""
    c = await create_client(client, h)
    await open_episode(client, h, c["id"], started_on=days_ago(30))
    return c, await create_session(client, h, c["id"], on=days_ago(-14), status="scheduled")


async def test_observation_on_a_session_not_yet_held_is_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    h = world["therapist"].headers
    c, future = await _booked_two_weeks_ahead(client, h)
    r = await client.post(
        f"/v1/sessions/{future['id']}/observations",
        json={"theme_code": "defense.denial", "intensity": 3},
        headers=h,
    )
    prog = (await client.get(f"/v1/clients/{c['id']}/progress", headers=h)).json()
    seen = [t["last_seen"] for p in prog["phases"] for t in p["themes"]]
    # Not a 201 that would show a defense "seen" two weeks from now in the progress report.
    assert r.status_code == 409, (r.status_code, seen)


async def test_progress_note_cannot_be_signed_for_a_session_weeks_ahead(
    client: httpx.AsyncClient, world: World
) -> None:
    h = world["therapist"].headers
    c, future = await _booked_two_weeks_ahead(client, h)
    n = await client.post(
        f"/v1/sessions/{future['id']}/notes", json={"kind": "progress", "body": "x"}, headers=h
    )
    assert n.status_code == 201, n.text
    signed = await client.post(
        f"/v1/notes/{n.json()['id']}/sign", headers=with_if_match(h, n.headers["ETag"])
    )
    moved = await client.patch(
        f"/v1/sessions/{future['id']}", json={"starts_at": at(days_ago(-15))}, headers=h
    )
    # Today: signed (200), after which the booking can never be rescheduled (409).
    assert signed.status_code == 409, (signed.status_code, moved.status_code)


async def test_measure_tied_to_a_session_takes_a_date_outside_its_episode(
    client: httpx.AsyncClient, world: World
) -> None:
    h = world["therapist"].headers
    c = await create_client(client, h)
    ep = await open_episode(client, h, c["id"], started_on=days_ago(30))
    visit = await create_session(client, h, c["id"], on=days_ago(7))
    body = {
        "instrument": "phq9",
        "items": [3] * 9,
        "session_id": visit["id"],
        "administered_on": str(days_ago(400)),
    }
    r = await client.post(f"/v1/clients/{c['id']}/measures", json=body, headers=h)
    prog = (await client.get(f"/v1/episodes/{ep['id']}/progress", headers=h)).json()
    # Given in a session of this episode: it must count in it, or be refused.
    assert r.status_code == 422 or prog["phases"][0]["measures"], (r.status_code, prog["phases"])


async def test_caseload_counts_a_session_attended_this_morning_east_of_utc(
    client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = world["therapist"].headers
    c = await create_client(client, h)
    await open_episode(client, h, c["id"], started_on=days_ago(30))
    # Sydney (UTC+10): a session at 09:00 local = 23:00 UTC the day before.
    sydney = timezone(timedelta(hours=10))
    starts = datetime.combine(datetime.now(UTC).date(), time(9), tzinfo=sydney)
    if starts > datetime.now(UTC):
        starts -= timedelta(days=1)
    visit = await create_session(client, h, c["id"], starts_at=starts.isoformat())
    # The therapist opens the caseload at 09:55 in Sydney, after that session.
    now = (starts + timedelta(minutes=55)).astimezone(UTC)
    monkeypatch.setattr(caseload, "utcnow", lambda: now)
    report = (await client.get("/v1/reports/caseload", headers=h)).json()
    (row,) = [r for r in report["items"] if r["client_id"] == c["id"]]
    assert (row["last_session_on"], row["sessions_in_phase"]) == (visit["starts_on"], 1), row
