"""Setting passwords: invites, admin resets, their one-time tokens, one's own change (SPEC §2.1).

Nobody sets another person's password. An invite or a reset hands out a one-time token,
stored only as a keyed hash and valid 24 hours; whoever holds it chooses the password at
`POST /v1/auth/password-reset`. Every change of a password ends every token of the user.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.audit.context import AuditContext
from app.auth import lockout
from app.auth.service import revoke_every_token
from app.db import utcnow
from app.errors import Unauthorized, Unprocessable
from app.etag import bump_version
from app.models import PasswordToken, User
from app.security.passwords import NO_PASSWORD
from app.security.tokens import keyed_hash
from app.state import AppState

PREFIX = "nsp_"  # noqa: S105 - the token prefix, not a secret
LIFETIME = timedelta(hours=24)
# One answer for an unknown, used, superseded or expired token: which it was stays unsaid.
INVALID_TOKEN = "Invalid or expired password token"  # noqa: S105 - a message
WRONG_PASSWORD = "Current password is wrong"  # noqa: S105 - a message

Purpose = Literal["invite", "reset"]


async def issue_token(
    *,
    session: AsyncSession,
    pepper: bytes,
    user: User,
    purpose: Purpose,
    created_by: uuid.UUID | None,
) -> tuple[str, datetime]:
    """A new one-time token for the user (earlier unused ones stop working); shown once."""
    await session.execute(
        delete(PasswordToken).where(
            col(PasswordToken.user_id) == user.id, col(PasswordToken.used_at).is_(None)
        )
    )
    token = PREFIX + secrets.token_urlsafe(32)
    expires_at = utcnow() + LIFETIME
    session.add(
        PasswordToken(
            practice_id=user.practice_id,
            user_id=user.id,
            purpose=purpose,
            token_hash=keyed_hash(pepper, token),
            created_by=created_by,
            expires_at=expires_at,
        )
    )
    await session.flush()
    return token, expires_at


async def start_reset(
    *, session: AsyncSession, pepper: bytes, user: User, created_by: uuid.UUID | None
) -> tuple[str, datetime]:
    """Revoke every token and the password of the user; return a one-time reset token."""
    await revoke_every_token(session, user)
    user.password_hash = NO_PASSWORD
    await _touch(session, user)
    return await issue_token(
        session=session, pepper=pepper, user=user, purpose="reset", created_by=created_by
    )


async def redeem(
    *, session: AsyncSession, state: AppState, ctx: AuditContext, token: str, new_password: str
) -> User:
    """Spend a one-time token on a new password; any unusable token is one uniform 401."""
    digest = keyed_hash(state.secrets.api_key_pepper, token)
    found = (
        await session.execute(
            select(PasswordToken, User)
            .join(User, col(User.id) == col(PasswordToken.user_id))
            .where(col(PasswordToken.token_hash) == digest)
        )
    ).first()
    if found is None:
        raise Unauthorized(INVALID_TOKEN)
    stored, user = found
    # A token that exists names its account, spent or not: an attempt with a used or expired
    # one is found by the practice's auditor (SPEC §2.1), as a reused refresh token is. The
    # answer stays the one 401 of any unusable token.
    ctx.practice_id = user.practice_id
    ctx.target("user", user.id)
    now = utcnow()
    if stored.used_at is not None or stored.expires_at <= now or not user.active:
        raise Unauthorized(INVALID_TOKEN)
    # Spent by a conditional update, so two concurrent redemptions cannot both succeed.
    spent = await session.execute(
        update(PasswordToken)
        .where(col(PasswordToken.id) == stored.id, col(PasswordToken.used_at).is_(None))
        .values(used_at=now)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise Unauthorized(INVALID_TOKEN)
    ctx.actor_type, ctx.actor_id, ctx.actor_role = "user", user.id, user.role
    await set_password(session=session, state=state, user=user, password=new_password)
    return user


async def change_own(
    *,
    session: AsyncSession,
    state: AppState,
    ctx: AuditContext,
    user_id: uuid.UUID,
    current_password: str,
    new_password: str,
) -> None:
    """Change one's own password after proving the current one (throttled like a login)."""
    user = (await session.execute(select(User).where(col(User.id) == user_id))).scalar_one()
    attempt = await lockout.attempt(state=state, email=user.email, source_ip=ctx.source_ip)
    if not state.passwords.verify(user.password_hash, current_password):
        raise Unprocessable(WRONG_PASSWORD)  # counted as a failure already
    await lockout.succeeded(session, attempt)
    await set_password(session=session, state=state, user=user, password=new_password)


async def set_password(
    *, session: AsyncSession, state: AppState, user: User, password: str
) -> None:
    """Store a new password (already checked against the policy) and end every token."""
    user.password_hash = state.passwords.hash(password)
    await _touch(session, user)
    await revoke_every_token(session, user)
    await session.flush()


async def _touch(session: AsyncSession, user: User) -> None:
    """The user's record changed: a new version (ETag) and `updated_at`."""
    user.updated_at = utcnow()
    await bump_version(session, user, None)
