"""Shapes of the auditor API: events, proofs, checkpoints, reports, reviews."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.schema_types import Storable, TrimmedStorable, as_sent_at_most

_ID = "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21"
_HASH = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
Outcome = Literal["success", "denied", "not_found", "error"]
Decision = Literal["justified", "unjustified", "needs_follow_up"]
ReviewComment = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=1000),
    as_sent_at_most(1000),
    Storable,
    TrimmedStorable,
]

EVENT_EXAMPLE: dict[str, Any] = {
    "id": _ID,
    "occurred_at": "2026-11-21T19:30:00.123456Z",
    "practice_id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d00",
    "request_id": "4f6c1d0e9b2a4c57a1e3f5d7c9b1a3e5",
    "actor": {"type": "user", "id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d22", "role": "therapist"},
    "action": "note.read",
    "resource": {"type": "note", "id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d23"},
    "client_ids": ["0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d24"],
    "outcome": "success",
    "http_status": 200,
    "purpose_of_use": "TREAT",
    "break_glass_reason": None,
    "source_ip": "203.0.113.7",
    "user_agent": "PracticeFrontend/3.2",
    "method": "GET",
    "route": "/v1/notes/{id}",
    "seq": 41,
    "leaf_hash": _HASH,
}


class Actor(BaseModel):
    """Who acted: a user, an API key, or nobody authenticated."""

    type: str = Field(description="user, api_key or anonymous.")
    id: str | None
    role: str | None


class Resource(BaseModel):
    """What the request aimed at."""

    type: str | None
    id: str | None


class AuditEventOut(BaseModel):
    """One access-log event, exactly as hashed into its leaf (plus seq and leaf_hash)."""

    model_config = ConfigDict(json_schema_extra={"example": dict(EVENT_EXAMPLE)})

    id: str = Field(description="Event id (UUIDv7).")
    occurred_at: str = Field(description="RFC 3339 UTC with microseconds.")
    practice_id: str | None
    request_id: str
    actor: Actor
    action: str
    resource: Resource
    client_ids: list[str]
    outcome: Outcome
    http_status: int
    purpose_of_use: str | None
    break_glass_reason: str | None
    source_ip: str | None
    user_agent: str | None
    method: str
    route: str | None
    details: dict[str, Any] | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="Ids a change added or removed (e.g. care-team members), a review's "
        "id, decision and comment SHA-256, or `idempotent_replay` on a replay's event; only "
        "on events that have them, and then part of the hashed object.",
    )
    seq: int | None = Field(description="Position in the log; null until sequenced.")
    leaf_hash: str | None = Field(description="Hex SHA-256(0x00 ‖ RFC 8785 JSON of the rest).")


class PublicKeyOut(BaseModel):
    """The key that signs checkpoints."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "key_id": "56475aa75463474c",
                "algorithm": "Ed25519",
                "public_key": "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=",
                "vkey": "session-notes-api+1e722a35+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4",
            }
        }
    )

    key_id: str
    algorithm: Literal["Ed25519"]
    public_key: str = Field(description="Base64 of the 32 raw public key bytes.")
    vkey: str = Field(
        description="The c2sp.org/signed-note verifier key of `note`: "
        "`<origin>+<hex key hash>+<base64(0x01 ‖ public key)>`."
    )


_CHECKPOINT_BODY = (
    "session-notes-api\n42\n"
    "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n2026-11-21T19:30:05.000001Z\n"
)
_CHECKPOINT_SIGNATURE = (
    "saReGy83CDwtN1TlZyCttoj7L0xGSyT0kHCnMnE1IqhZ8aYwyI72vW29Y0QF22n/NI9N2ZAzQo6+jfIZqTyAAw=="
)


