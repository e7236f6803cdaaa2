"""Login throttling per account and source address, counted in the database (SPEC §3).

Five failures for one account from one address lock that pair for the window; another
address can still log in to the account, so nobody can lock a colleague out from afar. One
address spraying many accounts (or unknown emails) is throttled as a whole once its failures
reach the address limit. A success clears its pair's count, not the address's: an attacker
who owns one account must not wash their spraying with it.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.config import Settings
from app.db import utcnow
from app.errors import TooManyRequests
from app.models import LoginAttempt
from app.state import AppState


def address(source_ip: str | None) -> str:
    """The stored form of a source address (the ASGI client; proxies are not trusted)."""
    return (source_ip or "")[:64]


async def check(
    *, session: AsyncSession, settings: Settings, email: str, source_ip: str | None
) -> None:
    """429 with Retry-After while the (account, address) pair or the address is locked."""
    window = timedelta(minutes=settings.login_window_minutes)
    now = utcnow()
    since = now - window
    ip = address(source_ip)
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
    if for_pair >= settings.login_max_failures:
        raise TooManyRequests(
            "Too many failed logins for this account from your address",
            retry_after=_seconds_left(pair_oldest, window, now),
        )
    if from_address >= settings.login_address_max_failures:
        raise TooManyRequests(
            "Too many failed logins from your address",
            retry_after=_seconds_left(address_oldest, window, now),
        )


def _seconds_left(oldest: datetime, window: timedelta, now: datetime) -> int:
    return int((oldest + window - now).total_seconds()) + 1


async def record_failure(
    *, state: AppState, practice_id: uuid.UUID | None, email: str, source_ip: str | None
) -> None:
    """Count a failure in a transaction of its own: the request itself is rolled back."""
    async with state.sessionmaker() as own:
        own.add(
            LoginAttempt(
                practice_id=practice_id,
                email=email,
                source_ip=address(source_ip),
                succeeded=False,
            )
        )
        await own.commit()


def success(*, practice_id: uuid.UUID, email: str, source_ip: str | None) -> LoginAttempt:
    """A success row (added to the request's own transaction), which clears its pair's count."""
    return LoginAttempt(
        practice_id=practice_id, email=email, source_ip=address(source_ip), succeeded=True
    )
