"""Completeness rows for clinical notes, addenda, observations and relationship episodes.

Psychotherapy notes add a situation of their own: for everyone but their author they do not
exist, so those requests answer 404 and name no client, break-the-glass included.
"""

from __future__ import annotations

from typing import Any

from tests.audit.completeness import (
    GLASS_HEADERS,
    PROGRESS_READERS,
    Case,
    Scene,
    fixed_json,
    if_match,
    situations,
)


def _client(s: Scene) -> set[str]:
    return {s.client}


OBSERVATION = {"theme_code": "affect.shame", "intensity": 2}
CCRT = {
    "other_person": "boss",
    "wish": {"code": "to_be_respected", "text": "Wanted to be heard."},
    "response_of_other": {"code": "dismisses", "text": "Waved it off.", "valence": "negative"},
    "response_of_self": {"code": "withdraws", "text": "Went quiet.", "valence": "negative"},
}

NOTE_CASES: list[Case] = [
    *situations(
        "GET",
        "/v1/notes",
        "note.search",
        "/v1/notes?client_id={client}",
        allowed=("therapist", "supervisor", "key:notes:read"),
        denied=("admin", "auditor", "key:clients:read"),
        missing_clients=_client,
        glass=True,
    ),
    *situations(
        "GET",
        "/v1/sessions/{id}/notes",
        "note.list",
        "/v1/sessions/{visit}/notes",
        allowed=("therapist", "supervisor", "key:notes:read"),
        denied=("admin", "auditor", "key:clients:read"),
        glass=True,
    ),
    *situations(
        "POST",
        "/v1/sessions/{id}/notes",
        "note.create",
        "/v1/sessions/{visit}/notes",
        allowed=("trainee",),
        status=201,
        denied=("admin", "key:notes:read"),
        json=fixed_json({"kind": "psychotherapy", "body": "Felt drowsy when she spoke of him."}),
    ),
    Case(  # breaking the glass never makes a care-team member: only the care team writes notes
        "therapist2",
        "POST",
        "/v1/sessions/{visit}/notes",
        "/v1/sessions/{id}/notes",
        403,
        "note.create",
        "denied",
        _client,
        purpose="ETREAT",
        json=fixed_json({"kind": "psychotherapy", "body": "Felt drowsy when she spoke of him."}),
        headers=GLASS_HEADERS,
    ),
    *situations(
        "GET",
        "/v1/notes/{id}",
        "note.read",
        "/v1/notes/{note}",
        allowed=("therapist", "supervisor"),
        denied=("admin", "auditor"),
        glass=True,
    ),
    Case(
        "key:notes:read",
        "GET",
        "/v1/notes/{signed}",
        "/v1/notes/{id}",
        200,
        "note.read",
        "success",
        _client,
    ),
    Case(  # a key reads signed notes only: a draft does not exist for it
        "key:notes:read",
        "GET",
        "/v1/notes/{note}",
        "/v1/notes/{id}",
        404,
        "note.read",
        "not_found",
        _client,
    ),
    Case(
        "therapist", "GET", "/v1/notes/{missing}", "/v1/notes/{id}", 404, "note.read", "not_found"
    ),
    # Psychotherapy notes do not exist for anyone but their author, glass or not; the log
    # names their client as for a progress note, so that it cannot tell the two apart.
    Case(
        "therapist",
        "GET",
        "/v1/notes/{process}",
        "/v1/notes/{id}",
        200,
        "note.read",
        "success",
        _client,
    ),
    Case(
        "supervisor",
        "GET",
        "/v1/notes/{process}",
        "/v1/notes/{id}",
        404,
        "note.read",
        "not_found",
        _client,
    ),
    Case(
        "therapist2",
        "GET",
        "/v1/notes/{process}",
        "/v1/notes/{id}",
        404,
        "note.read",
        "not_found",
        _client,
        purpose="ETREAT",
        headers=GLASS_HEADERS,
    ),
    *situations(
        "PATCH",
        "/v1/notes/{id}",
        "note.update",
        "/v1/notes/{note}",
        denied=("admin", "supervisor", "trainee"),
        json=fixed_json({"plan": "Fortnightly from March."}),
        headers=if_match("note"),
    ),
    *situations(
        "DELETE",
        "/v1/notes/{id}",
        "note.delete",
        "/v1/notes/{note}",
        status=204,
        denied=("auditor", "trainee"),
        headers=if_match("note"),
    ),
    *situations(
        "POST",
        "/v1/notes/{id}/sign",
        "note.sign",
        "/v1/notes/{note}/sign",
        denied=("admin", "trainee"),
        headers=if_match("note"),
    ),
    *situations(
        "POST",
        "/v1/notes/{id}/cosign",
        "note.cosign",
        "/v1/notes/{pending}/cosign",
        allowed=("supervisor",),
        denied=("therapist", "trainee"),
        missing="other:supervisor",
        headers=if_match("pending"),
    ),
    *situations(
        "POST",
        "/v1/notes/{id}/return",
        "note.return",
        "/v1/notes/{pending}/return",
        allowed=("supervisor",),
        denied=("therapist", "trainee"),
        missing="other:supervisor",
        json=fixed_json({"comment": "Please add the risk assessment."}),
        headers=if_match("pending"),
    ),
    *situations(
        "GET",
        "/v1/notes/{id}/addenda",
        "addendum.list",
        "/v1/notes/{signed}/addenda",
        allowed=("therapist", "supervisor", "key:notes:read"),
        denied=("admin", "auditor"),
        glass=True,
    ),
    *situations(
        "POST",
        "/v1/notes/{id}/addenda",
        "addendum.create",
        "/v1/notes/{signed}/addenda",
        status=201,
        denied=("auditor", "supervisor", "key:notes:read"),
        json=fixed_json({"body": "The session was on Tuesday.", "reason": "correction"}),
    ),
    *situations(
        "GET",
        "/v1/addenda/{id}",
        "addendum.read",
        "/v1/addenda/{addendum}",
        allowed=("therapist", "supervisor", "key:notes:read"),
        denied=("admin", "auditor"),
        glass=True,
    ),
    Case(
        "therapist2",
        "POST",
        "/v1/notes/{signed}/addenda",
        "/v1/notes/{id}/addenda",
        403,
        "addendum.create",
        "denied",
        _client,
        purpose="ETREAT",
        json=fixed_json({"body": "The session was on Tuesday.", "reason": "correction"}),
        headers=GLASS_HEADERS,
    ),
]


