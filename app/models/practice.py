"""The tenant."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, id_field


class Practice(SQLModel, table=True):
    """A psychotherapy practice; every other row belongs to exactly one."""

    id: uuid.UUID = id_field()
    name: str = Field(max_length=200)
    created_at: datetime = created_at_field()
