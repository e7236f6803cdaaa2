"""Column helpers shared by every table."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from app.db import UTCDateTime, utcnow, uuid7


def id_field() -> Any:
    """A UUIDv7 primary key."""
    return Field(default_factory=uuid7, primary_key=True)


def practice_fk() -> Any:
    """The tenant column every tenant-owned row carries."""
    return Field(foreign_key="practice.id", index=True)


def created_at_field() -> Any:
    """A creation timestamp, UTC."""
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def timestamp_field(*, nullable: bool = True) -> Any:
    """An optional UTC timestamp."""
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


def json_list_field() -> Any:
    """A JSON list column."""
    return Field(default_factory=list, sa_type=sa.JSON, nullable=False)


__all__ = [
    "created_at_field",
    "datetime",
    "id_field",
    "json_list_field",
    "practice_fk",
    "timestamp_field",
    "uuid",
]