def _finding_rows(kind: str, action: str, field: str, new: dict[str, Any]) -> list[Case]:
    """Observations and relationship episodes: a session's list, one, a new one."""
    return [
        *situations(
            "GET",
            f"/v1/sessions/{{id}}/{kind}",
            f"{action}.list",
            f"/v1/sessions/{{visit}}/{kind}",
            allowed=PROGRESS_READERS,
            denied=("admin", "auditor", "key:clients:read"),
            glass=True,
        ),
        *situations(
            "GET",
            f"/v1/{kind}/{{id}}",
            f"{action}.read",
            f"/v1/{kind}/{{{field}}}",
            allowed=PROGRESS_READERS,
            denied=("admin", "auditor", "key:clients:read"),
            glass=True,
        ),
        *situations(
            "POST",
            f"/v1/sessions/{{id}}/{kind}",
            f"{action}.create",
            f"/v1/sessions/{{visit}}/{kind}",
            status=201,
            denied=("admin", "supervisor", "key:progress:read"),
            json=fixed_json(new),
        ),
    ]


FINDING_CASES: list[Case] = [
    *_finding_rows("observations", "observation", "observation", OBSERVATION),
    *_finding_rows("relationship-episodes", "relationship_episode", "ccrt", CCRT),
    *situations(
        "DELETE",
        "/v1/observations/{id}",
        "observation.delete",
        "/v1/observations/{observation}",
        status=204,
        denied=("admin", "supervisor"),
    ),
    *situations(
        "DELETE",
        "/v1/relationship-episodes/{id}",
        "relationship_episode.delete",
        "/v1/relationship-episodes/{ccrt}",
        status=204,
        denied=("admin", "supervisor"),
    ),
]
