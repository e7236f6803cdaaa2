"""Completeness rows for every route that touches client data (SPEC §2, §6).

Per route: the callers allowed, callers refused (403: a role or a key scope that may never do
it), a caller for whom the object does not exist (404: another practice's caller, or an id
that names nothing), and break-the-glass by therapist2 for reads. See ``situations``.

Who names which client: a request names every client whose data the response holds or that
the request aimed at, allowed or refused. A request aimed at a client by id (path, query or
body) names it even when it answers 404; a request for a session, note, episode... that the
caller's practice does not have names no client, so that no other practice's client leaks
into the log.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.audit.completeness import (
    PROGRESS_READERS,
    Case,
    Scene,
    day,
    fixed_json,
    if_match,
    situations,
)


async def _cosign_pending(s: Scene, http: httpx.AsyncClient) -> None:
    """The trainee's note cosigned: an episode with a note awaiting cosignature is 409."""
    headers = s.world["supervisor"].headers | {"If-Match": s.etags["pending"]}
    done = await http.post(f"/v1/notes/{s.pending}/cosign", headers=headers)
    assert done.status_code == 200, done.text


def _client(s: Scene) -> set[str]:
    return {s.client}


def _fresh(s: Scene) -> set[str]:
    return {s.fresh}


def _both(s: Scene) -> set[str]:
    return {s.client, s.fresh}


def _random(s: Scene) -> set[str]:
    return {s.missing}


def _new_session(s: Scene) -> dict[str, Any]:
    """Next week's session of the client."""
    return {
        "client_id": s.client,
        "starts_at": f"{day(-7)}T10:00:00+00:00",
        "duration_minutes": 50,
        "modality": "video",
        "status": "scheduled",
    }


CLIENT_CASES: list[Case] = [
    *situations(
        "GET",
        "/v1/clients",
        "client.list",
        "/v1/clients",
        allowed=("admin", "key:clients:read"),
        denied=("auditor", "key:notes:read"),
        denied_name_clients=False,
        missing=None,
        clients=_both,
    ),
    Case(
        "therapist",
        "POST",
        "/v1/clients",
        "/v1/clients",
        201,
        "client.create",
        "success",
        json=fixed_json({"given_name": "Cy", "family_name": "Client"}),
        names_created=True,
    ),
    *situations(
        "POST",
        "/v1/clients",
        "client.create",
        "/v1/clients",
        allowed=(),
        denied=("auditor", "key:clients:read"),
        missing=None,
        clients=None,
        json=fixed_json({"given_name": "Cy", "family_name": "Client"}),
    ),
    *situations(
        "PATCH",
        "/v1/clients/{id}",
        "client.update",
        "/v1/clients/{client}",
        allowed=("therapist", "admin"),
        denied=("auditor", "key:clients:read"),
        missing_clients=_client,
        json=fixed_json({"preferred_name": "Addie"}),
        headers=if_match("client"),
    ),
    *situations(
        "PUT",
        "/v1/clients/{id}/care-team",
        "client.care_team.update",
        "/v1/clients/{client}/care-team",
        allowed=("therapist", "admin"),
        denied=("auditor", "key:clients:read"),
        missing_clients=_client,
        json=lambda s: {"user_ids": [str(s.world["trainee"].id)]},
        headers=if_match("client"),
    ),
]

EPISODE_CASES: list[Case] = [
    *situations(
        "GET",
        "/v1/clients/{id}/episodes",
        "episode.list",
        "/v1/clients/{client}/episodes",
        allowed=PROGRESS_READERS,
        denied=("admin", "auditor", "key:clients:read"),
        missing_clients=_client,
        glass=True,
    ),
    *situations(
        "POST",
        "/v1/clients/{id}/episodes",
        "episode.create",
        "/v1/clients/{fresh}/episodes",
        status=201,
        denied=("admin", "key:progress:read"),
        clients=_fresh,
        missing_clients=_fresh,
        json=lambda s: {"started_on": day(30), "goals": "Settle into treatment."},
    ),
    *situations(
        "GET",
        "/v1/episodes/{id}",
        "episode.read",
        "/v1/episodes/{episode}",
        allowed=PROGRESS_READERS,
        denied=("admin", "auditor", "key:clients:read"),
        glass=True,
    ),
    Case(
        "therapist",
        "GET",
        "/v1/episodes/{missing}",
        "/v1/episodes/{id}",
        404,
        "episode.read",
        "not_found",
    ),
    *situations(
        "PATCH",
        "/v1/episodes/{id}",
        "episode.update",
        "/v1/episodes/{episode}",
        denied=("admin", "supervisor", "key:progress:read"),
        json=fixed_json({"goals": "Grieve; return to work."}),
        headers=if_match("episode"),
    ),
    *situations(
        "GET",
        "/v1/episodes/{id}/phase-transitions",
        "phase_transition.list",
        "/v1/episodes/{episode}/phase-transitions",
        allowed=PROGRESS_READERS,
        denied=("admin", "auditor"),
        glass=True,
    ),
    *situations(
        "POST",
        "/v1/episodes/{id}/phase-transitions",
        "phase_transition.create",
        "/v1/episodes/{episode}/phase-transitions",
        status=201,
        denied=("admin", "supervisor", "key:progress:read"),
        json=lambda s: {"to_phase": "exploration", "effective_on": day(60)},
    ),
    *situations(
        "POST",
        "/v1/episodes/{id}/close",
        "episode.close",
        "/v1/episodes/{episode}/close",
        denied=("admin", "supervisor"),
        json=lambda s: {"ended_on": day(0), "reason": "completed"},
        headers=if_match("episode"),
        before=_cosign_pending,
    ),
]

