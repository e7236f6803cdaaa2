"""The rows of the completeness test: one request (route × caller × situation) per row.

Each row says what the request's one audit event must record: action, outcome and status,
actor, purpose of use, the clients it names, the route template. Extend coverage by
adding rows; ``test_completeness.py`` checks every field of every row.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.conftest import TEST_PASSWORD, World

GLASS = "Client in crisis; primary therapist unreachable"


@dataclass
class Scene:
    """A practice with a client on the therapist's caseload, plus a second practice."""

    world: World
    other: World
    client: str
    other_client: str
    event: str
    keys: dict[str, tuple[uuid.UUID, dict[str, str]]] = field(default_factory=dict)
    refresh: str = ""


Value = Callable[[Scene], Any]


@dataclass(frozen=True)
class Case:
    """One request and the event it must leave."""

    caller: str  # a member of the world, "other:<member>", "key:<scopes>" or "anon"
    method: str
    path: str  # formatted with the Scene's fields
    route: str
    status: int
    action: str
    outcome: str
    clients: Value | None = None  # the client ids the event must name (default: none)
    purpose: str | None = "auto"
    json: Value | None = None
    form: Value | None = None
    headers: dict[str, str] = field(default_factory=dict)
    actor: str | None = None  # for logins: whose identity the event records


def _client(s: Scene) -> set[str]:
    return {s.client}


