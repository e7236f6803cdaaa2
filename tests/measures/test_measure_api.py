"""Measures over HTTP: server-side scoring, 422 on bad items, sessions of the same client."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from app.state import AppState
from tests.conftest import World
from tests.factories import clinical_case, create_client, make_api_key, problem
from tests.observations.support import measure


async def test_scored_on_the_server(client: httpx.AsyncClient, world: World) -> None:
    case = await clinical_case(client, world)
    headers = world["therapist"].headers
    phq9 = await measure(
        client,
        headers,
        case.client_id,
        "phq9",
        [2, 2, 2, 2, 2, 2, 2, 0, 1],
        administered_on="2026-01-05",
    )
    assert (phq9["total"], phq9["severity"], phq9["risk_flag"]) == (15, "moderately_severe", True)
    assert phq9["administered_on"] == "2026-01-05"
    assert phq9["session_id"] is None
    wai = await measure(
        client,
        headers,
        case.client_id,
        "wai_sr",
        [5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4],
        session_id=case.session_id,
    )
    assert wai["subscales"] == {"task": 3.5, "bond": 2.5, "goal": 3.75}
    assert wai["total"] == 3.25
    assert wai["severity"] is None
    assert wai["risk_flag"] is False
    session = await client.get(f"/v1/sessions/{case.session_id}", headers=headers)
    assert wai["administered_on"] == session.json()["starts_at"][:10]
    gad7 = await measure(client, headers, case.client_id, "gad7", [0, 0, 0, 0, 0, 0, 0])
    assert (gad7["total"], gad7["severity"]) == (0, "minimal")
    one = await client.get(f"/v1/measures/{phq9['id']}", headers=world["trainee"].headers)
    assert one.status_code == 200
    assert one.json() == phq9
    assert one.headers["ETag"]
    listed = await client.get(f"/v1/clients/{case.client_id}/measures", headers=headers)
    dates = [item["administered_on"] for item in listed.json()["items"]]
    assert dates == sorted(dates, reverse=True)
    assert len(dates) == 3
    only = await client.get(
        f"/v1/clients/{case.client_id}/measures?instrument=wai_sr&limit=1", headers=headers
    )
    assert [m["id"] for m in only.json()["items"]] == [wai["id"]]
    assert only.json()["next_cursor"] is None


async def test_bad_items_and_dates(client: httpx.AsyncClient, world: World) -> None:
    case = await clinical_case(client, world)
    headers = world["therapist"].headers
    url = f"/v1/clients/{case.client_id}/measures"
    other = await create_client(client, headers)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    for body in (
        {"instrument": "phq9", "items": [0] * 8},
        {"instrument": "phq9", "items": [0] * 8 + [4]},
        {"instrument": "gad7", "items": [0] * 6 + [-1]},
        {"instrument": "wai_sr", "items": [0] + [3] * 11},
        {"instrument": "wai_sr", "items": [3] * 11 + [True]},
        {"instrument": "phq9", "items": [0] * 8 + ["1"]},
        {"instrument": "bdi", "items": [0] * 21},
        {"instrument": "gad7", "items": [0] * 7, "administered_on": tomorrow},
        {"instrument": "gad7", "items": [0] * 7, "session_id": str(other["id"])},
    ):
        problem(await client.post(url, json=body, headers=headers), 422)
    errors = problem(
        await client.post(url, json={"instrument": "phq9", "items": [1] * 10}, headers=headers),
        422,
    )["errors"]
    assert errors[0]["loc"] == ["body", "items"]
    assert "exactly 9" in errors[0]["msg"]


async def test_measure_access(client: httpx.AsyncClient, world: World, state: AppState) -> None:
    case = await clinical_case(client, world)
    created = await measure(client, world["trainee"].headers, case.client_id, "gad7", [1] * 7)
    url = f"/v1/clients/{case.client_id}/measures"
    body = {"instrument": "gad7", "items": [1] * 7}
    reader = await make_api_key(state, world, ["progress:read"])
    assert (await client.get(f"/v1/measures/{created['id']}", headers=reader)).status_code == 200
    problem(await client.post(url, json=body, headers=reader), 403)
    supervisor = world["supervisor"].headers
    assert (await client.get(url, headers=supervisor)).status_code == 200
    problem(await client.post(url, json=body, headers=supervisor), 403)
    for name, status in (("admin", 403), ("auditor", 403), ("therapist2", 404)):
        headers = world[name].headers
        problem(await client.get(url, headers=headers), status)
        problem(await client.post(url, json=body, headers=headers), status)
        problem(await client.get(f"/v1/measures/{created['id']}", headers=headers), status)
