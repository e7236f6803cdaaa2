"""SPEC §2.1: break-the-glass never changes reach, reach changes only by the people named."""

from __future__ import annotations

import uuid

import httpx

from app.audit.ledger import events
from app.state import AppState
from tests.conftest import World
from tests.factories import (
    at,
    clinical_case,
    create_client,
    days_ago,
    make_api_key,
    problem,
    with_if_match,
)
from tests.one_path import only_event, send

REASON = "Covering for an absent colleague during a crisis call"


def glass(world: World, who: str) -> dict[str, str]:
    """Headers of a clinician breaking the glass."""
    return world[who].headers | {"X-Break-Glass-Reason": REASON}


async def etag(client: httpx.AsyncClient, world: World, path: str) -> str:
    """The current ETag, as the client's primary therapist sees it."""
    return (await client.get(path, headers=world["therapist"].headers)).headers["ETag"]


async def team(client: httpx.AsyncClient, world: World, client_id: str) -> list[str]:
    """The client's care team and primary therapist, as an admin reads them."""
    body = (await client.get(f"/v1/clients/{client_id}", headers=world["admin"].headers)).json()
    return [body["primary_therapist_id"], *body["care_team"]]


async def test_break_the_glass_cannot_take_over_a_client(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """Defect 1: an outsider under the header made themselves primary or care team: 200."""
    case = await clinical_case(client, world)
    path = f"/v1/clients/{case.client_id}"
    outsider = str(world["therapist2"].id)
    before = await team(client, world, case.client_id)
    for method, url, body in (
        ("PATCH", path, {"primary_therapist_id": outsider}),
        ("PUT", f"{path}/care-team", {"user_ids": [outsider]}),
    ):
        headers = with_if_match(glass(world, "therapist2"), await etag(client, world, path))
        refused = await send(client, method, url, headers, json=body)
        assert problem(refused, 403)["detail"] == "Break-the-glass opens reads only"
        event = await only_event(state, refused.headers["X-Request-ID"])
        assert (event["outcome"], event["break_glass_reason"]) == ("denied", REASON)
        assert event["client_ids"] == [case.client_id]
    assert await team(client, world, case.client_id) == before
    # Still outside: no plain read, and the break-the-glass read still works (reads only).
    assert (await client.get(path, headers=world["therapist2"].headers)).status_code == 404
    assert (await client.get(path, headers=glass(world, "therapist2"))).status_code == 200


async def test_break_the_glass_writes_nothing(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """Defect 1: under the header an outsider created measures, observations, sessions…"""
    case = await clinical_case(client, world)
    headers = glass(world, "therapist2")
    writes = [
        (
            "POST",
            f"/v1/clients/{case.client_id}/measures",
            {"instrument": "phq9", "items": [1] * 9},
        ),
        ("POST", f"/v1/sessions/{case.session_id}/observations", {"theme_code": "affect.grief"}),
        ("POST", "/v1/sessions", {"client_id": case.client_id, "starts_at": at(days_ago(1))}),
        (
            "POST",
            f"/v1/episodes/{case.episode_id}/phase-transitions",
            {"to_phase": "exploration", "effective_on": days_ago(0).isoformat()},
        ),
        ("POST", "/v1/clients", {"given_name": "A", "family_name": "B"}),
        ("PATCH", f"/v1/sessions/{case.session_id}", {"modality": "video"}),
    ]
    for method, url, body in writes:
        refused = await client.request(method, url, headers=headers, json=body)
        problem(refused, 403)
    # The care team sees none of it.
    own = world["therapist"].headers
    measures = await client.get(f"/v1/clients/{case.client_id}/measures", headers=own)
    assert measures.json()["items"] == []
    observed = await client.get(f"/v1/sessions/{case.session_id}/observations", headers=own)
    assert observed.json()["items"] == []
    sessions = await client.get("/v1/sessions", params={"client_id": case.client_id}, headers=own)
    assert len(sessions.json()["items"]) == 1
    episode = await client.get(f"/v1/episodes/{case.episode_id}", headers=own)
    assert episode.json()["current_phase"] == "initial"
    # And a header on a write by the care team itself is refused the same way.
    mine = await client.post(
        f"/v1/clients/{case.client_id}/measures",
        headers=glass(world, "therapist"),
        json={"instrument": "phq9", "items": [1] * 9},
    )
    problem(mine, 403)


async def test_only_admin_primary_or_their_supervisor_change_reach(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """§2.1: a care-team colleague cannot make themselves primary, nor can a key."""
    case = await clinical_case(client, world)  # primary: therapist; trainee on the team
    path = f"/v1/clients/{case.client_id}"
    trainee = str(world["trainee"].id)
    key = await make_api_key(state, world, ["clients:read", "clients:write"])
    for who_headers in (world["trainee"].headers, world["supervisor"].headers, key):
        for method, url, body in (
            ("PATCH", path, {"primary_therapist_id": trainee}),
            ("PUT", f"{path}/care-team", {"user_ids": [trainee, str(world["therapist2"].id)]}),
        ):
            headers = with_if_match(who_headers, await etag(client, world, path))
            refused = await client.request(method, url, headers=headers, json=body)
            problem(refused, 403)
    # A colleague may still change demographics.
    ok = await client.patch(
        path,
        json={"phone": "+1 555 0100"},
        headers=with_if_match(world["trainee"].headers, await etag(client, world, path)),
    )
    assert ok.status_code == 200, ok.text
    # The primary therapist may; the event names who was added and removed.
    changed = await send(
        client,
        "PUT",
        f"{path}/care-team",
        with_if_match(world["therapist"].headers, await etag(client, world, path)),
        json={"user_ids": [str(world["therapist2"].id)]},
    )
    assert changed.status_code == 200, changed.text
    event = await only_event(state, changed.headers["X-Request-ID"])
    assert event["details"] == {
        "added_user_ids": [str(world["therapist2"].id)],
        "removed_user_ids": [trainee],
    }
    # The hashed event object carries the details (and an old event without them does not).
    body = events.event_body(_Row(event))
    assert body["details"] == event["details"]
    assert "details" not in events.event_body(_Row(event | {"details": None}))


async def test_supervisor_of_the_primary_and_admin_change_reach(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """The trainee's supervisor may move the trainee's client; an admin may move any."""
    created = await create_client(client, world["trainee"].headers)
    path = f"/v1/clients/{created['id']}"
    headers = with_if_match(world["supervisor"].headers, created["etag"])
    moved = await send(
        client, "PATCH", path, headers, json={"primary_therapist_id": str(world["therapist"].id)}
    )
    assert moved.status_code == 200, moved.text
    event = await only_event(state, moved.headers["X-Request-ID"])
    assert event["details"] == {
        "added_user_ids": [str(world["therapist"].id)],
        "removed_user_ids": [str(world["trainee"].id)],
        "primary_therapist_id": {
            "from": str(world["trainee"].id),
            "to": str(world["therapist"].id),
        },
    }
    # Now the trainee is not primary: the supervisor no longer supervises the primary.
    again = await client.put(
        f"{path}/care-team",
        json={"user_ids": []},
        headers=with_if_match(world["supervisor"].headers, moved.headers["ETag"]),
    )
    assert again.status_code in (403, 404), again.text
    by_admin = await client.put(
        f"{path}/care-team",
        json={"user_ids": [str(world["trainee"].id)]},
        headers=with_if_match(world["admin"].headers, moved.headers["ETag"]),
    )
    assert by_admin.status_code == 200, by_admin.text


async def test_reach_changes_name_who_gains_and_loses_reach_only(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """One who stays on the team loses nothing; one already on it gains nothing (§2.1)."""
    admin = world["admin"].headers
    t1, t2 = world["therapist"], world["therapist2"]
    made = await create_client(client, admin, primary_therapist_id=t1.id, care_team=[t1.id, t2.id])
    path = f"/v1/clients/{made['id']}"
    moved = await send(
        client,
        "PATCH",
        path,
        with_if_match(admin, made["etag"]),
        json={"primary_therapist_id": str(t2.id)},
    )
    assert moved.status_code == 200, moved.text
    assert (await client.get(path, headers=t1.headers)).status_code == 200  # still on the team
    event = await only_event(state, moved.headers["X-Request-ID"])
    assert event["details"] == {
        "added_user_ids": [],
        "removed_user_ids": [],
        "primary_therapist_id": {"from": str(t1.id), "to": str(t2.id)},
    }
    # The team listed without the primary: the primary keeps their reach, t1 loses theirs.
    team = await send(
        client,
        "PUT",
        f"{path}/care-team",
        with_if_match(admin, moved.headers["ETag"]),
        json={"user_ids": []},
    )
    assert team.status_code == 200, team.text
    event = await only_event(state, team.headers["X-Request-ID"])
    assert event["details"] == {"added_user_ids": [], "removed_user_ids": [str(t1.id)]}


NOTE_ROUTES = [
    ("GET", "/v1/notes/{id}", None),
    ("PATCH", "/v1/notes/{id}", {"plan": "x"}),
    ("DELETE", "/v1/notes/{id}", None),
    ("POST", "/v1/notes/{id}/sign", None),
    ("POST", "/v1/notes/{id}/cosign", None),
    ("POST", "/v1/notes/{id}/return", {"comment": "Please add the plan."}),
    ("GET", "/v1/notes/{id}/addenda", None),
    ("POST", "/v1/notes/{id}/addenda", {"body": "Late entry.", "reason": "late entry"}),
]


async def test_no_note_kind_oracle(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """Defect 2: 403 for a progress note, 404 for a psychotherapy note or a missing id."""
    case = await clinical_case(client, world)
    own = world["therapist"].headers
    notes_path = f"/v1/sessions/{case.session_id}/notes"
    progress = await client.post(notes_path, headers=own, json={"kind": "progress", "body": "P"})
    private = await client.post(
        notes_path, headers=own, json={"kind": "psychotherapy", "body": "Countertransference."}
    )
    ids = [progress.json()["id"], private.json()["id"], str(uuid.uuid4())]
    callers = {
        "admin": world["admin"].headers,
        "auditor": world["auditor"].headers,
        "key": await make_api_key(state, world, ["clients:read", "sessions:read", "progress:read"]),
    }
    for name, headers in callers.items():
        for method, template, body in NOTE_ROUTES:
            answers = set()
            for note_id in ids:
                sent = headers | {"If-Match": '"x"'}
                response = await client.request(
                    method, template.format(id=note_id), headers=sent, json=body
                )
                answer = problem(response, 403)
                answers.add((answer["title"], answer["detail"], answer["type"]))
            assert len(answers) == 1, (name, method, template, answers)


async def test_not_found_reads_the_same_everywhere(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    """Defect 10: a measure out of reach and a missing one answer the same body."""
    case = await clinical_case(client, world)
    measure = await client.post(
        f"/v1/clients/{case.client_id}/measures",
        headers=world["therapist"].headers,
        json={"instrument": "phq9", "items": [1] * 9},
    )
    assert measure.status_code == 201, measure.text
    for headers in (world["therapist2"].headers, other_world["therapist"].headers):
        bodies = set()
        for measure_id in (measure.json()["id"], str(uuid.uuid4())):
            answer = problem(await client.get(f"/v1/measures/{measure_id}", headers=headers), 404)
            bodies.add((answer["title"], answer["detail"], answer["type"]))
        assert len(bodies) == 1, bodies


class _Row:
    """An event row read back as a mapping, with attribute access for `event_body`."""

    def __init__(self, values: dict[str, object]) -> None:
        self.__dict__.update(values)
