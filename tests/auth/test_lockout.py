"""Lockout per account and source address, and per address across accounts (SPEC §3)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlmodel import col

from app.models import AuditEvent, LoginAttempt
from app.state import AppState
from tests.auth.support import client_at, fresh_address, login
from tests.conftest import World


async def test_five_failures_lock_the_pair_not_the_account(app: FastAPI, world: World) -> None:
    email = world["therapist"].email
    async with client_at(app, fresh_address()) as attacker:
        for n in range(5):
            assert (await login(attacker, email, f"guess-number-{n}")).status_code == 401
        locked = await login(attacker, email)
        assert locked.status_code == 429
        assert 1 <= int(locked.headers["Retry-After"]) <= 15 * 60 + 1
        # The attacker's address may still log in to other accounts.
        assert (await login(attacker, world["therapist2"].email)).status_code == 200
    async with client_at(app, fresh_address()) as owner:
        assert (await login(owner, email)).status_code == 200


async def test_a_success_clears_its_pair(app: FastAPI, world: World) -> None:
    email = world["auditor"].email
    async with client_at(app, fresh_address()) as typist:
        for _ in range(2):
            for n in range(4):
                assert (await login(typist, email, f"typo-number-{n}")).status_code == 401
            assert (await login(typist, email)).status_code == 200


async def test_one_address_spraying_many_accounts_is_throttled(
    app: FastAPI, world: World, state: AppState
) -> None:
    limit = state.settings.login_address_max_failures
    async with client_at(app, fresh_address()) as sprayer:
        for n in range(limit):
            email = f"sprayed-{n}-{uuid.uuid4().hex[:6]}@test.example"
            assert (await login(sprayer, email, "Summer2026!x")).status_code == 401
        throttled = await login(sprayer, world["supervisor"].email)
        assert throttled.status_code == 429
        assert int(throttled.headers["Retry-After"]) > 0
        assert "address" in throttled.json()["detail"]
    async with client_at(app, fresh_address()) as colleague:
        assert (await login(colleague, world["supervisor"].email)).status_code == 200


@pytest.mark.parametrize("proxy_header", ["X-Forwarded-For", "X-Real-IP", "Forwarded"])
async def test_proxy_headers_do_not_change_the_address(
    app: FastAPI, world: World, proxy_header: str
) -> None:
    email = world["trainee"].email
    async with client_at(app, fresh_address()) as attacker:
        for n in range(5):
            spoofed = {proxy_header: f"198.51.100.{n + 1}"}
            answer = await attacker.post(
                "/v1/auth/token",
                data={"username": email, "password": f"guess-number-{n}"},
                headers=spoofed,
            )
            assert answer.status_code == 401
        assert (await login(attacker, email)).status_code == 429


@pytest.mark.parametrize("burst", [7, 15])
async def test_guesses_sent_at_once_get_no_more_password_checks(
    app: FastAPI, world: World, state: AppState, burst: int
) -> None:
    """At most five of a burst reach a password check, and a burst larger than the pool is
    refused, not answered 503 (a failure no longer holds a second connection)."""
    email = world["therapist"].email
    async with client_at(app, fresh_address()) as attacker:
        answers = await asyncio.gather(
            *(login(attacker, email, f"guess-number-{n}") for n in range(burst))
        )
        statuses = sorted(a.status_code for a in answers)
        assert statuses.count(401) <= 5, statuses
        assert set(statuses) <= {401, 429}, statuses
        # Attempts that saw each other may all be refused; five counted failures lock.
        locked = statuses.count(401) == 5
        assert (await login(attacker, email)).status_code == (429 if locked else 200)
    async with state.sessionmaker() as db:
        counted = await db.scalar(
            select(func.count()).where(
                col(LoginAttempt.email) == email, col(LoginAttempt.succeeded).is_(False)
            )
        )
    assert counted == statuses.count(401)  # refused attempts are not counted
    async with client_at(app, fresh_address()) as owner:
        assert (await login(owner, email)).status_code == 200


async def test_a_locked_out_login_is_a_denial_of_that_account(
    app: FastAPI, world: World, state: AppState
) -> None:
    """The practice's auditor finds a guessing run against their staff (SPEC §2.1)."""
    email = world["therapist"].email
    async with client_at(app, fresh_address()) as attacker:
        for n in range(5):
            assert (await login(attacker, email, f"guess-number-{n}")).status_code == 401
        locked = await login(attacker, email, "guess-number-6")
        assert locked.status_code == 429
        rid = locked.headers["x-request-id"]
    async with state.sessionmaker() as db:
        [event] = (
            (await db.execute(select(AuditEvent).where(col(AuditEvent.request_id) == rid)))
            .scalars()
            .all()
        )
    assert (event.action, event.outcome, event.http_status) == ("auth.login", "denied", 429)
    assert event.practice_id == world.practice_id
    assert event.resource_id == str(world["therapist"].id)


async def test_one_ipv6_subscriber_is_throttled_across_its_64(app: FastAPI, world: World) -> None:
    """One IPv6 host holds a whole /64 and could take a new source address for every guess:
    its guesses count together. Another /64 still logs in."""
    email = world["therapist"].email
    tail = uuid.uuid4().hex
    prefix = f"2001:db8:{tail[:4]}:{tail[4:8]}"
    statuses = []
    for n in range(6):
        async with client_at(app, f"{prefix}::{n + 1:x}") as attacker:
            statuses.append((await login(attacker, email, f"guess-number-{n}")).status_code)
    assert statuses == [401] * 5 + [429], statuses
    async with client_at(app, f"2001:db8:{tail[8:12]}:{tail[12:16]}::1") as colleague:
        answer = await login(colleague, email)
        assert answer.status_code == 200, answer.text
