"""User input and output shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, JsonValue, StringConstraints

from app.schema_types import SingleLine, Storable
from app.security.caller import Role
from app.security.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

DisplayName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), SingleLine
]
# Any characters a person can type, but hashable as UTF-8 (no lone surrogates) and no NUL.
Password = Annotated[
    str,
    StringConstraints(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH),
    Storable,
]

_USER_EXAMPLE: dict[str, JsonValue] = {
    "email": "ana@example.org",
    "display_name": "Ana Therapist",
    "role": "therapist",
    "password": "correct horse battery staple",
    "supervisor_id": None,
    "requires_cosign": False,
}


class UserCreate(BaseModel):
    """A new staff member."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": _USER_EXAMPLE})

    email: EmailStr = Field(max_length=254)
    display_name: DisplayName
    role: Role
    password: Password
    supervisor_id: uuid.UUID | None = None
    requires_cosign: bool = False


class UserUpdate(BaseModel):
    """Changes to a staff member; omitted fields stay as they are."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"role": "supervisor", "active": True}}
    )

    display_name: DisplayName | None = None
    role: Role | None = None
    password: Password | None = None
    supervisor_id: uuid.UUID | None = None
    requires_cosign: bool | None = None
    active: bool | None = None


class UserOut(BaseModel):
    """A staff member as admins see them (never the password hash)."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "example": {
                "id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21",
                "practice_id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d00",
                "email": "ana@example.org",
                "display_name": "Ana Therapist",
                "role": "therapist",
                "supervisor_id": None,
                "requires_cosign": False,
                "active": True,
                "created_at": "2026-11-21T10:00:00Z",
                "updated_at": "2026-11-21T10:00:00Z",
            }
        },
    )

    id: uuid.UUID
    practice_id: uuid.UUID
    email: str
    display_name: str
    role: Role
    supervisor_id: uuid.UUID | None
    requires_cosign: bool
    active: bool
    created_at: datetime
    updated_at: datetime


class ClinicianOut(BaseModel):
    """A clinician as a `users:read` key sees them: what a scheduler needs to assign one."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "example": {
                "id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21",
                "display_name": "Ana Therapist",
                "role": "therapist",
                "active": True,
            }
        },
    )

    id: uuid.UUID
    display_name: str
    role: Role
    active: bool
