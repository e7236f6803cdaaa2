"""The webhook deliverer: turns feed events into deliveries and sends them, at least once.

Each pass (1) fans new feed events out into deliveries for the endpoints subscribed to them,
(2) leases endpoints whose oldest pending delivery is due, and (3) drains each leased
endpoint in a task of its own, in position order, stopping at the first failure so that an
endpoint receives its messages in order once retries settle. Several deliverers share the
work: endpoints are picked with `FOR UPDATE SKIP LOCKED` and held by a lease that runs out if
its deliverer dies (on SQLite the database lock serialises the picks; run one deliverer).
A slow or dead endpoint only ever occupies its own task. While the API works, the sends of
all endpoints are spaced out (app/webhooks/pace.py): background work yields to the API.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Final

import httpx
import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import Settings
from app.db import create_sessionmaker, utcnow, uuid7
from app.feed import outbox
from app.feed.schemas import payload
from app.feed.types import TEST_EVENT
from app.logging import RepeatedFailure
from app.models import (
    FeedCounter,
    FeedEvent,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from app.security.encryption import KeyRing
from app.webhooks import owners, schedule, ssrf
from app.webhooks.pace import Pace
from app.webhooks.sender import Attempt, Sender
from app.webhooks.signing import live_secrets

log = logging.getLogger("notes.webhooks")

_E = WebhookEndpoint.__table__  # type: ignore[attr-defined]
_D = WebhookDelivery.__table__  # type: ignore[attr-defined]
_A = WebhookAttempt.__table__  # type: ignore[attr-defined]
_F = FeedEvent.__table__  # type: ignore[attr-defined]


def _delivered(event: Any) -> bool:
    """Receivers fetch with their own key, and keys read clinicians alone (SPEC §9): events
    about other staff are not delivered, so their ids and timing stay in the practice."""
    return not event.staff_only


_C = FeedCounter.__table__  # type: ignore[attr-defined]
# The columns of an endpoint that its API representation shows (the rest is the lease).
_SHOWN = frozenset({"enabled", "disabled_at", "disabled_reason", "failing_since"})
FAN_OUT_ENDPOINTS: Final = 20
_DATABASE_DOWN = (SQLAlchemyError, OSError, TimeoutError)


class Deliverer:
    """One deliverer process's work: fan out, lease, drain, record."""

    def __init__(
        self,
        *,
        engine: AsyncEngine,
        settings: Settings,
        key_ring: KeyRing,
        transport: httpx.AsyncBaseTransport | None = None,
        pace: Pace | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.key_ring = key_ring
        self.sessionmaker = create_sessionmaker(engine)
        self.owner = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.lease = timedelta(seconds=settings.webhook_lease_seconds)
        self.sender = Sender(
            timeout=settings.webhook_timeout_seconds,
            production=settings.env == "production",
            connections=settings.webhook_endpoints_in_flight * 2,
            transport=transport,
        )
        self.failing_days = round(settings.webhook_disable_after_seconds / 86400, 2)
        self.pace = pace or Pace(settings.webhook_busy_per_second)
        self.draining: dict[uuid.UUID, asyncio.Task[None]] = {}
        self.wake = asyncio.Event()
        self.stopping = False
        self.database_down = RepeatedFailure(log, "webhook deliverer: database unavailable")

    async def run(self, stop: asyncio.Event) -> None:
        """Pass after pass until `stop` is set; a database outage is waited out."""
        try:
            while not stop.is_set():
                try:
                    await self.pass_once()
                except _DATABASE_DOWN as exc:
                    self.database_down.failed(type(exc).__name__)
                except Exception:  # a worker outlives any one bad pass; the next one retries
                    log.exception("webhook deliverer: pass failed")
                else:
                    self.database_down.succeeded()
                self.wake.clear()
                waits = [
                    asyncio.ensure_future(stop.wait()),
                    asyncio.ensure_future(self.wake.wait()),
                ]
                await asyncio.wait(
                    waits, timeout=self.settings.webhook_poll_seconds, return_when="FIRST_COMPLETED"
                )
                for waiting in waits:
                    waiting.cancel()
        finally:
            await self.close()

    async def pass_once(self) -> None:
        """Fan out new events, then lease due endpoints and start draining them."""
        while await self.fan_out():
            pass
        free = self.settings.webhook_endpoints_in_flight - len(self.draining)
        if free <= 0:
            return
        for endpoint_id in await self.claim(free):
            if endpoint_id in self.draining:  # see `claim`: never two drains of one endpoint
                continue
            task = asyncio.create_task(self.drain(endpoint_id), name=f"webhook-{endpoint_id}")
            self.draining[endpoint_id] = task
            task.add_done_callback(partial(self._drained, endpoint_id))

    def _drained(self, endpoint_id: uuid.UUID, _task: object = None) -> None:
        self.draining.pop(endpoint_id, None)
        self.wake.set()  # its endpoint may have more due now

    async def settle(self) -> None:
        """Wait until every endpoint being drained is done (tests and benchmarks)."""
        while self.draining:
            await asyncio.gather(*self.draining.values(), return_exceptions=True)

    async def close(self) -> None:
        """Let each endpoint finish the message it is sending, then close the HTTP client."""
        self.stopping = True
        if self.draining:
            # Cancelled mid-statement, a connection could be left inside its transaction.
            _, late = await asyncio.wait(
                list(self.draining.values()), timeout=self.settings.webhook_timeout_seconds + 5
            )
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await self.sender.aclose()

    async def fan_out(self) -> bool:
        """Turn feed events past each endpoint's cursor into deliveries; whether any moved."""
        moved = False
        async with self.sessionmaker() as session:
            # A key expires without a request to notice it: its endpoints stop here.
            if await owners.disable_ownerless(session, utcnow()):
                log.warning("webhook endpoints disabled: the key that set them up is gone")
                await session.commit()
            last = (
                sa.select(_C.c.position)
                .where(_C.c.practice_id == _E.c.practice_id)
                .scalar_subquery()
            )
            endpoints = (
                await session.execute(
                    sa.select(_E.c.id, _E.c.practice_id, _E.c.event_types, _E.c.cursor_position)
                    .where(_E.c.enabled, _E.c.cursor_position < last)
                    .limit(FAN_OUT_ENDPOINTS)
                    .with_for_update(skip_locked=True, of=_E)
                )
            ).all()
            now = utcnow()
            for endpoint in endpoints:
                events = (
                    await session.execute(
                        sa.select(_F)
                        .where(
                            _F.c.practice_id == endpoint.practice_id,
                            _F.c.position > endpoint.cursor_position,
                        )
                        .order_by(_F.c.position)
                        .limit(self.settings.webhook_batch_size * 5)
                    )
                ).all()
                if not events:
                    continue
                # Compare-and-set: where FOR UPDATE is not enforced (SQLite) a second
                # deliverer's fan-out of the same events finds the cursor moved and stops.
                advanced = await session.execute(
                    _E.update()
                    .where(_E.c.id == endpoint.id, _E.c.cursor_position == endpoint.cursor_position)
                    .values(cursor_position=events[-1].position)
                )
                if not advanced.rowcount:  # type: ignore[attr-defined]
                    continue
                wanted = set(endpoint.event_types)
                rows = [
                    {
                        "id": uuid7(),
                        "practice_id": endpoint.practice_id,
                        "endpoint_id": endpoint.id,
                        "event_id": e.id,
                        "position": e.position,
                        "event_type": e.type,
                        "payload": payload(e),
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": now,
                        "created_at": now,
                    }
                    for e in events
                    if e.type in wanted and _delivered(e)
                ]
                if rows:
                    await session.execute(_D.insert(), rows)
                moved = True
            await session.commit()
        return moved

    async def claim(self, limit: int) -> list[uuid.UUID]:
        """Lease up to `limit` enabled endpoints whose oldest pending delivery is due."""
        now = utcnow()
        head_due = (
            sa.select(_D.c.next_attempt_at)
            .where(_D.c.endpoint_id == _E.c.id, _D.c.status == "pending")
            .order_by(_D.c.position, _D.c.created_at, _D.c.id)
            .limit(1)
            .scalar_subquery()
        )
        # An endpoint this deliverer still drains is not claimed again, even when its lease
        # ran out (a slow send, a slow database): a second drain would resend what the first
        # sent but has not recorded yet, out of order.
        mine = list(self.draining)
        candidates = (
            sa.select(_E.c.id)
            .where(
                _E.c.enabled,
                sa.or_(_E.c.lease_until.is_(None), _E.c.lease_until < now),
                head_due <= now,
                *([_E.c.id.not_in(mine)] if mine else []),
            )
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        async with self.sessionmaker() as session:
            # Read first: an idle pass writes nothing (on SQLite it takes no write lock).
            found = list((await session.execute(candidates)).scalars())
            if not found:
                return []
            claimed = (
                await session.execute(
                    _E.update()
                    .where(
                        _E.c.id.in_(found),
                        sa.or_(_E.c.lease_until.is_(None), _E.c.lease_until < now),
                    )
                    .values(lease_owner=self.owner, lease_until=now + self.lease)
                    .returning(_E.c.id)
                )
            ).scalars()
            ids = list(claimed)
            await session.commit()
        return ids

    async def drain(self, endpoint_id: uuid.UUID) -> None:
        """Send an endpoint's due deliveries in order until none is due, then release it."""
        try:
            while await self._drain_batch(endpoint_id):
                pass
        except asyncio.CancelledError:
            raise
        except _DATABASE_DOWN as exc:
            self.database_down.failed(type(exc).__name__)
            return  # the lease runs out; this or another deliverer picks the endpoint up
        except Exception:
            log.exception("webhook deliverer: draining an endpoint failed")
            return
        await self._release(endpoint_id)

    async def _drain_batch(self, endpoint_id: uuid.UUID) -> bool:
        """One batch: whether to go on with the next."""
        if self.stopping:
            return False
        async with self.sessionmaker() as session:
            row = (await session.execute(sa.select(_E).where(_E.c.id == endpoint_id))).one_or_none()
            if row is None or not row.enabled or row.lease_owner != self.owner:
                return False
            pending = (
                await session.execute(
                    sa.select(_D)
                    .where(_D.c.endpoint_id == endpoint_id, _D.c.status == "pending")
                    .order_by(_D.c.position, _D.c.created_at, _D.c.id)
                    .limit(self.settings.webhook_batch_size)
                )
            ).all()
            await session.rollback()
        # A detached row, as the field helpers want one (table name and id for the AAD).
        endpoint = WebhookEndpoint.model_construct(**dict(row._mapping))
        secrets_ = live_secrets(self.key_ring, endpoint)
        attempts: list[Attempt] = []
        target: ssrf.Target | ssrf.BlockedURL | None = None
        # Recorded (and the lease renewed) well before the lease runs out, however slow the
        # endpoint or the pace: another deliverer never takes an endpoint this one still sends to.
        record_by = time.monotonic() + self.lease.total_seconds() / 3
        for delivery in pending:
            if self.stopping or delivery.next_attempt_at > utcnow():
                break  # the oldest waits for its retry; the later ones wait behind it
            if attempts and time.monotonic() > record_by:
                break
            if target is None:  # resolved and checked once per batch, at delivery time
                target = await self.sender.target(endpoint.url)
            await self.pace.wait()
            if time.monotonic() > record_by:  # a turn that came late: the lease comes first
                break
            if not await self._still_owed(endpoint_id, delivery.event_type):
                break
            attempt = await self.sender.send(target, secrets_, delivery)
            attempts.append(attempt)
            if not attempt.succeeded:
                break
        if not attempts:
            return False
        still_leased = await self.record(endpoint, attempts)
        return still_leased and attempts[-1].succeeded

    async def _still_owed(self, endpoint_id: uuid.UUID, event_type: str) -> bool:
        """Whether the endpoint, as it is now, still takes this message from this deliverer.

        Asked before each send, not once a batch: a key revoked, an endpoint disabled or
        narrowed while a batch is under way stops the very next message (app/webhooks/owners.py).
        """
        async with self.sessionmaker() as session:
            row = (
                await session.execute(
                    sa.select(_E.c.enabled, _E.c.lease_owner, _E.c.event_types).where(
                        _E.c.id == endpoint_id
                    )
                )
            ).first()
            await session.rollback()
        return (
            row is not None
            and row.enabled
            and row.lease_owner == self.owner
            and (event_type in row.event_types or event_type == TEST_EVENT)
        )

    async def record(self, endpoint: Any, attempts: list[Attempt]) -> bool:
        """Write a batch's attempts and outcomes; whether this deliverer still holds the lease."""
        now = utcnow()
        async with self.sessionmaker() as session:
            outbox.act_as(session, *outbox.SYSTEM_ACTOR)
            await session.execute(
                _A.insert(),
                [
                    {
                        "id": uuid7(),
                        "practice_id": endpoint.practice_id,
                        "delivery_id": a.delivery.id,
                        "attempted_at": a.at,
                        "duration_ms": a.duration_ms,
                        "response_status": a.status,
                        "outcome": a.outcome,
                        "error": a.error,
                    }
                    for a in attempts
                ],
            )
            await session.execute(
                _D.update()
                # A message withdrawn while it was sent (its type dropped) stays withdrawn.
                .where(_D.c.id == sa.bindparam("d_id"), _D.c.status == "pending")
                .values(
                    status=sa.bindparam("d_status"),
                    attempts=_D.c.attempts + 1,
                    next_attempt_at=sa.bindparam("d_next"),
                    first_attempt_at=sa.func.coalesce(
                        _D.c.first_attempt_at, sa.bindparam("d_last")
                    ),
                    last_attempt_at=sa.bindparam("d_last"),
                ),
                [self._outcome(a, now) for a in attempts],
            )
            values = self._endpoint_after(endpoint, attempts[-1], now)
            shown = [_E.c[k].is_distinct_from(v) for k, v in values.items() if k in _SHOWN]
            if shown:
                # What the API shows of the endpoint changes: a new ETag (app/etag.py). Decided
                # on the row as it is now, not as the batch read it.
                values["version"] = _E.c.version + sa.case((sa.or_(*shown), 1), else_=0)
            leased = await session.execute(
                _E.update()
                .where(_E.c.id == endpoint.id, _E.c.lease_owner == self.owner)
                .values({"lease_until": now + self.lease, **values})
            )
            if values.get("enabled") is False:
                outbox.record(
                    session,
                    type="webhook_endpoint.disabled",
                    practice_id=endpoint.practice_id,
                    resource_id=endpoint.id,
                )
                log.warning("webhook endpoint disabled after failing for too long")
            await session.commit()
        return bool(leased.rowcount) and values.get("enabled") is not False  # type: ignore[attr-defined]

    def _outcome(self, attempt: Attempt, now: datetime) -> dict[str, Any]:
        delivery = attempt.delivery
        if attempt.succeeded:
            status, retry_at = "succeeded", now
        elif schedule.gives_up(delivery.first_attempt_at or attempt.at, now, self.settings):
            status, retry_at = "failed", now
        else:
            status = "pending"
            retry_at = now + schedule.retry_delay(delivery.attempts + 1, self.settings)
        return {"d_id": delivery.id, "d_status": status, "d_next": retry_at, "d_last": attempt.at}

    def _endpoint_after(self, endpoint: Any, last: Attempt, now: datetime) -> dict[str, Any]:
        """The endpoint's failure record after a batch that ended with `last`."""
        if last.succeeded:
            return {"failing_since": None} if endpoint.failing_since is not None else {}
        since = endpoint.failing_since or last.at
        if schedule.disables(since, now, self.settings):
            return {
                "failing_since": since,
                "enabled": False,
                "disabled_at": now,
                "disabled_reason": f"Every delivery failed for {self.failing_days:g} days",
                "lease_owner": None,
                "lease_until": None,
            }
        return {"failing_since": since}

    async def _release(self, endpoint_id: uuid.UUID) -> None:
        async with self.sessionmaker() as session:
            await session.execute(
                _E.update()
                .where(_E.c.id == endpoint_id, _E.c.lease_owner == self.owner)
                .values(lease_owner=None, lease_until=None)
            )
            await session.commit()