class CheckpointOut(BaseModel):
    """A signed tree head."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "tree_size": 42,
                "root_hash": "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
                "timestamp": "2026-11-21T19:30:05.000001Z",
                "key_id": "56475aa75463474c",
                "signed_note": _CHECKPOINT_BODY,
                "signature": _CHECKPOINT_SIGNATURE,
                "note": f"{_CHECKPOINT_BODY}\n\u2014 session-notes-api "
                "HnIqNbGkXhsvNwg8LTdU5WcgrbaI+y9MRksk9JBwpzJxNSKoWfGmMMiO9r1tvWNEBdtp/zSPTdmQM0KOvo3yGak8gAM=\n",
            }
        }
    )

    tree_size: int
    root_hash: str
    timestamp: str
    key_id: str
    signed_note: str
    signature: str
    note: str | None = Field(
        description="The checkpoint as a c2sp.org/signed-note (tlog-checkpoint; the timestamp "
        "is an extension line), verifiable with `vkey`; null when signed by an earlier key."
    )


class InclusionProofOut(BaseModel):
    """RFC 9162 §2.1.3 audit path of one event."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "seq": 41,
                "tree_size": 42,
                "leaf_hash": _HASH,
                "root_hash": _HASH,
                "audit_path": [_HASH],
            }
        }
    )

    seq: int
    tree_size: int
    leaf_hash: str
    root_hash: str
    audit_path: list[str]


class ConsistencyProofOut(BaseModel):
    """RFC 9162 §2.1.4 proof that the first tree is a prefix of the second."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "first": 40,
                "second": 42,
                "first_root": _HASH,
                "second_root": _HASH,
                "proof": [_HASH],
            }
        }
    )

    first: int
    second: int
    first_root: str
    second_root: str
    proof: list[str]


class VerifyProblem(BaseModel):
    """Something wrong at a sequence number (event ids of other practices withheld)."""

    seq: int | None
    event_id: str | None
    kind: str


class VerifyOut(BaseModel):
    """The result of recomputing the whole log."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "ok": True,
                "tree_size": 42,
                "root_hash": _HASH,
                "checked": 42,
                "problems": [],
            }
        }
    )

    ok: bool
    tree_size: int
    root_hash: str
    checked: int
    problems: list[VerifyProblem]


class ActorAccess(BaseModel):
    """One actor's accesses to a client."""

    actor_type: str
    actor_id: str | None
    role: str | None = Field(description="The role at the actor's latest access.")
    total: int
    by_action: dict[str, int]
    by_outcome: dict[str, int]
    first_access: datetime
    last_access: datetime
    break_glass_count: int


class AccessReportOut(BaseModel):
    """Who accessed a client's record, how, and when."""

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "example": {
                "client_id": _ID,
                "from": None,
                "to": None,
                "total_events": 3,
                "actors": [
                    {
                        "actor_type": "user",
                        "actor_id": _ID,
                        "role": "therapist",
                        "total": 3,
                        "by_action": {"note.read": 2, "client.read": 1},
                        "by_outcome": {"success": 3},
                        "first_access": "2026-11-01T09:00:00Z",
                        "last_access": "2026-11-21T19:30:00Z",
                        "break_glass_count": 0,
                    }
                ],
            }
        },
    )

    client_id: uuid.UUID
    from_: datetime | None = Field(alias="from", serialization_alias="from")
    to: datetime | None
    total_events: int
    actors: list[ActorAccess]


class ReviewIn(BaseModel):
    """An auditor's finding on an event."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "decision": "justified",
                "comment": "Crisis call on a weekend; on-call therapist.",
            }
        },
    )

    decision: Decision
    comment: ReviewComment | None = None


class ReviewOut(BaseModel):
    """A stored review; its own audit event (action audit.review) is in the Merkle tree."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "example": {
                "id": _ID,
                "event_id": _ID,
                "review_event_id": _ID,
                "reviewer_id": _ID,
                "reviewer_type": "user",
                "decision": "justified",
                "comment": None,
                "reviewed_at": "2026-11-22T08:00:00Z",
            }
        },
    )

    id: uuid.UUID
    event_id: uuid.UUID
    review_event_id: uuid.UUID
    reviewer_id: uuid.UUID
    reviewer_type: str
    decision: Decision
    comment: str | None
    reviewed_at: datetime


class BreakGlassItem(BaseModel):
    """A break-the-glass access and where its review stands."""

    event: AuditEventOut
    status: Literal["pending", "reviewed"]
    reviews: list[ReviewOut] = Field(description="Oldest first; the last one stands.")