SESSION_CASES: list[Case] = [
    Case(
        "therapist", "GET", "/v1/sessions", "/v1/sessions", 200, "session.list", "success", _client
    ),
    *situations(
        "GET",
        "/v1/sessions",
        "session.list",
        "/v1/sessions?client_id={client}",
        allowed=("therapist", "admin", "key:sessions:read"),
        denied=("auditor", "key:notes:read"),
        missing_clients=_client,
        glass=True,
    ),
    *situations(
        "POST",
        "/v1/sessions",
        "session.create",
        "/v1/sessions",
        allowed=("therapist", "admin"),
        status=201,
        denied=("auditor", "key:sessions:read"),
        missing_clients=_client,
        json=_new_session,
    ),
    *situations(
        "GET",
        "/v1/sessions/{id}",
        "session.read",
        "/v1/sessions/{visit}",
        allowed=("therapist", "admin", "key:sessions:read"),
        denied=("auditor", "key:notes:read"),
        glass=True,
    ),
    Case(
        "therapist",
        "GET",
        "/v1/sessions/{missing}",
        "/v1/sessions/{id}",
        404,
        "session.read",
        "not_found",
    ),
    *situations(
        "PATCH",
        "/v1/sessions/{id}",
        "session.update",
        "/v1/sessions/{visit}",
        allowed=("therapist", "admin"),
        denied=("auditor", "key:sessions:read"),
        json=fixed_json({"duration_minutes": 45}),
    ),
]

THEME_CASES: list[Case] = [  # the catalog holds no client data: events name no client
    *situations(
        "GET",
        "/v1/themes",
        "theme.list",
        "/v1/themes",
        allowed=("therapist", "auditor", "key:progress:read"),
        denied=("key:clients:read",),
        missing=None,
        clients=None,
    ),
    *situations(
        "POST",
        "/v1/themes",
        "theme.create",
        "/v1/themes",
        allowed=("admin", "therapist"),
        status=201,
        denied=("auditor", "key:progress:read"),
        missing=None,
        clients=None,
        json=fixed_json(
            {
                "code": "relational_pattern.caretaking",
                "label": "Caretaking",
                "category": "relational_pattern",
            }
        ),
    ),
    *situations(
        "GET",
        "/v1/themes/{code}",
        "theme.read",
        "/v1/themes/{theme}",
        allowed=("therapist", "admin"),
        denied=("key:clients:read",),
        clients=None,
    ),
    *situations(
        "PATCH",
        "/v1/themes/{code}",
        "theme.update",
        "/v1/themes/{theme}",
        allowed=("admin",),
        denied=("auditor",),
        missing="other:admin",
        clients=None,
        json=fixed_json({"label": "Pleasing others"}),
    ),
]


MEASURE_CASES: list[Case] = [
    *situations(
        "GET",
        "/v1/clients/{id}/measures",
        "measure.list",
        "/v1/clients/{client}/measures",
        allowed=PROGRESS_READERS,
        denied=("admin", "auditor"),
        missing_clients=_client,
        glass=True,
    ),
    *situations(
        "POST",
        "/v1/clients/{id}/measures",
        "measure.create",
        "/v1/clients/{client}/measures",
        status=201,
        denied=("admin", "supervisor", "key:progress:read"),
        missing_clients=_client,
        json=lambda s: {
            "instrument": "gad7",
            "items": [1, 1, 2, 1, 0, 1, 1],
            "administered_on": day(3),
        },
    ),
    *situations(
        "GET",
        "/v1/measures/{id}",
        "measure.read",
        "/v1/measures/{measure}",
        allowed=PROGRESS_READERS,
        denied=("admin", "auditor"),
        glass=True,
    ),
    Case(
        "therapist",
        "GET",
        "/v1/measures/{missing}",
        "/v1/measures/{id}",
        404,
        "measure.read",
        "not_found",
    ),
]

PROGRESS_CASES: list[Case] = [
    *situations(
        "GET",
        "/v1/episodes/{id}/progress",
        "progress.read",
        "/v1/episodes/{episode}/progress",
        allowed=PROGRESS_READERS,
        denied=("admin", "auditor", "key:notes:read"),
        glass=True,
    ),
    *situations(
        "GET",
        "/v1/clients/{id}/progress",
        "progress.read",
        "/v1/clients/{client}/progress",
        allowed=PROGRESS_READERS,
        denied=("admin", "auditor", "key:notes:read"),
        missing_clients=_client,
        glass=True,
    ),
    Case(
        "therapist",
        "GET",
        "/v1/clients/{missing}/progress",
        "/v1/clients/{id}/progress",
        404,
        "progress.read",
        "not_found",
        _random,
    ),
    *situations(
        "GET",
        "/v1/reports/caseload",
        "caseload.read",
        "/v1/reports/caseload",
        denied=("admin", "auditor", "key:progress:read"),
        denied_name_clients=False,
        missing=None,
        clients=_both,
    ),
    # A supervisor's caseload: the clients of their supervisees' care teams.
    Case(
        "supervisor",
        "GET",
        "/v1/reports/caseload",
        "/v1/reports/caseload",
        200,
        "caseload.read",
        "success",
        _client,
    ),
]

PHI_CASES: list[Case] = [
    *CLIENT_CASES,
    *EPISODE_CASES,
    *SESSION_CASES,
    *THEME_CASES,
    *MEASURE_CASES,
    *PROGRESS_CASES,
]
