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


async def disable_ownerless(session: AsyncSession, now: datetime, key: ApiKey | None = None) -> int:
    """Disable the enabled endpoints whose owner key is revoked or expired; how many.

    With `key` (being revoked), that key's endpoints only, in its practice. Read first: an
    idle pass writes nothing (on SQLite it takes no write lock). Each disabled endpoint gets
    a `webhook_endpoint.disabled` event, committed with the session.
    """
    if key is not None:
        owned = sa.and_(_E.c.owner_key_id == key.id, _E.c.practice_id == key.practice_id)
    else:
        dead = sa.select(_K.c.id).where(
            sa.or_(
                _K.c.revoked_at.is_not(None),
                sa.and_(_K.c.expires_at.is_not(None), _K.c.expires_at <= now),
            )
        )
        owned = _E.c.owner_key_id.in_(dead)
    found = list((await session.execute(sa.select(_E.c.id).where(_E.c.enabled, owned))).scalars())
    if not found:
        return 0
    disabled = await session.execute(
        _E.update()
        .where(_E.c.id.in_(found), _E.c.enabled)
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
