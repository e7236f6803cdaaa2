"""GET /v1/clients/{id}/measures pages through every measure with its own cursors."""

from __future__ import annotations

import httpx

from tests.conftest import World
from tests.factories import clinical_case, days_ago

GAD7 = {"instrument": "gad7", "items": [1, 1, 2, 1, 0, 1, 1]}


async def test_every_page_of_measures_is_reachable(client: httpx.AsyncClient, world: World) -> None:
    case = await clinical_case(client, world)
    me = world["therapist"].headers
    url = f"/v1/clients/{case.client_id}/measures"
    # Two on one day: the id breaks the tie between them.
    for ago in (3, 2, 2, 1):
        body = {**GAD7, "administered_on": days_ago(ago).isoformat()}
        created = await client.post(url, json=body, headers=me)
        assert created.status_code == 201, created.text
    whole = await client.get(url, headers=me)
    assert whole.status_code == 200, whole.text
    expected = [m["id"] for m in whole.json()["items"]]
    assert len(expected) == 4
    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 1}
    while True:
        page = await client.get(url, params=params, headers=me)
        assert page.status_code == 200, page.text
        seen += [m["id"] for m in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
        params = {"limit": 1, "cursor": cursor}
    assert seen == expected
