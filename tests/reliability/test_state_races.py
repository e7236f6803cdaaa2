"""Writes that check a rule another write breaks, sent at once: one of the two is refused.

A session booked while its episode is closed, an intake booked while its client is archived:
each request read the other's row before it changed. The rows are held now
(`app.db.hold`), so whichever runs second sees the first (SPEC §1.1: a closed episode takes
no new sessions; an archived client takes none either, and archiving needs no open episode).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import httpx
import pytest

from tests.conftest import World
from tests.factories import at, create_client, create_session, days_ago, open_episode

ROUNDS = range(3)  # both orders show up over a few rounds


def _booking(client_id: str, **fields: str) -> dict[str, object]:
    return {
        "client_id": client_id,
        "starts_at": at(days_ago(0), hour=23),
        "status": "scheduled",
        "duration_minutes": 50,
        "modality": "video",
        **fields,
    }


def _archive(
    client: httpx.AsyncClient, headers: dict[str, str], made: dict[str, str]
) -> Awaitable[httpx.Response]:
    """PATCH the client to archived, with its ETag."""
    return client.patch(
        f"/v1/clients/{made['id']}",
        json={"status": "archived"},
        headers=headers | {"If-Match": made["etag"]},
    )


@pytest.mark.parametrize("round_", ROUNDS)
async def test_a_close_and_a_booking_at_once_do_not_both_succeed(
    client: httpx.AsyncClient, world: World, round_: int
) -> None:
    me = world["therapist"].headers
    made = await create_client(client, me)
    episode = await open_episode(client, me, made["id"], started_on=days_ago(30))
    await create_session(client, me, made["id"], on=days_ago(7))
    close, book = await asyncio.gather(
        client.post(
            f"/v1/episodes/{episode['id']}/close",
            json={"ended_on": days_ago(0).isoformat(), "reason": "completed"},
            headers=me | {"If-Match": episode["etag"]},
        ),
        client.post(
            "/v1/sessions", json=_booking(made["id"], episode_id=episode["id"]), headers=me
        ),
    )
    assert sorted([close.status_code, book.status_code]) in ([200, 409], [201, 409])
    after = (await client.get(f"/v1/episodes/{episode['id']}", headers=me)).json()
    scheduled = await client.get(
        "/v1/sessions", params={"episode_id": episode["id"], "status": "scheduled"}, headers=me
    )
    # Never a closed episode with a scheduled session in it.
    assert (after["status"], len(scheduled.json()["items"])) in (("closed", 0), ("open", 1))


@pytest.mark.parametrize("round_", ROUNDS)
async def test_an_archive_and_an_intake_at_once_do_not_both_succeed(
    client: httpx.AsyncClient, world: World, round_: int
) -> None:
    me = world["therapist"].headers
    made = await create_client(client, me)
    archive, book = await asyncio.gather(
        _archive(client, me, made),
        client.post("/v1/sessions", json=_booking(made["id"]), headers=me),
    )
    assert sorted([archive.status_code, book.status_code]) in ([200, 409], [201, 409])
    after = (await client.get(f"/v1/clients/{made['id']}", headers=me)).json()
    episodes = (await client.get(f"/v1/clients/{made['id']}/episodes", headers=me)).json()
    opened = [e for e in episodes["items"] if e["status"] == "open"]
    # Never an archived client with an open episode.
    assert (after["status"], len(opened)) in (("archived", 0), ("active", 1))


@pytest.mark.parametrize("round_", ROUNDS)
async def test_two_intakes_at_once_open_one_episode(
    client: httpx.AsyncClient, world: World, round_: int
) -> None:
    me = world["therapist"].headers
    made = await create_client(client, me)
    first, second = await asyncio.gather(
        client.post("/v1/sessions", json=_booking(made["id"]), headers=me),
        client.post("/v1/sessions", json=_booking(made["id"]), headers=me),
    )
    assert (first.status_code, second.status_code) == (201, 201), (first.text, second.text)
    assert [first.json()["episode_opened"], second.json()["episode_opened"]].count(True) == 1
    assert first.json()["episode_id"] == second.json()["episode_id"]


@pytest.mark.parametrize("round_", ROUNDS)
async def test_an_archive_and_a_new_episode_at_once_do_not_both_succeed(
    client: httpx.AsyncClient, world: World, round_: int
) -> None:
    me = world["therapist"].headers
    made = await create_client(client, me)
    archive, opened = await asyncio.gather(
        _archive(client, me, made),
        client.post(
            f"/v1/clients/{made['id']}/episodes",
            json={"started_on": days_ago(3).isoformat()},
            headers=me,
        ),
    )
    assert sorted([archive.status_code, opened.status_code]) in ([200, 409], [201, 409])
