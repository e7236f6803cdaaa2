"""The rows of the completeness test: one request (route × caller × situation) per row.

Each row says what the request's one audit event must record: action, outcome and status,
actor, purpose of use, the clients it names, the route template. Extend coverage by
adding rows (here, in ``completeness_phi.py`` and ``completeness_notes.py``);
``test_completeness.py`` checks every field of every row, and fails when a /v1 route has
no row, or a route with client data lacks an allowed, refused, not-found or (for reads)
break-the-glass row.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.conftest import TEST_PASSWORD, World

GLASS = "Client in crisis; primary therapist unreachable"


@dataclass
class Scene:
    """A practice with a client on the therapist's caseload, plus a second practice.

    The client (trainee on its care team) has an open episode and three sessions: `visit`
    with a draft progress note, a psychotherapy note, an observation and a relationship
    episode; `signed_visit` with a signed progress note; `trainee_visit` with the trainee's
    note awaiting cosignature. `fresh` is a client of the therapist with no episode yet.
    """

    world: World
    other: World
    client: str
    other_client: str
    event: str
    keys: dict[str, tuple[uuid.UUID, dict[str, str]]] = field(default_factory=dict)
    refresh: str = ""
    fresh: str = ""
    episode: str = ""
    visit: str = ""
    signed_visit: str = ""
    trainee_visit: str = ""
    note: str = ""  # the therapist's draft progress note on `visit`
    process: str = ""  # the therapist's psychotherapy note on `visit`
    signed: str = ""  # the therapist's signed progress note on `signed_visit`
    addendum: str = ""  # an addendum to `signed`
    pending: str = ""  # the trainee's progress note awaiting cosignature
    observation: str = ""
    ccrt: str = ""  # a relationship episode told in `visit`
    measure: str = ""
    theme: str = ""  # a practice theme's code
    missing: str = field(default_factory=lambda: str(uuid.uuid4()))  # no object has this id
    etags: dict[str, str] = field(default_factory=dict)


Value = Callable[[Scene], Any]
Before = Callable[[Scene, httpx.AsyncClient], Awaitable[None]]


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
    headers: dict[str, str] = field(default_factory=dict)  # values formatted like `path`
    actor: str | None = None  # for logins: whose identity the event records
    names_created: bool = False  # the event also names the created client (response "id")
    before: Before | None = None  # what the scene needs first (its own events are not checked)

    @property
    def glass(self) -> bool:
        """Whether the request breaks the glass."""
        return "X-Break-Glass-Reason" in self.headers


GLASS_HEADERS = {"X-Break-Glass-Reason": GLASS}
NEW_PASSWORD = "violet tugboat minds the harbour"  # noqa: S105 - a test password
PROGRESS_READERS = ("therapist", "supervisor", "key:progress:read")  # clinical record readers


def _client(s: Scene) -> set[str]:
    return {s.client}


def day(days_ago: int) -> str:
    """An ISO date `days_ago` days before today (UTC); negative for the future."""
    return (datetime.now(UTC).date() - timedelta(days=days_ago)).isoformat()


def if_match(name: str) -> dict[str, str]:
    """An If-Match header naming one of the Scene's ETags (formatted when the row runs)."""
    return {"If-Match": f"{{etags[{name}]}}"}


def fixed_json(value: dict[str, Any]) -> Value:
    """A fixed JSON body."""
    return lambda s: value


