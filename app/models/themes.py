"""The theme catalog: seeded system themes (practice_id NULL) and each practice's own."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, id_field


class Theme(SQLModel, table=True):
    """A code a clinician may observe; never deleted, deactivated instead, so never reused."""

    __table_args__ = (
        sa.UniqueConstraint("practice_id", "code"),
        # NULLs are distinct in the constraint above: system codes need their own index.
        sa.Index(
            "uq_theme_system_code",
            "code",
            unique=True,
            sqlite_where=sa.text("practice_id IS NULL"),
            postgresql_where=sa.text("practice_id IS NULL"),
        ),
        sa.CheckConstraint("dmrs_level BETWEEN 1 AND 7", name="dmrs_level_range"),
        sa.CheckConstraint(
            "(category = 'defense' AND dmrs_level IS NOT NULL)"
            " OR (category <> 'defense' AND dmrs_level IS NULL)",
            name="dmrs_level_for_defenses",
        ),
    )

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID | None = Field(default=None, foreign_key="practice.id")
    code: str = Field(max_length=80)
    label: str = Field(max_length=200)
    category: str = Field(max_length=40)
    description: str | None = Field(default=None, max_length=1000)
    dmrs_level: int | None = None
    dmrs_level_name: str | None = Field(default=None, max_length=40)
    active: bool = True
    created_by: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
