"""Login with throttling, rotating refresh tokens, logout."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import NoReturn

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.audit.context import AuditContext
from app.auth import lockout
from app.db import utcnow, uuid7
from app.errors import Unauthorized
from app.models import PasswordToken, RefreshToken, RevokedAccessToken, User
from app.security.tokens import issue_access_token, keyed_hash, new_refresh_token
from app.state import AppState


async def login(
    *, session: AsyncSession, state: AppState, ctx: AuditContext, email: str, password: str
) -> tuple[str, int, str]:
    """Check a password and open a new refresh-token family."""
    email = email.strip().lower()
    attempt = await lockout.attempt(state=state, email=email, source_ip=ctx.source_ip, ctx=ctx)
    user = (
        await session.execute(select(User).where(col(User.email) == email))
    ).scalar_one_or_none()
    if user is not None:
        ctx.practice_id = user.practice_id
        ctx.target("user", user.id)
    ok = state.passwords.verify(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        raise Unauthorized("Wrong email or password")  # counted as a failure already
    ctx.actor_type, ctx.actor_id, ctx.actor_role = "user", user.id, user.role
    await lockout.succeeded(session, attempt)
    return await _issue(session=session, state=state, user=user, family_id=uuid7())


async def _issue(
    *, session: AsyncSession, state: AppState, user: User, family_id: uuid.UUID
) -> tuple[str, int, str]:
    access, expires_in = issue_access_token(
        settings=state.settings,
        secret=state.secrets.jwt_secret,
        user_id=user.id,
        practice_id=user.practice_id,
        role=user.role,
        epoch=user.token_epoch,
        family_id=family_id,
    )
    refresh = new_refresh_token()
    now = utcnow()
    session.add(
        RefreshToken(
            practice_id=user.practice_id,
            user_id=user.id,
            family_id=family_id,
            token_hash=keyed_hash(state.secrets.api_key_pepper, refresh),
            issued_at=now,
            expires_at=now + timedelta(days=state.settings.refresh_token_days),
        )
    )
    return access, expires_in, refresh


async def _revoke_family(session: AsyncSession, family_id: uuid.UUID) -> None:
    """Revoke a family's refresh tokens; its access tokens stop too (app/security/caller.py)."""
    await session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.family_id) == family_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


async def revoke_every_token(session: AsyncSession, user: User) -> None:
    """End every token of a user at once (a password change or reset, a deactivation):
    access and refresh tokens, and the invite or reset tokens not yet spent."""
    user.token_epoch += 1
    session.add(user)
    await session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.user_id) == user.id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    # Ended, not deleted: an attempt with one still names its account (SPEC §2.1).
    now = utcnow()
    await session.execute(
        update(PasswordToken)
        .where(
            col(PasswordToken.user_id) == user.id,
            col(PasswordToken.used_at).is_(None),
            col(PasswordToken.expires_at) > now,
        )
        .values(expires_at=now)
    )


async def refresh(
    *, session: AsyncSession, state: AppState, ctx: AuditContext, token: str
) -> tuple[str, int, str]:
    """Rotate a refresh token; a reused (already rotated) token revokes the whole family."""
    digest = keyed_hash(state.secrets.api_key_pepper, token)
    row = (
        await session.execute(
            select(RefreshToken, User)
            .join(User, col(User.id) == col(RefreshToken.user_id))
            .where(col(RefreshToken.token_hash) == digest)
            .with_for_update(of=RefreshToken)
        )
    ).first()
    if row is None:
        raise Unauthorized("Invalid refresh token")
    stored, user = row
    # The account is named at once; its user is the actor only once the token proves it: a
    # replayed (stolen) or expired one is an anonymous attempt on the account, as a failed
    # login is, not the user's own act.
    ctx.practice_id = user.practice_id
    ctx.target("user", user.id)
    if stored.rotated_at is not None or stored.revoked_at is not None:
        await _reused(session, state, stored.family_id)
    if stored.expires_at <= utcnow() or not user.active:
        raise Unauthorized("Refresh token expired")
    # Rotated only if nobody rotated it since it was read: where the row lock above is no
    # lock (SQLite), two requests with one token would otherwise both get a new one.
    rotated = await session.execute(
        update(RefreshToken)
        .where(
            col(RefreshToken.id) == stored.id,
            col(RefreshToken.rotated_at).is_(None),
            col(RefreshToken.revoked_at).is_(None),
        )
        .values(rotated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if rotated.rowcount != 1:  # type: ignore[attr-defined]
        await _reused(session, state, stored.family_id)
    ctx.actor_type, ctx.actor_id, ctx.actor_role = "user", user.id, user.role
    return await _issue(session=session, state=state, user=user, family_id=stored.family_id)


async def _reused(session: AsyncSession, state: AppState, family_id: uuid.UUID) -> NoReturn:
    """Reuse means the token leaked: revoke the family, committed even though we answer 401.

    Our row lock is released first so the separate transaction does not wait on us.
    """
    await session.rollback()
    async with state.sessionmaker() as own:
        await _revoke_family(own, family_id)
        await own.commit()
    raise Unauthorized("Refresh token already used or revoked")


async def logout(
    *,
    session: AsyncSession,
    state: AppState,
    user_id: uuid.UUID,
    practice_id: uuid.UUID,
    jti: str | None,
    token: str | None,
    family_id: uuid.UUID | None = None,
) -> None:
    """Revoke the current access token, the family it was issued from, and the presented
    refresh token's family: a logout without a body ends the refresh token too."""
    if family_id is not None:
        await session.execute(
            update(RefreshToken)
            .where(
                col(RefreshToken.family_id) == family_id,
                col(RefreshToken.user_id) == user_id,
                col(RefreshToken.revoked_at).is_(None),
            )
            .values(revoked_at=utcnow())
        )
    if token:
        digest = keyed_hash(state.secrets.api_key_pepper, token)
        stored = (
            await session.execute(
                select(RefreshToken).where(
                    col(RefreshToken.token_hash) == digest, col(RefreshToken.user_id) == user_id
                )
            )
        ).scalar_one_or_none()
        if stored is not None:
            await _revoke_family(session, stored.family_id)
    if jti:
        # A twin logout with the same token may have revoked it meanwhile: nothing to add.
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        await session.execute(
            insert(RevokedAccessToken)
            .values(
                jti=jti,
                practice_id=practice_id,
                expires_at=utcnow() + timedelta(minutes=state.settings.access_token_minutes),
            )
            .on_conflict_do_nothing(index_elements=["jti"])
        )
