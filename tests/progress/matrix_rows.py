"""The themes, observations, CCRT, measures and progress rows of the access matrix.

Targets: the matrix's standard case (primary `therapist`, `trainee` on the care team under
`supervisor`) plus, where a row needs one, a practice theme, an observation, a relationship
episode or a measure created by `therapist`. Rows without a scope give both API keys every
scope, so `key_without_scope` is refused there too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from app.state import AppState
from tests.conftest import World
from tests.observations.support import measure, observe, relationship_episode, tell
from tests.test_access_matrix import (
    CLINICAL_READ,
    Op,
    Target,
    clinical_write,
    row,
    standard_target,
)

Setup = Callable[[httpx.AsyncClient, World, AppState], Awaitable[Target]]


def _with(kind: str) -> Setup:
    """The standard case plus one thing the therapist recorded, named in `Target.extra`."""

    async def setup(http: httpx.AsyncClient, world: World, state: AppState) -> Target:
        target = await standard_target(http, world, state)
        headers = world["therapist"].headers
        if kind == "theme":
            body = {"code": "somatic.matrix", "label": "Matrix", "category": "somatic"}
            created = await http.post("/v1/themes", json=body, headers=headers)
            assert created.status_code == 201, created.text
            target.extra["theme_code"] = "somatic.matrix"
        elif kind == "observation":
            found = await observe(http, headers, target.session_id, "affect.grief", 3)
            target.extra["observation_id"] = found["id"]
        elif kind == "relationship_episode":
            told = await tell(http, headers, target.session_id, relationship_episode())
            target.extra["relationship_episode_id"] = told["id"]
        else:
            scored = await measure(http, headers, target.client_id, "gad7", [1] * 7)
            target.extra["measure_id"] = scored["id"]
        return target

    return setup


def _theme_body(target: Target, world: World, actor: str) -> dict[str, Any]:
    return {"code": f"somatic.matrix_{actor}", "label": "Matrix row", "category": "somatic"}


CATALOG_READ = row(
    admin=200,
    therapist=200,
    therapist2=200,
    supervisor=200,
    trainee=200,
    auditor=200,
    key=200,
    key_without_scope=403,
    other_practice=200,
    break_glass=200,
)
CATALOG_WRITE = row(
    admin=201,
    therapist=201,
    therapist2=201,
    supervisor=201,
    trainee=201,
    auditor=403,
    key=403,
    key_without_scope=403,
    other_practice=201,
    break_glass=403,  # every write under break-the-glass (SPEC §2)
)
CATALOG_CHANGE = row(
    admin=200,
    therapist=200,
    therapist2=200,
    supervisor=200,
    trainee=200,
    auditor=403,
    key=403,
    key_without_scope=403,
    other_practice=404,
    break_glass=403,
)
CASELOAD = row(
    admin=403,
    therapist=200,
    therapist2=200,
    supervisor=200,
    trainee=200,
    auditor=403,
    key=403,
    key_without_scope=403,
    other_practice=200,
    break_glass=200,
)
OBSERVATION = {"theme_code": "affect.grief", "intensity": 3}
MEASURE = {"instrument": "phq9", "items": [1, 1, 1, 1, 1, 1, 1, 1, 0]}

PROGRESS_OPS: list[Op] = [
    Op("list themes", "GET", "/v1/themes", "progress:read", CATALOG_READ),
    Op("create theme", "POST", "/v1/themes", None, CATALOG_WRITE, body=_theme_body),
    Op(
        "patch theme",
        "PATCH",
        "/v1/themes/{theme_code}",
        None,
        CATALOG_CHANGE,
        body=lambda t, w, a: {"label": f"Relabelled by {a}"},
        setup=_with("theme"),
    ),
    Op(
        "list observations",
        "GET",
        "/v1/sessions/{session_id}/observations",
        "progress:read",
        CLINICAL_READ,
    ),
    Op(
        "record observation",
        "POST",
        "/v1/sessions/{session_id}/observations",
        None,
        clinical_write(201),
        body=lambda t, w, a: OBSERVATION,
    ),
    Op(
        "get observation",
        "GET",
        "/v1/observations/{observation_id}",
        "progress:read",
        CLINICAL_READ,
        setup=_with("observation"),
    ),
    Op(
        "delete observation",
        "DELETE",
        "/v1/observations/{observation_id}",
        None,
        clinical_write(204),
        fresh=True,
        setup=_with("observation"),
    ),
    Op(
        "list relationship episodes",
        "GET",
        "/v1/sessions/{session_id}/relationship-episodes",
        "progress:read",
        CLINICAL_READ,
    ),
    Op(
        "record relationship episode",
        "POST",
        "/v1/sessions/{session_id}/relationship-episodes",
        None,
        clinical_write(201),
        body=lambda t, w, a: relationship_episode(),
    ),
    Op(
        "get relationship episode",
        "GET",
        "/v1/relationship-episodes/{relationship_episode_id}",
        "progress:read",
        CLINICAL_READ,
        setup=_with("relationship_episode"),
    ),
    Op(
        "delete relationship episode",
        "DELETE",
        "/v1/relationship-episodes/{relationship_episode_id}",
        None,
        clinical_write(204),
        fresh=True,
        setup=_with("relationship_episode"),
    ),
    Op("list measures", "GET", "/v1/clients/{client_id}/measures", "progress:read", CLINICAL_READ),
    Op(
        "record measure",
        "POST",
        "/v1/clients/{client_id}/measures",
        None,
        clinical_write(201),
        body=lambda t, w, a: MEASURE,
    ),
    Op(
        "get measure",
        "GET",
        "/v1/measures/{measure_id}",
        "progress:read",
        CLINICAL_READ,
        setup=_with("measure"),
    ),
    Op(
        "episode progress",
        "GET",
        "/v1/episodes/{episode_id}/progress",
        "progress:read",
        CLINICAL_READ,
    ),
    Op(
        "client progress", "GET", "/v1/clients/{client_id}/progress", "progress:read", CLINICAL_READ
    ),
    Op("caseload report", "GET", "/v1/reports/caseload", None, CASELOAD),
]
