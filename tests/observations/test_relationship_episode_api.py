"""CCRT relationship episodes: practice vocabulary codes, valences, encrypted texts, locks."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from app.models import RelationshipEpisode
from app.state import AppState
from tests.conftest import World
from tests.factories import clinical_case, make_api_key, problem
from tests.observations.support import relationship_episode, tell, write_progress_note


async def test_tell_list_and_delete(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    case = await clinical_case(client, world)
    headers = world["therapist"].headers
    body = relationship_episode("older sister", self_response=("asserts_self", "positive"))
    body["wish"].pop("text")
    created = await tell(client, headers, case.session_id, body)
    assert created["other_person"] == "older sister"
    assert created["wish"] == {"code": "to_be_close", "text": None}
    assert created["response_of_other"] == {
        "code": "rejects",
        "text": "The other rejects.",
        "valence": "negative",
    }
    assert created["response_of_self"]["valence"] == "positive"
    assert created["phase"] == "initial"
    url = f"/v1/sessions/{case.session_id}/relationship-episodes"
    listed = await client.get(url, headers=world["trainee"].headers)
    assert [item["id"] for item in listed.json()["items"]] == [created["id"]]
    async with state.sessionmaker() as db:
        row = await db.get(RelationshipEpisode, uuid.UUID(created["id"]))
        assert row is not None
        assert row.wish_text is None
        for column in ("other_person", "response_of_other_text", "response_of_self_text"):
            value = getattr(row, column)
            assert value.startswith("v1.")
            assert "sister" not in value
            assert "rejects" not in value
    deleted = await client.delete(f"/v1/relationship-episodes/{created['id']}", headers=headers)
    assert deleted.status_code == 204
    assert (await client.get(url, headers=headers)).json()["items"] == []


async def test_validation(client: httpx.AsyncClient, world: World) -> None:
    case = await clinical_case(client, world)
    url = f"/v1/sessions/{case.session_id}/relationship-episodes"
    headers = world["therapist"].headers

    def variant(path: tuple[str, ...], value: Any) -> dict[str, Any]:
        body = relationship_episode()
        target = body
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return body

    for body in (
        variant(("wish", "code"), "To Be Close"),
        variant(("wish", "code"), "x" * 41),
        variant(("wish", "code"), "9lives"),
        variant(("response_of_other", "valence"), "neutral"),
        variant(("response_of_self", "valence"), None),
        variant(("other_person",), "   "),
        variant(("wish", "valence"), "positive"),
        {k: v for k, v in relationship_episode().items() if k != "response_of_self"},
    ):
        problem(await client.post(url, json=body, headers=headers), 422)


async def test_locked_and_access(client: httpx.AsyncClient, world: World, state: AppState) -> None:
    case = await clinical_case(client, world)
    headers = world["therapist"].headers
    kept = await tell(client, headers, case.session_id, relationship_episode())
    url = f"/v1/sessions/{case.session_id}/relationship-episodes"
    reader = await make_api_key(state, world, ["progress:read"])
    assert (await client.get(url, headers=reader)).status_code == 200
    problem(await client.post(url, json=relationship_episode(), headers=reader), 403)
    for name, status in (("admin", 403), ("auditor", 403), ("therapist2", 404)):
        problem(await client.get(url, headers=world[name].headers), status)
        problem(
            await client.delete(
                f"/v1/relationship-episodes/{kept['id']}", headers=world[name].headers
            ),
            status,
        )
    await write_progress_note(state, case.session_id)
    problem(await client.post(url, json=relationship_episode(), headers=headers), 409)
    problem(await client.delete(f"/v1/relationship-episodes/{kept['id']}", headers=headers), 409)
