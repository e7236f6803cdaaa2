"""The theme catalog over HTTP: seeded system themes, practice themes, codes never reused."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import col

from app.models import Theme
from app.state import AppState
from app.themes.catalog import SYSTEM_THEMES
from tests.conftest import World
from tests.factories import make_api_key, problem

CUSTOM = {
    "code": "relational_pattern.people_pleasing",
    "label": "People-pleasing",
    "category": "relational_pattern",
    "description": "Meets others' wishes to avoid their displeasure.",
}


async def _all_themes(
    http: httpx.AsyncClient, headers: dict[str, str], query: str = ""
) -> list[Any]:
    items: list[Any] = []
    cursor = None
    while True:
        url = f"/v1/themes?limit=40{query}" + (f"&cursor={cursor}" if cursor else "")
        response = await http.get(url, headers=headers)
        assert response.status_code == 200, response.text
        items += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return items


async def test_migration_seeds_the_catalog_module(state: AppState) -> None:
    async with state.sessionmaker() as db:
        rows = (
            (await db.execute(select(Theme).where(col(Theme.practice_id).is_(None))))
            .scalars()
            .all()
        )
    seeded = {
        row.code: (row.label, row.category, row.description, row.dmrs_level, row.dmrs_level_name)
        for row in rows
    }
    expected = {
        t.code: (t.label, t.category, t.description, t.dmrs_level, t.dmrs_level_name)
        for t in SYSTEM_THEMES
    }
    assert seeded == expected
    assert all(row.active and row.created_by is None for row in rows)


async def test_list_pages_by_code_and_filters(client: httpx.AsyncClient, world: World) -> None:
    items = await _all_themes(client, world["trainee"].headers)
    codes = [item["code"] for item in items]
    assert codes == sorted(codes)
    assert len(codes) == len(SYSTEM_THEMES)
    defenses = await _all_themes(client, world["auditor"].headers, "&category=defense")
    assert len(defenses) == 30
    assert all(d["system"] and d["dmrs_level"] for d in defenses)
    denial = next(d for d in defenses if d["code"] == "defense.denial")
    assert denial == {
        "code": "defense.denial",
        "label": "Denial",
        "category": "defense",
        "description": denial["description"],
        "dmrs_level": 3,
        "dmrs_level_name": "Disavowal",
        "system": True,
        "active": True,
    }
    problem(await client.get("/v1/themes?category=nonsense", headers=world["admin"].headers), 422)


async def test_practice_theme_lifecycle_and_code_never_reused(
    client: httpx.AsyncClient, world: World
) -> None:
    therapist = world["therapist"].headers
    created = await client.post("/v1/themes", json=CUSTOM, headers=therapist)
    assert created.status_code == 201, created.text
    assert created.json()["system"] is False
    assert created.json()["active"] is True
    problem(await client.post("/v1/themes", json=CUSTOM, headers=world["admin"].headers), 409)
    code = CUSTOM["code"]
    patched = await client.patch(
        f"/v1/themes/{code}", json={"active": False, "label": "Pleasing"}, headers=therapist
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["active"] is False
    assert patched.json()["label"] == "Pleasing"
    # Deactivated codes keep their place: the code can never be taken again.
    problem(await client.post("/v1/themes", json=CUSTOM, headers=therapist), 409)
    inactive = await _all_themes(client, therapist, "&active=false")
    assert [t["code"] for t in inactive] == [code]
    # A practice code may not shadow a system code.
    shadow = {**CUSTOM, "code": "affect.shame", "category": "affect"}
    problem(await client.post("/v1/themes", json=shadow, headers=therapist), 409)
    problem(await client.patch(f"/v1/themes/{code}", json={"label": None}, headers=therapist), 422)


async def test_practice_theme_validation(client: httpx.AsyncClient, world: World) -> None:
    headers = world["supervisor"].headers
    bad = [
        {**CUSTOM, "code": "affect.people_pleasing"},  # code outside its category
        {**CUSTOM, "code": "Relational_pattern.X"},  # not lowercase
        {**CUSTOM, "code": "relational_pattern"},  # not dotted
        {**CUSTOM, "category": "astrology", "code": "astrology.mars"},
        {**CUSTOM, "dmrs_level": 3},  # levels are for defenses only
        {**CUSTOM, "code": "defense.hypochondriasis", "category": "defense"},  # level missing
        {**CUSTOM, "extra": 1},
    ]
    for body in bad:
        problem(await client.post("/v1/themes", json=body, headers=headers), 422)
    defense = {**CUSTOM, "code": "defense.hypochondriasis", "category": "defense", "dmrs_level": 1}
    created = await client.post("/v1/themes", json=defense, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["dmrs_level_name"] == "Action"


async def test_system_themes_are_read_only(client: httpx.AsyncClient, world: World) -> None:
    response = await client.patch(
        "/v1/themes/defense.denial", json={"active": False}, headers=world["admin"].headers
    )
    problem(response, 403)
    one = await client.get("/v1/themes/defense.denial", headers=world["therapist"].headers)
    assert one.status_code == 200
    assert one.json()["active"] is True


async def test_another_practices_theme_is_invisible(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    theirs = await client.post("/v1/themes", json=CUSTOM, headers=other_world["therapist"].headers)
    assert theirs.status_code == 201
    code = CUSTOM["code"]
    mine = world["therapist"].headers
    assert code not in [t["code"] for t in await _all_themes(client, mine)]
    problem(await client.get(f"/v1/themes/{code}", headers=mine), 404)
    problem(await client.patch(f"/v1/themes/{code}", json={"active": False}, headers=mine), 404)
    # The same code is free in this practice.
    assert (await client.post("/v1/themes", json=CUSTOM, headers=mine)).status_code == 201


async def test_theme_roles(client: httpx.AsyncClient, world: World, state: AppState) -> None:
    problem(await client.post("/v1/themes", json=CUSTOM, headers=world["auditor"].headers), 403)
    reader = await make_api_key(state, world, ["progress:read"])
    assert (await client.get("/v1/themes", headers=reader)).status_code == 200
    problem(await client.post("/v1/themes", json=CUSTOM, headers=reader), 403)
    other_key = await make_api_key(state, world, ["clients:read"])
    problem(await client.get("/v1/themes", headers=other_key), 403)
    admin = await client.post("/v1/themes", json=CUSTOM, headers=world["admin"].headers)
    assert admin.status_code == 201
