"""Standard Webhooks signatures, made by its reference library (`standardwebhooks`)."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime
from functools import lru_cache

from standardwebhooks import Webhook

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
