"""API keys: `nsk_` + 256 random bits, stored only as a keyed hash."""

from __future__ import annotations

import secrets
from typing import Final, Literal, get_args

from app.security.tokens import keyed_hash

PREFIX = "nsk_"
Scope = Literal[
    "clients:read",
    "clients:write",
    "sessions:read",
    "sessions:write",
    "notes:read",
    "progress:read",
    "audit:read",
    "events:read",
    "webhooks:manage",
]
SCOPES: Final[tuple[Scope, ...]] = get_args(Scope)


def new_api_key(pepper: bytes) -> tuple[str, str, str]:
    """Generate a key; returns (the full key, its display prefix, its keyed hash)."""
    key = PREFIX + secrets.token_urlsafe(32)
    return key, key[: len(PREFIX) + 6], keyed_hash(pepper, key)
