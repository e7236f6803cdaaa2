"""Numbers and flags in bodies are what the document says: `true` is not 1, "4" is not 4,
"yes" is not true. Each refusal is a 422 that writes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import World
from tests.factories import at, clinical_case, days_ago, problem


@pytest.mark.parametrize("value", [True, "4", 4.5])
async def test_an_observations_intensity_is_an_integer(
    client: httpx.AsyncClient, world: World, value: Any
) -> None:
    me = world["therapist"].headers
    case = await clinical_case(client, world)
    path = f"/v1/sessions/{case.session_id}/observations"
    made = await client.post(
        path, headers=me, json={"theme_code": "defense.denial", "intensity": value}
    )
    assert problem(made, 422)["errors"][0]["loc"] == ["body", "intensity"]
    assert (await client.get(path, headers=me)).json()["items"] == []
    # 4.0 is the integer 4 to JSON Schema.
    whole = {"theme_code": "defense.denial", "intensity": 4.0}
    made = await client.post(path, headers=me, json=whole)
    assert made.status_code == 201, made.text
    assert made.json()["intensity"] == 4


async def test_numbers_and_flags_of_other_bodies_are_strict(
    client: httpx.AsyncClient, world: World
) -> None:
    case = await clinical_case(client, world)
    me = world["therapist"].headers
    booked = {"client_id": case.client_id, "starts_at": at(days_ago(2)), "duration_minutes": True}
    refused = await client.post("/v1/sessions", headers=me, json=booked)
    assert problem(refused, 422)["errors"][0]["loc"] == ["body", "duration_minutes"]
    theme = {"code": "defense.x_true", "label": "X", "category": "defense", "dmrs_level": True}
    refused = await client.post("/v1/themes", headers=me, json=theme)
    assert problem(refused, 422)["errors"][0]["loc"] == ["body", "dmrs_level"]
    # A flag that decides who reads a process note is a JSON boolean.
    note = {"kind": "psychotherapy", "body": "Process note.", "share_with_supervisor": "yes"}
    path = f"/v1/sessions/{case.session_id}/notes"
    refused = await client.post(path, headers=world["trainee"].headers, json=note)
    assert problem(refused, 422)["errors"][0]["loc"] == ["body", "share_with_supervisor"]
    listed = await client.get(path, headers=world["trainee"].headers)
    assert listed.json()["items"] == []
