"""SPEC §4: "Lists also send an RFC 8288 Link: <…>; rel="next" header"; openapi.json declares
Link on GET /v1/events 200 ("link to the next page, while there is one")."""

from __future__ import annotations

import httpx

from app.state import AppState
from tests.conftest import World
from tests.factories import create_client, make_api_key


async def test_feed_page_with_a_next_cursor_sends_link_next(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    key = await make_api_key(state, world, ["events:read", "clients:read", "clients:write"])
    for name in ("One", "Two", "Three"):
        await create_client(
            client, key, given_name=name, primary_therapist_id=world["therapist"].id
        )
    page = await client.get("/v1/events?limit=2&types=client.*", headers=key)
    assert page.status_code == 200, page.text
    assert page.json()["next_cursor"] is not None  # a further page exists
    link = page.headers.get("link")
    assert link is not None, "a feed page with a next page sends no Link header"
    assert link.endswith('rel="next"')
