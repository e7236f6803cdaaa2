"""SPEC §2 as a table: every operation × every kind of caller, with the status each must get.

How to add rows: append an `Op` to `OPS` (or build a list in your own module and add it
here). A row names the method, a path template, the API-key scope that allows it (None when
no scope does) and one expectation per actor. Path templates use the target's fields:
`{client_id}`, `{episode_id}`, `{session_id}` and whatever a custom `setup` puts in
`Target.extra` (e.g. `{note_id}`). Operations that change what later cells would see set
`fresh=True` and get a new target per cell.

The standard target: a client whose primary therapist is `therapist`, with `trainee` (a
supervisee of `supervisor`) on the care team, an open episode and one attended session.
So `therapist` and `trainee` are care team, `supervisor` reaches the client through the
trainee, `therapist2` is another caseload of the same practice, `other_practice` is a
therapist of another practice, and `break_glass` is `therapist2` sending
X-Break-Glass-Reason. `key` carries exactly the row's scope (or scopes), `key_without_scope`
every other scope.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from app.security.api_keys import SCOPES
from app.state import AppState
from tests.conftest import World, build_world
from tests.factories import at, clinical_case, create_client, days_ago

LISTED = "listed"  # 200, and the target is among the items
HIDDEN = "hidden"  # 200, and the target is not among the items
Expect = int | str
ACTORS = (
    "admin",
    "therapist",
    "therapist2",
    "supervisor",
    "trainee",
    "auditor",
    "key",
    "key_without_scope",
    "other_practice",
    "break_glass",
)
BREAK_GLASS_REASON = "Covering for an absent colleague during a crisis call"


@dataclass
class Target:
    """The objects a row acts on."""

    client_id: str
    episode_id: str = ""
    session_id: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def fields(self) -> dict[str, str]:
        """Values for path templates."""
        return {
            "client_id": self.client_id,
            "episode_id": self.episode_id,
            "session_id": self.session_id,
            **self.extra,
        }


Setup = Callable[[httpx.AsyncClient, World, AppState], Awaitable[Target]]
Body = Callable[[Target, World, str], dict[str, Any] | None]


async def standard_target(http: httpx.AsyncClient, world: World, state: AppState) -> Target:
    """The standard clinical case (see the module docstring)."""
    case = await clinical_case(http, world)
    return Target(client_id=case.client_id, episode_id=case.episode_id, session_id=case.session_id)


async def client_without_episode(http: httpx.AsyncClient, world: World, state: AppState) -> Target:
    """The standard client, before any episode is opened."""
    created = await create_client(http, world["therapist"].headers, care_team=[world["trainee"].id])
    return Target(client_id=created["id"])


@dataclass(frozen=True)
class Op:
    """One operation and the status every actor must get."""

    name: str
    method: str
    path: str
    scope: str | tuple[str, ...] | None  # a tuple: the key needs all of them
    expect: Mapping[str, Expect]
    body: Body | None = None
    if_match: str | None = None  # path whose ETag (read by `therapist`) goes in If-Match
    fresh: bool = False
    setup: Setup = standard_target
    listed_key: str = "client_id"  # the target field a LISTED/HIDDEN list is checked for


def row(
    *,
    admin: Expect,
    therapist: Expect,
    therapist2: Expect,
    supervisor: Expect,
    trainee: Expect,
    auditor: Expect,
    key: Expect,
    key_without_scope: Expect,
    other_practice: Expect,
    break_glass: Expect,
) -> dict[str, Expect]:
    """One expectation per actor, all spelled out."""
    return {
        "admin": admin,
        "therapist": therapist,
        "therapist2": therapist2,
        "supervisor": supervisor,
        "trainee": trainee,
        "auditor": auditor,
        "key": key,
        "key_without_scope": key_without_scope,
        "other_practice": other_practice,
        "break_glass": break_glass,
    }


# Demographics and scheduling: admins yes, care team and supervisors yes, keys by scope.
SCHEDULING_READ = row(
    admin=200,
    therapist=200,
    therapist2=404,
    supervisor=200,
    trainee=200,
    auditor=403,
    key=200,
    key_without_scope=403,
    other_practice=404,
    break_glass=200,
)
SCHEDULING_LIST = row(
    admin=LISTED,
    therapist=LISTED,
    therapist2=HIDDEN,
    supervisor=LISTED,
    trainee=LISTED,
    auditor=403,
    key=LISTED,
    key_without_scope=403,
    other_practice=HIDDEN,
    break_glass=HIDDEN,
)
# Clinical (episodes, phases): no admins; supervisors read only; `progress:read` reads.
CLINICAL_READ = row(
    admin=403,
    therapist=200,
    therapist2=404,
    supervisor=200,
    trainee=200,
    auditor=403,
    key=200,
    key_without_scope=403,
    other_practice=404,
    break_glass=200,
)


def clinical_write(ok: int) -> dict[str, Expect]:
    """Clinical changes: the care team only (break-the-glass opens reads only)."""
    return row(
        admin=403,
        therapist=ok,
        therapist2=404,
        supervisor=403,
        trainee=ok,
        auditor=403,
        key=403,
        key_without_scope=403,
        other_practice=404,
        break_glass=403,
    )


# Every write under break-the-glass is 403, decided from the method (SPEC §2).
SCHEDULING_WRITE = SCHEDULING_READ | {"break_glass": 403}
# Who reaches a client changes only by an admin, the primary therapist or their supervisor
# (§2.1): not a care-team colleague, not a key, not break-the-glass.
REACH_CHANGE = SCHEDULING_WRITE | {"supervisor": 403, "trainee": 403, "key": 403}


def _new_client(target: Target, world: World, actor: str) -> dict[str, Any]:
    body: dict[str, Any] = {"given_name": "Matrix", "family_name": "Row"}
    if actor in ("admin", "key", "key_without_scope"):
        body["primary_therapist_id"] = str(world["therapist"].id)
    return body


OPS: list[Op] = [
    Op("list clients", "GET", "/v1/clients", "clients:read", SCHEDULING_LIST),
    Op(
        "create client",
        "POST",
        "/v1/clients",
        "clients:write",
        row(
            admin=201,
            therapist=201,
            therapist2=201,
            supervisor=201,
            trainee=201,
            auditor=403,
            key=201,
            key_without_scope=403,
            other_practice=201,
            break_glass=403,
        ),
        body=_new_client,
    ),
    Op("get client", "GET", "/v1/clients/{client_id}", "clients:read", SCHEDULING_READ),
    Op(
        "patch client",
        "PATCH",
        "/v1/clients/{client_id}",
        ("clients:read", "clients:write"),  # the answer is the record
        SCHEDULING_WRITE,
        body=lambda t, w, a: {"phone": "+1 555 0142"},
        if_match="/v1/clients/{client_id}",
    ),
    Op(
        "put care team",
        "PUT",
        "/v1/clients/{client_id}/care-team",
        "clients:write",
        REACH_CHANGE,
        body=lambda t, w, a: {"user_ids": [str(w["trainee"].id)]},
        if_match="/v1/clients/{client_id}",
    ),
    Op("list episodes", "GET", "/v1/clients/{client_id}/episodes", "progress:read", CLINICAL_READ),
    Op(
        "open episode",
        "POST",
        "/v1/clients/{client_id}/episodes",
        None,
        clinical_write(201),
        body=lambda t, w, a: {"started_on": days_ago(30).isoformat()},
        fresh=True,
        setup=client_without_episode,
    ),
    Op("get episode", "GET", "/v1/episodes/{episode_id}", "progress:read", CLINICAL_READ),
    Op(
        "patch episode",
        "PATCH",
        "/v1/episodes/{episode_id}",
        None,
        clinical_write(200),
        body=lambda t, w, a: {"goals": "Revised goals"},
        if_match="/v1/episodes/{episode_id}",
    ),
    Op(
        "list transitions",
        "GET",
        "/v1/episodes/{episode_id}/phase-transitions",
        "progress:read",
        CLINICAL_READ,
    ),
    Op(
        "record transition",
        "POST",
        "/v1/episodes/{episode_id}/phase-transitions",
        None,
        clinical_write(201),
        fresh=True,
        body=lambda t, w, a: {"to_phase": "exploration", "effective_on": days_ago(1).isoformat()},
    ),
    Op(
        "close episode",
        "POST",
        "/v1/episodes/{episode_id}/close",
        None,
        clinical_write(200),
        body=lambda t, w, a: {"ended_on": days_ago(0).isoformat(), "reason": "completed"},
        if_match="/v1/episodes/{episode_id}",
        fresh=True,
    ),
    Op(
        "list sessions",
        "GET",
        "/v1/sessions",
        "sessions:read",
        SCHEDULING_LIST,
        listed_key="session_id",
    ),
    Op(
        "create session",
        "POST",
        "/v1/sessions",
        "sessions:write",
        SCHEDULING_READ
        | {
            "admin": 201,
            "therapist": 201,
            "supervisor": 201,
            "trainee": 201,
            "key": 201,
            "break_glass": 403,
        },
        body=lambda t, w, a: {"client_id": t.client_id, "starts_at": at(days_ago(2))},
    ),
    Op("get session", "GET", "/v1/sessions/{session_id}", "sessions:read", SCHEDULING_READ),
    Op(
        "patch session",
        "PATCH",
        "/v1/sessions/{session_id}",
        ("sessions:read", "sessions:write"),  # the answer is the record
        SCHEDULING_WRITE,
        body=lambda t, w, a: {"modality": "video"},
    ),
]


def _rows_kept_with_their_domains() -> list[Op]:
    """Rows that live next to their domain's tests (they build on the helpers above)."""
    from tests.notes.matrix_rows import NOTE_OPS
    from tests.progress.matrix_rows import PROGRESS_OPS

    return NOTE_OPS + PROGRESS_OPS


