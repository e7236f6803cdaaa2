"""HTTP conventions on clients: keyset pagination, Idempotency-Key, concurrent If-Match."""

from __future__ import annotations

import asyncio

import httpx

from tests.conftest import World
from tests.factories import create_client, problem, with_if_match


async def test_page_walk_under_concurrent_inserts(client: httpx.AsyncClient, world: World) -> None:
    me = world["therapist"].headers
    existing = [(await create_client(client, me, given_name=f"P{i}"))["id"] for i in range(9)]
    seen: list[str] = []
    cursor: str | None = None
    for round_ in range(20):
        params = {"limit": "4", **({"cursor": cursor} if cursor else {})}
        page, *_ = await asyncio.gather(
            client.get("/v1/clients", params=params, headers=me),
            create_client(client, me, given_name=f"New{round_}a"),
            create_client(client, me, given_name=f"New{round_}b"),
        )
        assert page.status_code == 200, page.text
        seen += [c["id"] for c in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)), "a row was listed twice"
    assert set(existing) <= set(seen), "an earlier row was skipped"
    assert seen[: len(existing)] == existing

    cursor = (await client.get("/v1/clients", params={"limit": "2"}, headers=me)).json()[
        "next_cursor"
    ]
    assert cursor
    tampered = cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB")
    problem(await client.get("/v1/clients", params={"cursor": tampered}, headers=me), 400)
    problem(await client.get("/v1/clients", params={"cursor": "garbage"}, headers=me), 400)
    problem(await client.get("/v1/clients", params={"limit": "201"}, headers=me), 422)
    problem(await client.get("/v1/clients", params={"limit": "0"}, headers=me), 422)


async def test_idempotency_key_replays_only_for_the_same_caller(
    client: httpx.AsyncClient, world: World
) -> None:
    body = {"given_name": "Idem", "family_name": "Potent"}
    me = {**world["therapist"].headers, "Idempotency-Key": "create-idem-1"}
    first = await client.post("/v1/clients", json=body, headers=me)
    assert first.status_code == 201, first.text
    again = await client.post("/v1/clients", json=body, headers=me)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    problem(await client.post("/v1/clients", json={**body, "given_name": "Other"}, headers=me), 422)
    colleague = {**world["therapist2"].headers, "Idempotency-Key": "create-idem-1"}
    theirs = await client.post("/v1/clients", json=body, headers=colleague)
    assert theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert theirs.json()["id"] != first.json()["id"]
    listed = await client.get("/v1/clients", headers=world["therapist"].headers)
    assert [c["id"] for c in listed.json()["items"]] == [first.json()["id"]]


async def test_concurrent_patches_with_one_etag_let_exactly_one_win(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world["therapist"].headers
    created = await create_client(client, me)
    headers = with_if_match(me, created["etag"])
    responses = await asyncio.gather(
        *(
            client.patch(
                f"/v1/clients/{created['id']}", json={"preferred_name": f"N{i}"}, headers=headers
            )
            for i in range(20)
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [412] * 19, statuses
    winner = next(r for r in responses if r.status_code == 200).json()
    final = (await client.get(f"/v1/clients/{created['id']}", headers=me)).json()
    assert final["preferred_name"] == winner["preferred_name"]
    assert final["version"] == 2
