"""Webhook endpoints of a practice and their delivery log; flushes, never commits."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import col

from app.config import Settings
from app.db import utcnow, uuid7
from app.errors import Conflict, Forbidden, NotFound, Unprocessable
from app.etag import bump_version
from app.feed.types import TEST_EVENT, expand_types, readable_types
from app.models import FeedCounter, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from app.pagination import PageParams, oldest_first
from app.security.caller import Caller
from app.security.encryption import KeyRing
from app.security.fields import seal
from app.webhooks import signing, ssrf
from app.webhooks.schemas import WebhookAttemptOut, WebhookDeliveryOut
from app.webhooks.signing import live_secrets


def event_types(requested: list[str], readable: frozenset[str]) -> list[str]:
    """The subscribed types, expanded and checked against what the caller may read (422)."""
    wanted = expand_types(",".join(requested))
    if not wanted <= readable:
        raise Unprocessable("event_types names types this caller may not read")
    return sorted(wanted)


async def check_url(url: str, settings: Settings) -> str:
    """422 unless the SSRF guard allows the URL (in production its host must resolve)."""
    production = settings.env == "production"
    try:
        if production:
            await ssrf.resolve(url, production=True)
        else:
            ssrf.check_url(url, production=False)
    except ssrf.BlockedURL as exc:
        raise Unprocessable(str(exc)) from None
    return url


async def current_position(session: AsyncSession, practice_id: uuid.UUID) -> int:
    """The practice's last feed position (0 before its first event)."""
    found = await session.execute(
        sa.select(col(FeedCounter.position)).where(col(FeedCounter.practice_id) == practice_id)
    )
    return found.scalar_one_or_none() or 0


async def create_endpoint(
    *,
    session: AsyncSession,
    ring: KeyRing,
    practice_id: uuid.UUID,
    url: str,
    types: list[str],
    description: str | None,
    owner_key_id: uuid.UUID | None = None,
) -> tuple[WebhookEndpoint, str]:
    """Store an endpoint that receives events from now on; returns it and its secret.

    Made by an API key, it stops with that key (app/webhooks/owners.py).
    """
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        id=uuid7(),
        practice_id=practice_id,
        url=url,
        description=description,
        event_types=types,
        owner_key_id=owner_key_id,
        secret="",
        cursor_position=await current_position(session, practice_id),
    )
    endpoint.secret = seal(ring, endpoint, "secret", secret) or ""
    session.add(endpoint)
    await session.flush()
    return endpoint, secret


async def get_endpoint(
    session: AsyncSession, caller: Caller, endpoint_id: uuid.UUID
) -> WebhookEndpoint:
    """One of the caller's practice's endpoints, or 404."""
    endpoint = await session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.practice_id != caller.practice_id:
        raise NotFound("No such webhook endpoint")
    return endpoint


def require_readable(caller: Caller, types: list[str] | str) -> None:
    """403 unless the caller may read every event type an endpoint or delivery carries.

    Whoever could point an endpoint elsewhere, take its secret or read its delivery log
    would receive what it delivers: a manager keeps to the types it may subscribe to itself.
    """
    named = {types} if isinstance(types, str) else set(types)
    if not named <= readable_types(caller) | {TEST_EVENT}:
        raise Forbidden("This endpoint delivers event types your role or scopes may not read")


async def list_endpoints(
    session: AsyncSession, caller: Caller, page: PageParams
) -> list[WebhookEndpoint]:
    """The practice's endpoints, oldest first (one more than the page)."""
    query = sa.select(WebhookEndpoint).where(col(WebhookEndpoint.practice_id) == caller.practice_id)
    return await oldest_first(session, query, WebhookEndpoint, page)


