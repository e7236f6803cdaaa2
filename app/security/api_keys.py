"""API keys: `nsk_` + 256 random bits, stored only as a keyed hash; scopes and key kinds."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Final, Literal, get_args

from app.security.tokens import keyed_hash

PREFIX = "nsk_"
Scope = Literal[
    "clients:read",
    "clients:write",
    "sessions:read",
    "sessions:write",
    "users:read",
    "notes:read",
    "progress:read",
    "events:read",
    "webhooks:manage",
    "audit:read",
]
SCOPES: Final[tuple[Scope, ...]] = get_args(Scope)
# Separation of duties (SPEC §2.1): who creates, approves and manages each kind of key.
CLINICAL_SCOPES: Final[frozenset[str]] = frozenset({"notes:read", "progress:read"})
AUDIT_SCOPES: Final[frozenset[str]] = frozenset({"audit:read"})
KeyKind = Literal["audit", "clinical", "operational"]


def key_kind(scopes: Iterable[str]) -> KeyKind:
    """`audit` (any audit scope), `clinical` (any clinical scope) or `operational`.

    Audit comes first: a key that reads the access log is the auditors' to see and revoke,
    and an admin never creates one (SPEC §2.1), whatever else it reads.
    """
    wanted = set(scopes)
    if wanted & AUDIT_SCOPES:
        return "audit"
    if wanted & CLINICAL_SCOPES:
        return "clinical"
    return "operational"


def new_api_key(pepper: bytes) -> tuple[str, str, str]:
    """Generate a key; returns (the full key, its display prefix, its keyed hash)."""
    key = PREFIX + secrets.token_urlsafe(32)
    return key, key[: len(PREFIX) + 6], keyed_hash(pepper, key)
