"""Ambiguous input is refused, not silently resolved: a JSON member named twice (422), a
cursor too long to be one this service issued (400, as for any other)."""

from __future__ import annotations

import httpx

from tests.conftest import World
from tests.factories import problem


async def test_duplicate_json_member_is_refused_not_last_wins(
    client: httpx.AsyncClient, world: World
) -> None:
    """A body naming a member twice is ambiguous (RFC 8259 §4: names SHOULD be unique; a
    proxy or WAF may read the first): it is stored with the last value, the first dropped."""
    raw = b'{"given_name":"Anna","given_name":"Bob","family_name":"X"}'
    headers = world["therapist"].headers | {"content-type": "application/json"}
    response = await client.post("/v1/clients", content=raw, headers=headers)
    assert response.status_code == 422, (response.status_code, response.json().get("given_name"))
    [error] = response.json()["errors"]
    assert error["msg"] == "JSON decode error: Member 'given_name' appears more than once"


async def test_an_overlong_cursor_is_400_like_any_cursor_not_issued(
    client: httpx.AsyncClient, world: World
) -> None:
    """SPEC §4 "A tampered cursor is 400"; the parameter's own description: "400 when this
    service did not issue it for this list and caller". Over 512 characters it is 422."""
    me = world["therapist"].headers
    problem(await client.get("/v1/clients", params={"cursor": "A=="}, headers=me), 400)
    problem(await client.get("/v1/clients", params={"cursor": "A" * 600}, headers=me), 400)