async def update_endpoint(
    *,
    session: AsyncSession,
    endpoint: WebhookEndpoint,
    changes: dict[str, Any],
    expected_version: int | None,
    caller: Caller,
) -> WebhookEndpoint:
    """Apply changes; enabling a disabled endpoint clears its failure record (412: changed).

    Whoever enables it or points it at a new URL owns it from then on: a key, which it then
    stops with; a person.
    """
    for field in ("url", "event_types", "enabled"):
        if field in changes and changes[field] is None:
            raise Unprocessable(f"{field} cannot be null")
    enabled = changes.get("enabled") and not endpoint.enabled
    if enabled:
        endpoint.disabled_at = endpoint.disabled_reason = endpoint.failing_since = None
    if enabled or changes.get("url", endpoint.url) != endpoint.url:
        endpoint.owner_key_id = caller.id if caller.kind == "api_key" else None
    for field, value in changes.items():
        setattr(endpoint, field, value)
    await bump_version(session, endpoint, expected_version)
    if "event_types" in changes:
        await _cancel_unsubscribed(session, endpoint)
    endpoint.updated_at = utcnow()
    session.add(endpoint)
    await session.flush()
    return endpoint


async def _cancel_unsubscribed(session: AsyncSession, endpoint: WebhookEndpoint) -> None:
    """Withdraw queued messages of types the endpoint no longer takes.

    Sent later, they would go to whoever manages the narrowed endpoint next: a manager who
    may not read those types could point its URL at themselves (docs/integrations.md).
    """
    kept = [*endpoint.event_types, TEST_EVENT]
    await session.execute(
        sa.update(WebhookDelivery)
        .where(
            col(WebhookDelivery.endpoint_id) == endpoint.id,
            col(WebhookDelivery.status) == "pending",
            col(WebhookDelivery.event_type).not_in(kept),
        )
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )


async def delete_endpoint(
    session: AsyncSession, endpoint: WebhookEndpoint, expected_version: int | None
) -> None:
    """Delete an endpoint with its delivery log (412 if changed since `expected_version`)."""
    await bump_version(session, endpoint, expected_version)
    deliveries = sa.select(col(WebhookDelivery.id)).where(
        col(WebhookDelivery.endpoint_id) == endpoint.id
    )
    await session.execute(
        sa.delete(WebhookAttempt).where(col(WebhookAttempt.delivery_id).in_(deliveries))
    )
    await session.execute(
        sa.delete(WebhookDelivery).where(col(WebhookDelivery.endpoint_id) == endpoint.id)
    )
    await session.delete(endpoint)
    await session.flush()


async def rotate_secret(
    session: AsyncSession,
    ring: KeyRing,
    endpoint: WebhookEndpoint,
    grace: timedelta,
    expected_version: int | None,
) -> str:
    """A new secret; the current one keeps signing (beside it) for the grace period."""
    secret = signing.new_secret()
    endpoint.previous_secret = seal(
        ring, endpoint, "previous_secret", live_secrets(ring, endpoint)[0]
    )
    endpoint.previous_secret_expires_at = utcnow() + grace
    endpoint.secret = seal(ring, endpoint, "secret", secret) or ""
    endpoint.updated_at = utcnow()
    await bump_version(session, endpoint, expected_version)
    return secret


async def queue_test(
    session: AsyncSession, caller: Caller, endpoint: WebhookEndpoint
) -> WebhookDelivery:
    """A test ping, queued behind what the endpoint already owes."""
    delivery_id, now = uuid7(), utcnow()
    payload = {
        "id": str(delivery_id),
        "position": None,
        "type": TEST_EVENT,
        "occurred_at": now.isoformat(),
        "resource": {"type": "webhook_endpoint", "id": str(endpoint.id)},
        "client_id": None,
        "actor": {"type": caller.kind, "id": str(caller.id)},
    }
    delivery = WebhookDelivery(
        id=delivery_id,
        practice_id=endpoint.practice_id,
        endpoint_id=endpoint.id,
        position=endpoint.cursor_position,
        event_type=TEST_EVENT,
        payload=json.dumps(payload, separators=(",", ":")),
        next_attempt_at=now,
        created_at=now,
    )
    session.add(delivery)
    await session.flush()
    return delivery


async def get_delivery(
    session: AsyncSession, caller: Caller, delivery_id: uuid.UUID
) -> WebhookDelivery:
    """One of the practice's deliveries, or 404."""
    delivery = await session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.practice_id != caller.practice_id:
        raise NotFound("No such webhook delivery")
    return delivery