OPS.extend(_rows_kept_with_their_domains())


@dataclass
class Actors:
    """Headers for every actor of the matrix."""

    headers: dict[str, dict[str, str]]


async def _actors(state: AppState, world: World, other: World, op: Op) -> Actors:
    from tests.factories import make_api_key

    needed = (op.scope,) if isinstance(op.scope, str) else op.scope
    allowed: list[str] = list(needed) if needed else list(SCOPES)
    headers = {
        name: world[name].headers
        for name in ("admin", "therapist", "therapist2", "supervisor", "trainee", "auditor")
    }
    headers["key"] = await make_api_key(state, world, allowed)
    headers["key_without_scope"] = await make_api_key(
        state, world, [s for s in SCOPES if s not in (needed or ())]
    )
    headers["other_practice"] = other["therapist"].headers
    headers["break_glass"] = {
        **world["therapist2"].headers,
        "X-Break-Glass-Reason": BREAK_GLASS_REASON,
    }
    return Actors(headers=headers)


async def _cell(
    http: httpx.AsyncClient,
    op: Op,
    world: World,
    target: Target,
    actor: str,
    headers: dict[str, str],
) -> str | None:
    """Run one cell; a description of the mismatch, or None."""
    values = target.fields()
    sent = dict(headers)
    if op.if_match:
        owner = await http.get(op.if_match.format(**values), headers=world["therapist"].headers)
        sent["If-Match"] = owner.headers["ETag"]
    body = op.body(target, world, actor) if op.body else None
    response = await http.request(op.method, op.path.format(**values), json=body, headers=sent)
    expected = op.expect[actor]
    if isinstance(expected, int):
        ok = response.status_code == expected
    else:
        ids = (
            {item["id"] for item in response.json().get("items", [])}
            if response.status_code == 200
            else set()
        )
        ok = response.status_code == 200 and (values[op.listed_key] in ids) == (expected == LISTED)
    if ok:
        return None
    return f"{actor}: expected {expected}, got {response.status_code} {response.text[:160]}"


@pytest.mark.parametrize("op", OPS, ids=[op.name for op in OPS])
async def test_access_matrix(
    op: Op, client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    assert set(op.expect) == set(ACTORS), f"row {op.name} must name every actor"
    other = await build_world(state, ("therapist",))
    actors = await _actors(state, world, other, op)
    shared = None if op.fresh else await op.setup(client, world, state)
    problems = []
    for actor in ACTORS:
        target = shared or await op.setup(client, world, state)
        mismatch = await _cell(client, op, world, target, actor, actors.headers[actor])
        if mismatch:
            problems.append(mismatch)
    assert not problems, f"{op.method} {op.path}:\n" + "\n".join(problems)