CASES: list[Case] = [
    # Authentication.
    Case(
        "anon",
        "POST",
        "/v1/auth/token",
        "/v1/auth/token",
        200,
        "auth.login",
        "success",
        form=lambda s: {"username": s.world["therapist"].email, "password": TEST_PASSWORD},
        actor="therapist",
        purpose=None,
    ),
    Case(
        "anon",
        "POST",
        "/v1/auth/token",
        "/v1/auth/token",
        401,
        "auth.login",
        "denied",
        form=lambda s: {"username": s.world["therapist"].email, "password": "wrong-password!"},
        purpose=None,
    ),
    Case(
        "anon",
        "POST",
        "/v1/auth/refresh",
        "/v1/auth/refresh",
        200,
        "auth.refresh",
        "success",
        json=lambda s: {"refresh_token": s.refresh},
        actor="therapist",
        purpose=None,
    ),
    Case("therapist", "POST", "/v1/auth/logout", "/v1/auth/logout", 204, "auth.logout", "success"),
    Case("anon", "GET", "/v1/me", "/v1/me", 401, "me.read", "denied", purpose=None),
    *[
        Case(name, "GET", "/v1/me", "/v1/me", 200, "me.read", "success")
        for name in ("admin", "therapist", "supervisor", "auditor", "key:clients:read")
    ],
    # Users and API keys: administrators only.
    Case("admin", "GET", "/v1/users", "/v1/users", 200, "user.list", "success"),
    Case("therapist", "GET", "/v1/users", "/v1/users", 403, "user.list", "denied"),
    Case("auditor", "GET", "/v1/users", "/v1/users", 403, "user.list", "denied"),
    Case(
        "admin",
        "GET",
        "/v1/users/{world.members[trainee].id}",
        "/v1/users/{id}",
        200,
        "user.read",
        "success",
    ),
    Case(
        "admin",
        "GET",
        "/v1/users/{other.members[admin].id}",
        "/v1/users/{id}",
        404,
        "user.read",
        "not_found",
    ),
    Case(
        "admin",
        "POST",
        "/v1/users",
        "/v1/users",
        201,
        "user.create",
        "success",
        json=lambda s: {
            "email": f"new-{uuid.uuid4().hex[:8]}@test.example",
            "display_name": "New",
            "role": "therapist",
            "password": "a long enough password",
        },
    ),
    Case(
        "therapist",
        "POST",
        "/v1/users",
        "/v1/users",
        403,
        "user.create",
        "denied",
        json=lambda s: {
            "email": "x@test.example",
            "display_name": "X",
            "role": "admin",
            "password": "a long enough password",
        },
    ),
    Case(
        "admin",
        "PATCH",
        "/v1/users/{world.members[trainee].id}",
        "/v1/users/{id}",
        200,
        "user.update",
        "success",
        json=lambda s: {"display_name": "Renamed"},
    ),
    Case("admin", "GET", "/v1/api-keys", "/v1/api-keys", 200, "api_key.list", "success"),
    Case("supervisor", "GET", "/v1/api-keys", "/v1/api-keys", 403, "api_key.list", "denied"),
    Case(
        "admin",
        "POST",
        "/v1/api-keys",
        "/v1/api-keys",
        201,
        "api_key.create",
        "success",
        json=lambda s: {"name": "sync", "scopes": ["clients:read"]},
    ),
    Case(
        "admin",
        "DELETE",
        f"/v1/api-keys/{uuid.uuid4()}",
        "/v1/api-keys/{id}",
        404,
        "api_key.revoke",
        "not_found",
    ),
    # A client's record: allowed, denied, not found, break-the-glass, other practice.
    Case(
        "therapist",
        "GET",
        "/v1/clients/{client}",
        "/v1/clients/{id}",
        200,
        "client.read",
        "success",
        clients=_client,
    ),
    Case(
        "admin",
        "GET",
        "/v1/clients/{client}",
        "/v1/clients/{id}",
        200,
        "client.read",
        "success",
        clients=_client,
    ),
    Case(
        "key:clients:read",
        "GET",
        "/v1/clients/{client}",
        "/v1/clients/{id}",
        200,
        "client.read",
        "success",
        clients=_client,
    ),
    Case(
        "therapist2",
        "GET",
        "/v1/clients/{client}",
        "/v1/clients/{id}",
        404,
        "client.read",
        "not_found",
        clients=_client,
    ),
    Case(
        "therapist2",
        "GET",
        "/v1/clients/{client}",
        "/v1/clients/{id}",
        200,
        "client.read",
        "success",
        clients=_client,
        purpose="ETREAT",
        headers={"X-Break-Glass-Reason": GLASS},
    ),
    Case(
        "auditor",
        "GET",
        "/v1/clients/{client}",
        "/v1/clients/{id}",
        403,
        "client.read",
        "denied",
        clients=_client,
    ),
    Case(
        "key:notes:read",
        "GET",
        "/v1/clients/{client}",
        "/v1/clients/{id}",
        403,
        "client.read",
        "denied",
        clients=_client,
    ),
    Case(
        "other:therapist",
        "GET",
        "/v1/clients/{client}",
        "/v1/clients/{id}",
        404,
        "client.read",
        "not_found",
        clients=_client,
    ),
    Case(
        "therapist",
        "GET",
        "/v1/clients",
        "/v1/clients",
        200,
        "client.list",
        "success",
        clients=_client,
    ),
    # The access log itself: auditors (and audit:read keys) only, and audited too.
    Case(
        "auditor",
        "GET",
        "/v1/audit/events?client_id={client}",
        "/v1/audit/events",
        200,
        "audit.search",
        "success",
        clients=_client,
    ),  # the clients of the events shown
    Case("therapist", "GET", "/v1/audit/events", "/v1/audit/events", 403, "audit.search", "denied"),
    Case(
        "auditor",
        "GET",
        "/v1/audit/events/{event}",
        "/v1/audit/events/{id}",
        200,
        "audit.event.read",
        "success",
        clients=_client,
    ),
    Case(
        "auditor",
        "GET",
        "/v1/audit/clients/{client}/access-report",
        "/v1/audit/clients/{id}/access-report",
        200,
        "audit.access_report",
        "success",
        clients=_client,
    ),
    Case(
        "admin",
        "GET",
        "/v1/audit/clients/{client}/access-report",
        "/v1/audit/clients/{id}/access-report",
        403,
        "audit.access_report",
        "denied",
    ),
    Case(
        "auditor",
        "GET",
        "/v1/audit/break-glass",
        "/v1/audit/break-glass",
        200,
        "audit.break_glass.list",
        "success",
        clients=_client,
    ),
    Case(
        "auditor",
        "POST",
        "/v1/audit/events/{event}/review",
        "/v1/audit/events/{id}/review",
        201,
        "audit.review",
        "success",
        clients=_client,
        json=lambda s: {"decision": "justified"},
    ),
    Case(
        "key:audit:read",
        "GET",
        "/v1/audit/verify",
        "/v1/audit/verify",
        200,
        "audit.verify",
        "success",
    ),
    Case(
        "supervisor", "GET", "/v1/audit/verify", "/v1/audit/verify", 403, "audit.verify", "denied"
    ),
    Case(
        "anon",
        "GET",
        "/v1/audit/public-key",
        "/v1/audit/public-key",
        200,
        "audit.public_key.read",
        "success",
        purpose=None,
    ),
    Case(
        "auditor",
        "GET",
        "/v1/audit/checkpoints",
        "/v1/audit/checkpoints",
        200,
        "audit.checkpoint.list",
        "success",
    ),
    Case(
        "auditor",
        "GET",
        "/v1/audit/export?format=fhir",
        "/v1/audit/export",
        200,
        "audit.export",
        "success",
    ),
    Case(
        "other:auditor",
        "GET",
        "/v1/audit/events/{event}",
        "/v1/audit/events/{id}",
        404,
        "audit.event.read",
        "not_found",
    ),
]
