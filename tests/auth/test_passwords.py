"""Passwords are set by their owners only: invites, admin resets, one's own change (SPEC §2.1)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlmodel import col

from app.db import utcnow
from app.models import IdempotencyRecord, PasswordToken, User
from app.security.fields import unseal
from app.security.tokens import keyed_hash
from app.state import AppState
from tests.audit.conftest import events_of_request
from tests.auth.support import (
    NEW_PASSWORD,
    bearer,
    client_at,
    events,
    fresh_address,
    login,
)
from tests.conftest import TEST_PASSWORD, World
from tests.factories import make_api_key


def _new_user() -> dict[str, str]:
    return {
        "email": f"invited-{uuid.uuid4().hex[:8]}@test.example",
        "display_name": "Invited Colleague",
        "role": "therapist",
    }


async def _redeem(client: httpx.AsyncClient, token: str, password: str) -> httpx.Response:
    body = {"token": token, "new_password": password}
    return await client.post("/v1/auth/password-reset", json=body)


def _uniform(response: httpx.Response) -> dict[str, object]:
    """A problem body without the fields that differ per request."""
    return {k: v for k, v in response.json().items() if k not in ("request_id", "instance")}


async def test_admin_cannot_set_a_password_by_patch(
    client: httpx.AsyncClient, world: World
) -> None:
    target = world["therapist"]
    chosen = "the-admin-chose-this-one"
    patched = await client.patch(
        f"/v1/users/{target.id}", json={"password": chosen}, headers=world["admin"].headers
    )
    assert patched.status_code == 422, patched.text
    [error] = patched.json()["errors"]
    assert error["loc"] == ["body", "password"]
    assert "password-reset" in error["msg"]
    assert chosen not in patched.text
    assert (await login(client, target.email, chosen)).status_code == 401
    assert (await login(client, target.email)).status_code == 200


async def test_invited_user_sets_their_own_password(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    admin = world["admin"]
    body = _new_user()
    created = await client.post("/v1/users", json=body, headers=admin.headers)
    assert created.status_code == 201, created.text
    user = created.json()
    token = user["invite_token"]
    assert token.startswith("nsp_")
    # Nobody can log in before the invite is used, not even with an empty password.
    assert (await login(client, body["email"], "anything-at-all-123")).status_code == 401
    async with state.sessionmaker() as session:
        row = (
            await session.execute(
                select(PasswordToken).where(col(PasswordToken.user_id) == uuid.UUID(user["id"]))
            )
        ).scalar_one()
    assert row.purpose == "invite"
    assert row.token_hash == keyed_hash(state.secrets.api_key_pepper, token)
    assert token not in row.token_hash
    assert timedelta(hours=23) < row.expires_at - utcnow() <= timedelta(hours=24)

    assert (await _redeem(client, token, NEW_PASSWORD)).status_code == 204
    assert (await login(client, body["email"], NEW_PASSWORD)).status_code == 200
    again = await _redeem(client, token, "another fine passphrase")
    assert again.status_code == 401
    [created_event] = await events(state, "user.create", user["id"])
    assert (created_event.actor_type, created_event.actor_id) == ("user", admin.id)
    redeemed = await events(state, "auth.password_reset", user["id"])
    # The spent token's second use is refused as any unusable token is, and still names
    # the account it tried, for the practice's auditor (SPEC §2.1).
    assert sorted((e.actor_type, str(e.actor_id), e.http_status) for e in redeemed) == [
        ("anonymous", "None", 401),
        ("user", user["id"], 204),
    ]
    assert {e.practice_id for e in redeemed} == {world.practice_id}


async def test_admin_reset_revokes_everything_and_hands_out_one_token(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    admin, target = world["admin"], world["therapist"]
    tokens = (await login(client, target.email)).json()
    assert (await client.get("/v1/me", headers=bearer(tokens["access_token"]))).status_code == 200
    first = await client.post(f"/v1/users/{target.id}/password-reset", headers=admin.headers)
    assert first.status_code == 200, first.text
    assert first.json()["user_id"] == str(target.id)
    # At once: the access token, the refresh token, the fixture's token and the old password.
    assert (await client.get("/v1/me", headers=bearer(tokens["access_token"]))).status_code == 401
    assert (await client.get("/v1/me", headers=target.headers)).status_code == 401
    refresh = {"refresh_token": tokens["refresh_token"]}
    assert (await client.post("/v1/auth/refresh", json=refresh)).status_code == 401
    assert (await login(client, target.email)).status_code == 401
    # A second reset voids the first token.
    second = await client.post(f"/v1/users/{target.id}/password-reset", headers=admin.headers)
    assert (await _redeem(client, first.json()["reset_token"], NEW_PASSWORD)).status_code == 401
    assert (await _redeem(client, second.json()["reset_token"], NEW_PASSWORD)).status_code == 204
    assert (await login(client, target.email, NEW_PASSWORD)).status_code == 200
    started = await events(state, "user.password_reset", target.id)
    assert [(e.actor_id, e.http_status, e.practice_id) for e in started] == [
        (admin.id, 200, world.practice_id)
    ] * 2


async def test_unusable_tokens_answer_one_body(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    admin = world["admin"].headers
    used = (
        await client.post(f"/v1/users/{world['therapist'].id}/password-reset", headers=admin)
    ).json()["reset_token"]
    assert (await _redeem(client, used, NEW_PASSWORD)).status_code == 204
    expired = (
        await client.post(f"/v1/users/{world['therapist2'].id}/password-reset", headers=admin)
    ).json()["reset_token"]
    async with state.sessionmaker() as session:
        await session.execute(
            update(PasswordToken)
            .where(col(PasswordToken.user_id) == world["therapist2"].id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()
    answers = [
        await _redeem(client, token, "yet another fine passphrase")
        for token in (used, expired, "nsp_" + uuid.uuid4().hex, "not even the prefix")
    ]
    assert {a.status_code for a in answers} == {401}
    assert all(_uniform(a) == _uniform(answers[0]) for a in answers)
    assert (await login(client, world["therapist2"].email)).status_code == 401


@pytest.mark.parametrize(
    "weak", [" " * 12, "aaaaaaaaaaaa", "password1234", "Password123!", "123456789012", "short"]
)
async def test_weak_new_passwords_are_refused_everywhere(
    client: httpx.AsyncClient, world: World, weak: str
) -> None:
    reset = await client.post(
        f"/v1/users/{world['therapist2'].id}/password-reset", headers=world["admin"].headers
    )
    refused = await _redeem(client, reset.json()["reset_token"], weak)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["body", "new_password"]
    # The token was not spent on a refused password.
    assert (await _redeem(client, reset.json()["reset_token"], NEW_PASSWORD)).status_code == 204
    own = await client.post(
        "/v1/me/password",
        json={"current_password": TEST_PASSWORD, "new_password": weak},
        headers=world["therapist"].headers,
    )
    assert own.status_code == 422
    assert own.json()["errors"][0]["loc"] == ["body", "new_password"]
    assert (await login(client, world["therapist"].email)).status_code == 200


async def test_own_password_change(app: FastAPI, world: World, state: AppState) -> None:
    me = world["supervisor"]
    async with client_at(app, fresh_address()) as client:
        tokens = (await login(client, me.email)).json()
        headers = bearer(tokens["access_token"])
        wrong = await client.post(
            "/v1/me/password",
            json={"current_password": "not my password", "new_password": NEW_PASSWORD},
            headers=headers,
        )
        assert wrong.status_code == 422
        assert wrong.json()["detail"] == "Current password is wrong"
        changed = await client.post(
            "/v1/me/password",
            json={"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD},
            headers=headers,
        )
        assert changed.status_code == 204, changed.text
        # Every token of the user stops, this one included.
        assert (await client.get("/v1/me", headers=headers)).status_code == 401
        assert (await client.get("/v1/me", headers=me.headers)).status_code == 401
        refresh = {"refresh_token": tokens["refresh_token"]}
        assert (await client.post("/v1/auth/refresh", json=refresh)).status_code == 401
        assert (await login(client, me.email)).status_code == 401
        assert (await login(client, me.email, NEW_PASSWORD)).status_code == 200
    [event] = [e for e in await events(state, "me.password", me.id) if e.http_status == 204]
    assert (event.actor_type, event.actor_id) == ("user", me.id)


async def test_wrong_current_passwords_are_throttled_like_logins(
    app: FastAPI, world: World
) -> None:
    me = world["therapist"]
    body = {"current_password": "guess-number-x", "new_password": NEW_PASSWORD}
    async with client_at(app, fresh_address()) as client:
        for _ in range(5):
            answer = await client.post("/v1/me/password", json=body, headers=me.headers)
            assert answer.status_code == 422
        locked = await client.post(
            "/v1/me/password",
            json={"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD},
            headers=me.headers,
        )
        assert locked.status_code == 429
        assert int(locked.headers["Retry-After"]) > 0


@pytest.mark.parametrize("role", ["therapist", "supervisor", "auditor"])
async def test_only_admins_start_resets(
    client: httpx.AsyncClient, world: World, other_world: World, role: str
) -> None:
    target = f"/v1/users/{world['therapist2'].id}/password-reset"
    assert (await client.post(target, headers=world[role].headers)).status_code == 403
    foreign = await client.post(target, headers=other_world["admin"].headers)
    assert foreign.status_code == 404
    missing = await client.post(
        f"/v1/users/{uuid.uuid4()}/password-reset", headers=world["admin"].headers
    )
    assert _uniform(missing) == _uniform(foreign)
    assert (await login(client, world["therapist2"].email)).status_code == 200


async def test_api_keys_cannot_use_password_routes(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    key = await make_api_key(state, world, ["clients:read", "clients:write"])
    reset = await client.post(f"/v1/users/{world['therapist'].id}/password-reset", headers=key)
    assert reset.status_code == 403
    own = await client.post(
        "/v1/me/password",
        json={"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD},
        headers=key,
    )
    assert own.status_code == 403
    created = await client.post("/v1/users", json=_new_user(), headers=key)
    assert created.status_code == 403


async def test_replayed_create_never_repeats_the_invite(
    client: httpx.AsyncClient, world: World, other_world: World, state: AppState
) -> None:
    headers = {**world["admin"].headers, "Idempotency-Key": f"invite-{uuid.uuid4().hex}"}
    body = _new_user()
    first = await client.post("/v1/users", json=body, headers=headers)
    assert first.status_code == 201
    token = first.json()["invite_token"]
    replay = await client.post("/v1/users", json=body, headers=headers)
    assert replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json()["invite_token"] is None
    assert replay.json()["id"] == first.json()["id"]
    async with state.sessionmaker() as session:
        record = (
            await session.execute(
                select(IdempotencyRecord).where(
                    col(IdempotencyRecord.idempotency_key) == headers["Idempotency-Key"]
                )
            )
        ).scalar_one()
    assert token not in (unseal(state.secrets.key_ring, record, "response_body") or "")
    # Another admin with the same key runs a request of their own: the email is taken.
    theirs = {**other_world["admin"].headers, "Idempotency-Key": headers["Idempotency-Key"]}
    other = await client.post("/v1/users", json=body, headers=theirs)
    assert other.status_code == 409
    assert token not in other.text
    assert (await _redeem(client, token, NEW_PASSWORD)).status_code == 204


async def test_oversized_redeem_spends_nothing(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    reset = await client.post(
        f"/v1/users/{world['therapist2'].id}/password-reset", headers=world["admin"].headers
    )
    token = reset.json()["reset_token"]
    huge = {"token": token, "new_password": NEW_PASSWORD, "pad": "x" * (1024 * 1024)}
    too_large = await client.post("/v1/auth/password-reset", json=huge)
    assert too_large.status_code == 413
    assert (await _redeem(client, token, NEW_PASSWORD)).status_code == 204
    async with state.sessionmaker() as session:
        user = await session.get(User, world["therapist2"].id)
    assert user is not None
    assert user.password_hash.startswith("$argon2id$")


async def test_a_deactivation_ends_an_unspent_reset_token(
    client: httpx.AsyncClient, world: World
) -> None:
    """A reset token handed out before a deactivation no longer sets a password after a
    reactivation within its day: deactivation ends every token for good."""
    admin = world["admin"].headers
    target = world["therapist"]
    reset = await client.post(f"/v1/users/{target.id}/password-reset", headers=admin)
    assert reset.status_code == 200, reset.text
    for active in (False, True):
        changed = await client.patch(
            f"/v1/users/{target.id}", json={"active": active}, headers=admin
        )
        assert changed.status_code == 200, changed.text
    redeemed = await client.post(
        "/v1/auth/password-reset",
        json={"token": reset.json()["reset_token"], "new_password": NEW_PASSWORD},
    )
    assert redeemed.status_code == 401, redeemed.text
    # A reset started after the reactivation works.
    again = await client.post(f"/v1/users/{target.id}/password-reset", headers=admin)
    redeemed = await client.post(
        "/v1/auth/password-reset",
        json={"token": again.json()["reset_token"], "new_password": NEW_PASSWORD},
    )
    assert redeemed.status_code == 204, redeemed.text


async def test_an_attempt_with_a_token_ended_by_deactivation_names_the_account(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """Ended, not deleted: the practice's auditor finds an attempt with a leaked link."""
    admin = world["admin"].headers
    target = world["therapist"]
    reset = await client.post(f"/v1/users/{target.id}/password-reset", headers=admin)
    assert reset.status_code == 200, reset.text
    off = await client.patch(f"/v1/users/{target.id}", json={"active": False}, headers=admin)
    assert off.status_code == 200, off.text
    rid = uuid.uuid4().hex
    tried = await client.post(
        "/v1/auth/password-reset",
        json={"token": reset.json()["reset_token"], "new_password": NEW_PASSWORD},
        headers={"X-Request-ID": rid},
    )
    assert tried.status_code == 401, tried.text
    [event] = await events_of_request(state, rid)
    assert (event.practice_id, event.resource_type, event.resource_id) == (
        world.practice_id,
        "user",
        str(target.id),
    )