def situations(
    method: str,
    route: str,
    action: str,
    path: str,
    *,
    allowed: tuple[str, ...] = ("therapist",),
    status: int = 200,
    denied: tuple[str, ...] = ("admin",),
    missing: str | None = "other:therapist",
    missing_path: str | None = None,
    glass: bool = False,
    clients: Value | None = _client,
    denied_name_clients: bool = True,
    missing_clients: Value | None = None,
    json: Value | None = None,
    headers: dict[str, str] | None = None,
    before: Before | None = None,
) -> list[Case]:
    """The rows of one route: each allowed caller; each refused one (403); a caller for whom
    the object does not exist (404, naming no client unless `missing_clients`); and, with
    `glass`, therapist2 from outside the care team breaking the glass (purpose ETREAT).
    """
    extra = headers or {}
    refused = clients if denied_name_clients else None
    rows = [
        Case(
            who,
            method,
            path,
            route,
            status,
            action,
            "success",
            clients,
            json=json,
            headers=extra,
            before=before,
        )
        for who in allowed
    ]
    rows += [
        Case(
            who,
            method,
            path,
            route,
            403,
            action,
            "denied",
            refused,
            json=json,
            headers=extra,
            before=before,
        )
        for who in denied
    ]
    if missing is not None:
        rows.append(
            Case(
                missing,
                method,
                missing_path or path,
                route,
                404,
                action,
                "not_found",
                # Another practice's client is none of the caller's practice's log (§2.1).
                None if missing.startswith("other:") else missing_clients,
                json=json,
                headers=extra,
                before=before,
            )
        )
    if glass:
        rows.append(
            Case(
                "therapist2",
                method,
                path,
                route,
                status,
                action,
                "success",
                clients,
                purpose="ETREAT",
                json=json,
                headers={**extra, "X-Break-Glass-Reason": GLASS},
                before=before,
            )
        )
    return rows


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
    # Passwords: an admin starts a reset; the token's holder sets one; a user changes their own.
    *[
        Case(
            who,
            "POST",
            "/v1/users/{world.members[therapist2].id}/password-reset",
            "/v1/users/{id}/password-reset",
            status,
            "user.password_reset",
            outcome,
        )
        for who, status, outcome in (
            ("admin", 200, "success"),
            ("therapist", 403, "denied"),
            ("key:clients:read", 403, "denied"),
            ("other:admin", 404, "not_found"),
        )
    ],
    Case(
        "anon",
        "POST",
        "/v1/auth/password-reset",
        "/v1/auth/password-reset",
        401,
        "auth.password_reset",
        "denied",
        json=lambda s: {"token": "nsp_unknown", "new_password": NEW_PASSWORD},
        purpose=None,
    ),
    *[
        Case(
            who,
            "POST",
            "/v1/me/password",
            "/v1/me/password",
            status,
            "me.password",
            outcome,
            json=lambda s: {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD},
            purpose=None if who == "anon" else "auto",
        )
        for who, status, outcome in (
            ("therapist2", 204, "success"),
            ("key:clients:read", 403, "denied"),
            ("anon", 401, "denied"),
        )
    ],
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
    *[
        Case(
            who,
            "GET",
            "/v1/api-keys/{keys[notes:read][0]}",
            "/v1/api-keys/{id}",
            status,
            "api_key.read",
            outcome,
        )
        for who, status, outcome in (
            ("admin", 200, "success"),
            ("supervisor", 200, "success"),
            ("therapist", 403, "denied"),
            ("auditor", 404, "not_found"),
            ("other:admin", 404, "not_found"),
        )
    ],
    Case("therapist", "GET", "/v1/api-keys", "/v1/api-keys", 403, "api_key.list", "denied"),
    *[
        Case(
            who,
            "POST",
            "/v1/api-keys/{keys[notes:read][0]}/approve",
            "/v1/api-keys/{id}/approve",
            status,
            "api_key.approve",
            outcome,
        )
        for who, status, outcome in (
            ("supervisor", 409, "error"),  # the operator's key awaits no approval
            ("admin", 403, "denied"),
            ("other:supervisor", 404, "not_found"),
        )
    ],
    *[
        Case(
            who,
            "POST",
            "/v1/api-keys/{keys[audit:read][0]}/rotate",
            "/v1/api-keys/{id}/rotate",
            status,
            "api_key.rotate",
            outcome,
            json=lambda s: {"grace_seconds": 3600},  # the old secret keeps working
        )
        for who, status, outcome in (
            ("auditor", 200, "success"),
            ("admin", 403, "denied"),
            ("supervisor", 403, "denied"),
            ("key:audit:read", 403, "denied"),
        )
    ],
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
        "/v1/api-keys/6a0c9a1e-4d6f-4c3a-9b1e-2f0d8c7b5a44",  # no key; fixed: it is in the test id
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
    Case(  # another practice's client is none of this practice's log (§2.1)
        "other:therapist",
        "GET",
        "/v1/clients/{client}",
        "/v1/clients/{id}",
        404,
        "client.read",
        "not_found",
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
    Case(  # refused by role; the event names the client the request aimed at (§6)
        "admin",
        "GET",
        "/v1/audit/clients/{client}/access-report",
        "/v1/audit/clients/{id}/access-report",
        403,
        "audit.access_report",
        "denied",
        clients=_client,
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
        "therapist",
        "GET",
        "/v1/audit/reviews/{missing}",
        "/v1/audit/reviews/{id}",
        403,
        "audit.review.read",
        "denied",
    ),
    Case(
        "auditor",
        "GET",
        "/v1/audit/reviews/{missing}",
        "/v1/audit/reviews/{id}",
        404,
        "audit.review.read",
        "not_found",
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
        clients=_client,  # among every client the practice's log names
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
    Case("therapist", "GET", "/v1/audit/export", "/v1/audit/export", 403, "audit.export", "denied"),
    Case(
        "therapist",
        "GET",
        "/v1/audit/events/{event}/proof",
        "/v1/audit/events/{id}/proof",
        403,
        "audit.proof.inclusion",
        "denied",
        clients=_client,  # the clients of the event it aimed at
    ),
    Case(
        "other:auditor",
        "GET",
        "/v1/audit/events/{event}/proof",
        "/v1/audit/events/{id}/proof",
        404,
        "audit.proof.inclusion",
        "not_found",
    ),
    Case(
        "therapist",
        "GET",
        "/v1/audit/consistency?first=0",
        "/v1/audit/consistency",
        403,
        "audit.proof.consistency",
        "denied",
    ),
    Case(
        "supervisor",
        "GET",
        "/v1/audit/checkpoints/latest",
        "/v1/audit/checkpoints/latest",
        403,
        "audit.checkpoint.read",
        "denied",
    ),
]
