"""The confidentiality access log: one row per audited request, never updated or deleted."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, id_field


class AuditEvent(SQLModel, table=True):
    """Who did what to which client's data, when, why, and with what outcome."""

    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_event_practice_id_occurred_at", "practice_id", "occurred_at", "id"),
        sa.Index("ix_audit_event_actor_id_occurred_at", "actor_id", "occurred_at", "id"),
        # The sequencer walks events by (occurred_at, id); exports filter on time.
        sa.Index("ix_audit_event_occurred_at", "occurred_at", "id"),
        # Break-the-glass accesses are rare: a partial index keeps their list one range scan.
        sa.Index(
            "ix_audit_event_break_glass",
            "practice_id",
            "occurred_at",
            "id",
            postgresql_where=sa.text("break_glass_reason IS NOT NULL"),
            sqlite_where=sa.text("break_glass_reason IS NOT NULL"),
        ),
    )

    id: uuid.UUID = id_field()
    occurred_at: datetime = created_at_field()
    practice_id: uuid.UUID | None = Field(default=None)
    request_id: str = Field(max_length=128)
    actor_type: str = Field(max_length=16)
    actor_id: uuid.UUID | None = None
    actor_role: str | None = Field(default=None, max_length=20)
    action: str = Field(max_length=64)
    resource_type: str | None = Field(default=None, max_length=40)
    resource_id: str | None = Field(default=None, max_length=80)
    client_ids: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    outcome: str = Field(max_length=16)
    http_status: int
    purpose_of_use: str | None = Field(default=None, max_length=16)
    break_glass_reason: str | None = Field(default=None, max_length=500)
    source_ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=300)
    method: str = Field(max_length=10)
    route: str | None = Field(default=None, max_length=200)
    # Ids of what a change added or removed; absent from the hashed object when null.
    details: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)


class AuditEventClient(SQLModel, table=True):
    """Index of events by client, so "who looked at this client" is one range scan."""

    __tablename__ = "audit_event_client"
    __table_args__ = (
        sa.Index(
            "ix_audit_event_client_client_id_occurred_at", "client_id", "occurred_at", "event_id"
        ),
    )

    event_id: uuid.UUID = Field(foreign_key="audit_event.id", primary_key=True)
    client_id: uuid.UUID = Field(primary_key=True)
    practice_id: uuid.UUID | None = None
    occurred_at: datetime = created_at_field()


class AuditLeaf(SQLModel, table=True):
    """An event's place in the Merkle tree: its gapless sequence number and leaf hash."""

    __tablename__ = "audit_leaf"

    seq: int = Field(
        sa_type=sa.BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    event_id: uuid.UUID = Field(foreign_key="audit_event.id", unique=True)
    leaf_hash: bytes = Field(sa_type=sa.LargeBinary(32))
    # HMAC over (seq, event_id, leaf_hash) with a key derived from the signing key: lets
    # `verify` name the exact leaf an attacker re-hashed, renumbered or moved.
    seal: bytes = Field(sa_type=sa.LargeBinary(32))
    sequenced_at: datetime = created_at_field()


class AuditNode(SQLModel, table=True):
    """A complete Merkle subtree: level 0 holds leaves, (level, index) covers 2**level leaves."""

    __tablename__ = "audit_node"

    level: int = Field(
        sa_type=sa.SmallInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    index: int = Field(
        sa_type=sa.BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    hash: bytes = Field(sa_type=sa.LargeBinary(32))


class AuditCheckpoint(SQLModel, table=True):
    """A signed statement of the tree's size and root hash at a moment."""

    __tablename__ = "audit_checkpoint"

    tree_size: int = Field(
        sa_type=sa.BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    root_hash: bytes = Field(sa_type=sa.LargeBinary(32))
    timestamp: str = Field(max_length=32)
    key_id: str = Field(max_length=32)
    signed_note: str = Field(sa_type=sa.Text)
    signature: str = Field(max_length=128)


class AuditReview(SQLModel, table=True):
    """An auditor's review of an event (usually a break-the-glass access); never edited."""

    __tablename__ = "audit_review"
    __table_args__ = (sa.Index("ix_audit_review_event_id_reviewed_at", "event_id", "reviewed_at"),)

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID = Field(foreign_key="practice.id", index=True)
    event_id: uuid.UUID = Field(foreign_key="audit_event.id")
    # The id of the review request's own audit event (same transaction; in the Merkle tree).
    review_event_id: uuid.UUID
    reviewer_id: uuid.UUID
    reviewer_type: str = Field(max_length=16)
    decision: str = Field(max_length=20)
    comment: str | None = Field(default=None, max_length=1000)
    reviewed_at: datetime = created_at_field()
