"""Endpoints stop with the API key that set them up (docs/integrations.md, "Delivery and retries").

An endpoint a key created or last enabled carries clinical or operational events only that
key's scopes allowed: once the key is revoked or expired, no event may leave for its URL.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.feed import outbox
from app.models import ApiKey, WebhookEndpoint

_E = WebhookEndpoint.__table__  # type: ignore[attr-defined]
_K = ApiKey.__table__  # type: ignore[attr-defined]
REASON = "The API key that set it up was revoked or has expired"


async def disable_ownerless(session: AsyncSession, now: datetime) -> int:
    """Disable the enabled endpoints whose owner key is revoked or expired; how many.

    Each gets a `webhook_endpoint.disabled` event, committed with the session.
    """
    dead = sa.select(_K.c.id).where(
        sa.or_(
            _K.c.revoked_at.is_not(None),
            sa.and_(_K.c.expires_at.is_not(None), _K.c.expires_at <= now),
        )
    )
    disabled = await session.execute(
        _E.update()
        .where(_E.c.enabled, _E.c.owner_key_id.in_(dead))
        .values(
            enabled=False,
            disabled_at=now,
            disabled_reason=REASON,
            lease_owner=None,
            lease_until=None,
            version=_E.c.version + 1,
            updated_at=now,
        )
        .returning(_E.c.id, _E.c.practice_id)
    )
    rows = disabled.all()
    for endpoint_id, practice_id in rows:
        outbox.record(
            session,
            type="webhook_endpoint.disabled",
            practice_id=practice_id,
            resource_id=endpoint_id,
        )
    return len(rows)
