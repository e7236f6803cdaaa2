"""The event types of the change feed and who may read each (SPEC §9, §2)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from app.errors import Unprocessable

if TYPE_CHECKING:
    from app.security.caller import Caller

# Event type → the API-key scope that reads its resource; None: admins only.
EVENT_TYPES: Final[dict[str, str | None]] = {
    "client.created": "clients:read",
    "client.updated": "clients:read",
    "session.created": "sessions:read",
    "session.updated": "sessions:read",
    "episode.opened": "progress:read",
    "episode.updated": "progress:read",
    "episode.phase_changed": "progress:read",
    "episode.closed": "progress:read",
    "note.signed": "notes:read",
    "note.cosigned": "notes:read",
    "note.returned": "notes:read",
    "note.deleted": "notes:read",
    "measure.created": "progress:read",
    "user.created": "users:read",
    "user.updated": "users:read",
    "api_key.created": None,
    "api_key.updated": None,
    "api_key.deleted": None,
    "webhook_endpoint.disabled": "webhooks:manage",
}
# The type of a webhook endpoint's test ping: no feed event, any endpoint takes it.
TEST_EVENT: Final = "webhook.test"
# Every name a subscription or `?types=` takes: each type, and each kind as `kind.*`.
TYPE_NAMES: Final = tuple(
    sorted({*EVENT_TYPES, *(t.rsplit(".", 1)[0] + ".*" for t in EVENT_TYPES)})
)
_NAME = "|".join(name.replace(".", r"\.").replace("*", r"\*") for name in TYPE_NAMES)
# `?types=`: names separated by commas (what expand_types takes), for the document and FastAPI.
TYPES_PATTERN: Final = rf"^(?:{_NAME})(?:,(?:{_NAME}))*$"
# What an admin may read of the practice (SPEC §2: never clinical data, not even its ids).
_ADMIN_PREFIXES: Final = ("client.", "session.", "user.", "api_key.", "webhook_endpoint.")


def readable_types(caller: Caller) -> frozenset[str]:
    """The event types this caller may read in the feed or subscribe a webhook to."""
    if caller.has_role("admin"):
        return frozenset(t for t in EVENT_TYPES if t.startswith(_ADMIN_PREFIXES))
    if caller.kind != "api_key":
        return frozenset()
    return frozenset(t for t, scope in EVENT_TYPES.items() if scope in caller.scopes)


def expand_types(value: str | None) -> frozenset[str]:
    """`session.updated,episode.*` → the event types named (422 for an unknown one)."""
    if value is None:
        return frozenset(EVENT_TYPES)
    wanted: set[str] = set()
    for part in (p.strip() for p in value.split(",")):
        matches = (
            {t for t in EVENT_TYPES if t.startswith(part[:-1])}
            if part.endswith(".*")
            else ({part} & EVENT_TYPES.keys())
        )
        if not matches:
            raise Unprocessable("types names an unknown event type")
        wanted |= matches
    return frozenset(wanted)
