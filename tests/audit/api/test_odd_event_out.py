"""A row inserted behind the service with ids that are no strings cannot 500 a search."""

from __future__ import annotations

from types import SimpleNamespace

import httpx

from app.audit.api.service import event_out
from app.state import AppState
from tests.conftest import World
from tests.one_path import only_event


async def test_client_ids_that_are_no_strings_are_shown_as_their_json_text(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    sent = world["therapist"].headers | {"X-Request-ID": "odd-ids"}
    assert (await client.get("/v1/me", headers=sent)).status_code == 200
    stored = await only_event(state, "odd-ids")
    odd = SimpleNamespace(**stored | {"client_ids": [float("inf"), 7, "c"]})
    shown = event_out(SimpleNamespace(**vars(odd), seq=None, leaf_hash=None))
    assert shown.client_ids == ["Infinity", "7", "c"]
    plain = event_out(SimpleNamespace(**stored, seq=None, leaf_hash=None))
    assert plain.client_ids == stored["client_ids"]
