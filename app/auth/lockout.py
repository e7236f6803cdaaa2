"""Login throttling per account and source address, counted in the database (SPEC §3).

Five failures for one account from one address lock that pair for the window; another
address can still log in to the account, so nobody can lock a colleague out from afar. One
address spraying many accounts (or unknown emails) is throttled as a whole once its failures
reach the address limit. A success clears its pair's count, not the address's: an attacker
who owns one account must not wash their spraying with it.
"""

from __future__ import annotations

import ipaddress
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.audit.context import AuditContext
from app.config import Settings
from app.db import utcnow
from app.errors import TooManyRequests
from app.models import LoginAttempt, User
from app.state import AppState


def address(source_ip: str | None) -> str:
    """The stored form of a source address (the ASGI client; proxies are not trusted).

    An IPv6 source counts as its /64: one subscriber holds a whole /64 and could take a
    fresh address for every guess. An IPv4-mapped one counts as its IPv4 address.
    """
    try:
        parsed = ipaddress.ip_address(source_ip or "")
    except ValueError:
        return (source_ip or "")[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


async def attempt(
    *, state: AppState, email: str, source_ip: str | None, ctx: AuditContext | None = None
) -> uuid.UUID:
    """Count this attempt as a failure before its password is checked; 429 when over a limit.

    Counted first, in a transaction of its own, so that attempts running at once see each
    other: at most the limit of them get to a password check, however many are sent together.
    One connection, released before the request's own work. A refused attempt is not counted
    (its row goes again), so the lock ends when the window of the counted failures does.
    """
    ip = address(source_ip)
    async with state.sessionmaker() as own:
        account = (
            await own.execute(
                sa.select(col(User.id), col(User.practice_id)).where(col(User.email) == email)
            )
        ).first()
        practice_id = None if account is None else account.practice_id
        if account is not None and ctx is not None:
            # A refused attempt is attributed too (SPEC §2.1): the practice's auditor finds
            # a guessing run against their staff.
            ctx.practice_id = account.practice_id
            ctx.target("user", account.id)
        row = LoginAttempt(practice_id=practice_id, email=email, source_ip=ip, succeeded=False)
        own.add(row)
        await own.commit()
        try:
            await _check(own, state.settings, email, ip)
        except TooManyRequests:
            await own.execute(sa.delete(LoginAttempt).where(col(LoginAttempt.id) == row.id))
            await own.commit()
            raise
    return row.id


async def _check(session: AsyncSession, settings: Settings, email: str, ip: str) -> None:
    """429 with Retry-After while the pair or the address has more failures than allowed.

    The count includes the attempt being made.
    """
    window = timedelta(minutes=settings.login_window_minutes)
    now = utcnow()
    since = now - window
    last_success = await session.scalar(
        sa.select(sa.func.max(col(LoginAttempt.attempted_at))).where(
            col(LoginAttempt.email) == email,
            col(LoginAttempt.source_ip) == ip,
            col(LoginAttempt.succeeded).is_(True),
            col(LoginAttempt.attempted_at) >= since,
        )
    )
    pair: sa.ColumnElement[bool] = col(LoginAttempt.email) == email
    if last_success is not None:
        pair = sa.and_(pair, col(LoginAttempt.attempted_at) > last_success)
    row = (
        await session.execute(
            sa.select(
                sa.func.count(),
                sa.func.min(col(LoginAttempt.attempted_at)),
                sa.func.count(sa.case((pair, 1))),
                sa.func.min(sa.case((pair, col(LoginAttempt.attempted_at)))),
            ).where(
                col(LoginAttempt.source_ip) == ip,
                col(LoginAttempt.succeeded).is_(False),
                col(LoginAttempt.attempted_at) >= since,
            )
        )
    ).one()
    from_address, address_oldest, for_pair, pair_oldest = row
    if for_pair > settings.login_max_failures:
        raise TooManyRequests(
            "Too many failed logins for this account from your address",
            retry_after=_seconds_left(pair_oldest, window, now),
        )
    if from_address > settings.login_address_max_failures:
        raise TooManyRequests(
            "Too many failed logins from your address",
            retry_after=_seconds_left(address_oldest, window, now),
        )


def _seconds_left(oldest: datetime, window: timedelta, now: datetime) -> int:
    return int((oldest + window - now).total_seconds()) + 1


async def succeeded(session: AsyncSession, attempt_id: uuid.UUID) -> None:
    """Mark the attempt a success, in the request's transaction: it clears its pair's count."""
    await session.execute(
        sa.update(LoginAttempt).where(col(LoginAttempt.id) == attempt_id).values(succeeded=True)
    )
