"""Standard Webhooks signatures, made by its reference library (`standardwebhooks`)."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime
from functools import lru_cache
from typing import Any

from standardwebhooks import Webhook

from app.db import utcnow
from app.security.encryption import KeyRing
from app.security.fields import unseal

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix


def new_secret() -> str:
    """A fresh signing secret: `whsec_` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


@lru_cache(maxsize=1024)
def _signer(secret: str) -> Webhook:
    return Webhook(secret)


def message_id(delivery_id: object) -> str:
    """The `webhook-id` of a delivery: the same on every attempt, so receivers can dedupe."""
    return f"msg_{getattr(delivery_id, 'hex', delivery_id)}"


def headers(secrets_: list[str], *, msg_id: str, at: datetime, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers; one `v1,` signature per live secret."""
    signatures = " ".join(_signer(s).sign(msg_id, at, body) for s in secrets_)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures,
        "content-type": "application/json",
    }


def live_secrets(ring: KeyRing, endpoint: Any) -> list[str]:
    """The secrets that sign now: the current one, and the previous one in its grace period."""
    current = unseal(ring, endpoint, "secret")
    assert current is not None  # noqa: S101 - the column is NOT NULL
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret is None or expires is None or expires <= utcnow():
        return [current]
    previous = unseal(ring, endpoint, "previous_secret")
    return [current] if previous is None else [current, previous]