def delivery_client(delivery: WebhookDelivery) -> uuid.UUID | None:
    """The client the delivery's message names, if any."""
    named = json.loads(delivery.payload).get("client_id")
    return uuid.UUID(named) if named else None


async def retry(session: AsyncSession, delivery: WebhookDelivery) -> WebhookDelivery:
    """Queue a delivery again now, whatever became of it (409: a type no longer taken)."""
    endpoint = await session.get(WebhookEndpoint, delivery.endpoint_id)
    if endpoint is None or delivery.event_type not in [*endpoint.event_types, TEST_EVENT]:
        raise Conflict("The endpoint no longer takes this event type")
    delivery.status = "pending"
    delivery.next_attempt_at = utcnow()
    session.add(delivery)
    await session.flush()
    return delivery


async def list_deliveries(
    session: AsyncSession, caller: Caller, endpoint: WebhookEndpoint, page: PageParams
) -> list[WebhookDelivery]:
    """An endpoint's deliveries of types the caller may read, in feed position order (one
    more than the page): a narrowed endpoint's earlier messages stay with those who may."""
    query = sa.select(WebhookDelivery).where(
        col(WebhookDelivery.endpoint_id) == endpoint.id,
        col(WebhookDelivery.event_type).in_(sorted(readable_types(caller) | {TEST_EVENT})),
    )
    after = page.after_values(int, uuid.UUID)
    if after:
        query = query.where(
            sa.tuple_(col(WebhookDelivery.position), col(WebhookDelivery.id)) > after
        )
    order = (col(WebhookDelivery.position), col(WebhookDelivery.id))
    rows = await session.execute(query.order_by(*order).limit(page.limit + 1))
    return list(rows.scalars())


def delivery_key(row: WebhookDelivery) -> list[object]:
    """The (position, id) sort key of the delivery log, as a cursor stores it."""
    return [row.position, str(row.id)]


async def delivery_views(
    session: AsyncSession, deliveries: list[WebhookDelivery]
) -> list[WebhookDeliveryOut]:
    """Deliveries with their attempts, in one query for the attempts."""
    attempts: dict[uuid.UUID, list[WebhookAttemptOut]] = defaultdict(list)
    if deliveries:
        rows = await session.execute(
            sa.select(WebhookAttempt)
            .where(col(WebhookAttempt.delivery_id).in_([d.id for d in deliveries]))
            .order_by(col(WebhookAttempt.attempted_at), col(WebhookAttempt.id))
        )
        for attempt in rows.scalars():
            attempts[attempt.delivery_id].append(WebhookAttemptOut.model_validate(attempt))
    return [
        WebhookDeliveryOut(
            id=d.id,
            endpoint_id=d.endpoint_id,
            webhook_id=signing.message_id(d.id),
            event_id=d.event_id,
            event_type=d.event_type,
            position=d.position,
            status=d.status,
            attempt_count=d.attempts,
            next_attempt_at=d.next_attempt_at if d.status == "pending" else None,
            created_at=d.created_at,
            attempts=attempts[d.id],
        )
        for d in deliveries
    ]


async def purge_deliveries(
    conn: AsyncConnection, *, older_than_days: int, batch: int = 5_000
) -> int:
    """Delete settled deliveries (and their attempts) older than the given days; the count."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    total = 0
    while True:
        ids = (
            (
                await conn.execute(
                    sa.select(col(WebhookDelivery.id))
                    .where(
                        col(WebhookDelivery.created_at) < cutoff,
                        col(WebhookDelivery.status).in_(("succeeded", "failed")),
                    )
                    .limit(batch)
                )
            )
            .scalars()
            .all()
        )
        if ids:
            await conn.execute(
                sa.delete(WebhookAttempt).where(col(WebhookAttempt.delivery_id).in_(ids))
            )
            await conn.execute(sa.delete(WebhookDelivery).where(col(WebhookDelivery.id).in_(ids)))
        await conn.commit()
        total += len(ids)
        if len(ids) < batch:
            return total
