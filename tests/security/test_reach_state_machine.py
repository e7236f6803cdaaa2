"""SPEC §2.1 as a state machine: no sequence of calls gives anyone more reach than §2 does.

Hypothesis drives random sequences of the writes that decide reach — primary-therapist and
care-team changes (by anyone, with and without break-the-glass, by keys), role, supervisor
and active changes of users, API keys created and revoked — and checks after every step
that each user and key reaches exactly the clients a model of §2 gives them, the model being
changed only by the writes §2.1 allows. Every refused write must be refused with the status
§2 names, and must change nothing.

The machine runs in a worker thread; its requests run on the suite's event loop, where the
app lives. `NOTES_REACH_EXAMPLES` sets the number of examples (200 by default, more under
`make test-deep`).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from app.state import AppState
from tests.conftest import World, build_world
from tests.factories import make_api_key

T = TypeVar("T")
EXAMPLES = int(os.environ.get("NOTES_REACH_EXAMPLES", "200"))
REASON = "Covering for an absent colleague during a crisis call"
USERS = ("admin", "therapist", "therapist2", "supervisor", "trainee", "auditor")
CLINICAL = ("therapist", "supervisor")
READ_SCOPES = ("clients:read", "clients:write", "sessions:read", "progress:read")


@dataclass
class Person:
    """What the model knows of a user."""

    id: uuid.UUID
    headers: dict[str, str]
    role: str
    supervisor: str | None = None
    active: bool = True
    # Their tokens ended (a deactivation, or a reset they could not redeem while inactive).
    signed_out: bool = False

    @property
    def usable(self) -> bool:
        """Whether their token still works."""
        return self.active and not self.signed_out


@dataclass
class Record:
    """What the model knows of a client."""

    id: str
    primary: str
    team: set[str] = field(default_factory=set)
    # How it was created, to replay the creation with its Idempotency-Key.
    creator: str = ""
    created_with: dict[str, Any] = field(default_factory=dict)
    # The creator's role then: the stored answer shows what that role could see.
    created_as: str = ""


@dataclass
class Key:
    """An API key and its scopes."""

    headers: dict[str, str]
    scopes: frozenset[str]
    revoked: bool = False
    id: str = ""


class ReachMachine(RuleBasedStateMachine):
    """One practice per example; see the module docstring."""

    loop: asyncio.AbstractEventLoop
    http: httpx.AsyncClient
    login_http: httpx.AsyncClient
    state: AppState

    clients = Bundle("clients")
    keys = Bundle("keys")

    def __init__(self) -> None:
        super().__init__()
        world: World = self._run(build_world(self.state, USERS))
        self.people = {
            name: Person(world[name].id, world[name].headers, world[name].role) for name in USERS
        }
        self.people["trainee"].supervisor = "supervisor"
        self.world = world
        self.emails = {name: world[name].email for name in USERS}
        self.records: dict[str, Record] = {}
        self.all_keys: list[Key] = []

    # -- plumbing ------------------------------------------------------------------------

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=120)

    def _send(self, method: str, url: str, headers: dict[str, str], **kw: Any) -> httpx.Response:
        return self._run(self.http.request(method, url, headers=headers, **kw))

    def _etag(self, client_id: str) -> str:
        got = self._send("GET", f"/v1/clients/{client_id}", self.people["admin"].headers)
        assert got.status_code == 200, got.text
        return got.headers["ETag"]

    # -- the model of §2 -----------------------------------------------------------------

    def _reaches(self, name: str, record: Record) -> bool:
        person = self.people[name]
        if not person.active or person.role == "auditor":
            return False
        if person.role == "admin":
            return True
        own = record.primary == name or name in record.team
        if own or person.role != "supervisor":
            return own
        supervised = {n for n, p in self.people.items() if p.supervisor == name}
        return record.primary in supervised or bool(record.team & supervised)

    def _may_change_reach(self, name: str, record: Record) -> bool:
        person = self.people[name]
        if person.role == "admin":
            return True
        if person.role not in CLINICAL or not self._reaches(name, record):
            return False
        return record.primary == name or self.people[record.primary].supervisor == name

    def _expected_write(self, name: str, record: Record, *, reach_change: bool) -> int:
        person = self.people[name]
        if not person.usable:
            return 401
        if person.role == "auditor":
            return 403
        if not self._reaches(name, record):
            return 404
        if reach_change and not self._may_change_reach(name, record):
            return 403
        return 200

    def _clinicians(self) -> list[str]:
        return [n for n, p in self.people.items() if p.role in CLINICAL and p.active]

    # -- rules ---------------------------------------------------------------------------

    @initialize(target=clients)
    def first_client(self) -> str:
        """The therapist's client with the trainee on its care team (a colleague who reaches
        the client without being its primary therapist)."""
        client_id = self._create("therapist", "therapist")
        headers = self.people["therapist"].headers | {"If-Match": self._etag(client_id)}
        ids = [str(self.people["trainee"].id)]
        put = self._send(
            "PUT", f"/v1/clients/{client_id}/care-team", headers, json={"user_ids": ids}
        )
        assert put.status_code == 200, put.text
        self.records[client_id].team = {"trainee"}
        return client_id

    @rule(target=clients, creator=st.sampled_from(USERS), primary=st.sampled_from(USERS))
    def create_client(self, creator: str, primary: str) -> str:
        return self._create(creator, primary)

    def _create(self, creator: str, primary: str) -> str:
        """A clinician creating a client becomes primary; else the admin names one."""
        body: dict[str, Any] = {"given_name": "Model", "family_name": "Client"}
        person = self.people[creator]
        if not (person.usable and person.role in CLINICAL):
            creator = "admin"  # the one user no rule changes
            body["primary_therapist_id"] = str(self.people[primary].id)
        else:
            primary = creator
        key = {"Idempotency-Key": f"create-{uuid.uuid4().hex}"}
        made = self._send("POST", "/v1/clients", self.people[creator].headers | key, json=body)
        target = self.people[primary]
        if not (target.active and target.role in CLINICAL):
            assert made.status_code == 422, made.text
            return next(iter(self.records))
        assert made.status_code == 201, made.text
        record = Record(
            id=made.json()["id"],
            primary=primary,
            creator=creator,
            created_with=key | body,
            created_as=self.people[creator].role,
        )
        self.records[record.id] = record
        return record.id

    @rule(
        client=clients,
        actor=st.sampled_from(USERS),
        new_primary=st.sampled_from(USERS),
        glass=st.booleans(),
    )
    def change_primary(self, client: str, actor: str, new_primary: str, glass: bool) -> None:
        record = self.records[client]
        target = self.people[new_primary]
        headers = dict(self.people[actor].headers)
        if glass:
            headers["X-Break-Glass-Reason"] = REASON
        headers["If-Match"] = self._etag(client)
        sent = self._send(
            "PATCH",
            f"/v1/clients/{client}",
            headers,
            json={"primary_therapist_id": str(target.id)},
        )
        expected = self._expected_write(actor, record, reach_change=new_primary != record.primary)
        if glass and self.people[actor].usable:
            expected = 403  # break-the-glass opens reads only (and is for clinicians only)
        if expected == 200 and (target.role not in CLINICAL or not target.active):
            expected = 422  # a primary therapist must be an active clinician
        assert sent.status_code == expected, (actor, new_primary, glass, sent.text)
        if sent.status_code == 200:
            record.primary = new_primary

    @rule(
        client=clients,
        actor=st.sampled_from(USERS),
        members=st.sets(st.sampled_from(USERS), max_size=3),
        glass=st.booleans(),
    )
    def replace_team(self, client: str, actor: str, members: set[str], glass: bool) -> None:
        record = self.records[client]
        headers = dict(self.people[actor].headers)
        if glass:
            headers["X-Break-Glass-Reason"] = REASON
        headers["If-Match"] = self._etag(client)
        ids = [str(self.people[m].id) for m in sorted(members)]
        sent = self._send("PUT", f"/v1/clients/{client}/care-team", headers, json={"user_ids": ids})
        expected = self._expected_write(actor, record, reach_change=True)
        if glass and self.people[actor].usable:
            expected = 403
        if expected == 200 and any(
            self.people[m].role not in CLINICAL or not self.people[m].active for m in members
        ):
            expected = 422  # the team holds active clinicians only
        assert sent.status_code == expected, (actor, members, glass, sent.text)
        if sent.status_code == 200:
            record.team = set(members)

    @rule(
        actor=st.sampled_from(USERS),
        who=st.sampled_from(USERS[1:5]),
        supervisor=st.sampled_from((None, "supervisor", "therapist")),
    )
    def set_supervisor(self, actor: str, who: str, supervisor: str | None) -> None:
        if who == supervisor:
            return
        value = None if supervisor is None else str(self.people[supervisor].id)
        sent = self._send(
            "PATCH",
            f"/v1/users/{self.people[who].id}",
            self.people[actor].headers,
            json={"supervisor_id": value},
        )
        if not self.people[actor].usable:
            assert sent.status_code == 401, sent.text
            return
        if self.people[actor].role != "admin":
            assert sent.status_code == 403, sent.text
            return
        if sent.status_code == 200:
            self.people[who].supervisor = supervisor
        else:  # e.g. a supervisor that is not a supervisor by role
            assert sent.status_code == 422, sent.text

    @rule(
        who=st.sampled_from(USERS[1:]),
        role=st.sampled_from(("therapist", "supervisor", "auditor", "admin")),
    )
    def change_role(self, who: str, role: str) -> None:
        sent = self._send(
            "PATCH",
            f"/v1/users/{self.people[who].id}",
            self.people["admin"].headers,
            json={"role": role},
        )
        if sent.status_code == 200:
            self.people[who].role = role
        else:
            assert sent.status_code in (409, 422), sent.text

    @rule(who=st.sampled_from(USERS[1:]), active=st.booleans())
    def set_active(self, who: str, active: bool) -> None:
        sent = self._send(
            "PATCH",
            f"/v1/users/{self.people[who].id}",
            self.people["admin"].headers,
            json={"active": active},
        )
        if sent.status_code == 200:
            person = self.people[who]
            # Deactivation ends their tokens for good: reactivated, they need a new sign-in.
            person.signed_out = person.signed_out or (person.active and not active)
            person.active = active
        else:
            assert sent.status_code in (409, 422), sent.text

    @rule(who=st.sampled_from(USERS[1:]), actor=st.sampled_from(USERS))
    def reset_password(self, who: str, actor: str) -> None:
        """Only an admin starts a reset; it ends the user's tokens; the user sets a password."""
        person = self.people[who]
        started = self._send(
            "POST", f"/v1/users/{person.id}/password-reset", self.people[actor].headers
        )
        caller = self.people[actor]
        if not caller.usable:
            assert started.status_code == 401, started.text
            return
        if caller.role != "admin":
            assert started.status_code == 403, started.text
            return
        assert started.status_code in (200, 201), started.text
        assert self._send("GET", "/v1/me", person.headers).status_code == 401
        token = started.json()["reset_token"]
        password = f"Fresh {uuid.uuid4().hex} passphrase"
        redeemed = self._send(
            "POST",
            "/v1/auth/password-reset",
            {},
            json={"token": token, "new_password": password},
        )
        if not person.active:
            assert redeemed.status_code == 401, redeemed.text
            person.signed_out = True
            return
        assert redeemed.status_code == 204, redeemed.text
        # From an address of its own: other tests lock 127.0.0.1 on purpose (spraying).
        login = self._run(
            self.login_http.post(
                "/v1/auth/token", data={"username": self.emails[who], "password": password}
            )
        )
        assert login.status_code == 200, login.text
        person.headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        person.signed_out = False

    @precondition(lambda self: len(self.all_keys) < 3)
    @rule(target=keys, scopes=st.sets(st.sampled_from(READ_SCOPES), min_size=1))
    def create_key(self, scopes: set[str]) -> Key:
        headers = self._run(make_api_key(self.state, self.world, sorted(scopes)))
        key = Key(headers=headers, scopes=frozenset(scopes))
        self.all_keys.append(key)
        return key

    @rule(key=consumes(keys))
    def revoke_key(self, key: Key) -> None:
        me = self._send("GET", "/v1/me", key.headers)
        assert me.status_code == 200, me.text
        gone = self._send("DELETE", f"/v1/api-keys/{me.json()['id']}", self.people["admin"].headers)
        assert gone.status_code == 204, gone.text
        key.revoked = True

    @rule(client=clients)
    def replay_creation(self, client: str) -> None:
        """A replay answers the stored 201 while its caller, in that role, reaches the client."""
        record = self.records[client]
        creator = self.people[record.creator]
        body = dict(record.created_with)
        key = {"Idempotency-Key": body.pop("Idempotency-Key")}
        again = self._send("POST", "/v1/clients", creator.headers | key, json=body)
        if not creator.usable:
            expected = 401
        elif creator.role == "auditor":
            expected = 403
        elif not self._reaches(record.creator, record):
            expected = 404
        elif creator.role != record.created_as:
            expected = 409  # never replayed to another role than it was made for
        else:
            expected = 201
        assert again.status_code == expected, (record.creator, again.text)
        if expected == 201:
            assert again.headers["Idempotent-Replayed"] == "true"
            assert again.json()["id"] == client

    @rule(client=clients, actor=st.sampled_from(USERS), glass=st.booleans())
    def read_one(self, client: str, actor: str, glass: bool) -> None:
        """One client read, the single-resource path (the lists below take another)."""
        record = self.records[client]
        person = self.people[actor]
        headers = dict(person.headers)
        if glass:
            headers["X-Break-Glass-Reason"] = REASON
        got = self._send("GET", f"/v1/clients/{client}", headers)
        if not person.usable:
            expected = 401
        elif glass and person.role not in CLINICAL:
            expected = 403
        elif glass:
            expected = 200  # break-the-glass reads any client of the practice
        elif person.role == "auditor":
            expected = 403
        else:
            expected = 200 if self._reaches(actor, record) else 404
        assert got.status_code == expected, (actor, glass, got.text)

    # -- the invariant -------------------------------------------------------------------

    @invariant()
    def everyone_reaches_exactly_their_clients(self) -> None:
        if not self.records:
            return
        for name, person in self.people.items():
            listed = self._send("GET", "/v1/clients", person.headers, params={"limit": 200})
            if not person.usable:
                assert listed.status_code == 401, (name, listed.text)
                continue
            if person.role == "auditor":
                assert listed.status_code == 403, (name, listed.text)
                continue
            assert listed.status_code == 200, (name, listed.text)
            got = {item["id"] for item in listed.json()["items"]}
            want = {r.id for r in self.records.values() if self._reaches(name, r)}
            assert got == want, (name, person, sorted(self.records.values(), key=str))
        for key in self.all_keys:
            listed = self._send("GET", "/v1/clients", key.headers, params={"limit": 200})
            if key.revoked:
                assert listed.status_code == 401, listed.text
            elif "clients:read" not in key.scopes:
                assert listed.status_code == 403, listed.text
            else:
                assert {i["id"] for i in listed.json()["items"]} == set(self.records)


@pytest.mark.slow
async def test_no_sequence_of_calls_widens_reach(
    app: FastAPI, client: httpx.AsyncClient, state: AppState
) -> None:
    """At least 200 random sequences per database (more with NOTES_REACH_EXAMPLES)."""
    loop = asyncio.get_running_loop()

    class Machine(ReachMachine):
        pass

    transport = httpx.ASGITransport(app=app, client=("198.51.100.23", 40000))
    login_http = httpx.AsyncClient(transport=transport, base_url="http://testserver")
    Machine.loop, Machine.http, Machine.state = loop, client, state
    Machine.login_http = login_http
    run_settings = settings(
        max_examples=EXAMPLES,
        stateful_step_count=8,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=False,
    )
    async with login_http:
        await loop.run_in_executor(
            None, lambda: run_state_machine_as_test(Machine, settings=run_settings)
        )
