"""User input and output shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    field_validator,
)
from pydantic.json_schema import SkipJsonSchema

from app.roles import Role
from app.schema_types import Absent, Boolean, Email, SingleLine, TrimmedSingleLine, as_sent_at_most

DisplayName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    as_sent_at_most(200),
    SingleLine,
    TrimmedSingleLine,
]
NOT_YOURS_TO_SET = (
    "nobody sets another person's password: start a reset with "
    "POST /v1/users/{id}/password-reset, or let the user choose it from their invite"
)


def _refuse_password(value: object) -> None:
    raise ValueError(NOT_YOURS_TO_SET)


_USER_EXAMPLE: dict[str, JsonValue] = {
    "email": "ana@example.org",
    "display_name": "Ana Therapist",
    "role": "therapist",
    "supervisor_id": None,
    "requires_cosign": False,
}


# "requires_cosign needs a supervisor_id", stated in the document.
_COSIGN_NEEDS_SUPERVISOR: dict[str, JsonValue] = {
    "if": {"properties": {"requires_cosign": {"const": True}}, "required": ["requires_cosign"]},
    "then": {"required": ["supervisor_id"], "properties": {"supervisor_id": {"type": "string"}}},
}


class UserCreate(BaseModel):
    """A new staff member; they choose their password with the invite token."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": _USER_EXAMPLE, "allOf": [_COSIGN_NEEDS_SUPERVISOR]},
    )

    email: Email = Field(max_length=254)
    display_name: DisplayName
    role: Role
    supervisor_id: uuid.UUID | None = None
    requires_cosign: Boolean = False
    # Refused with its own message rather than as an unknown field (SPEC §2.1).
    password: SkipJsonSchema[object] = None

    _no_password = field_validator("password")(_refuse_password)


class UserUpdate(BaseModel):
    """Changes to a staff member; omitted fields stay as they are."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"role": "supervisor", "active": True}}
    )

    display_name: DisplayName | Absent = None
    role: Role | Absent = None
    supervisor_id: uuid.UUID | None = None
    requires_cosign: Boolean | Absent = None
    active: Boolean | Absent = None
    password: SkipJsonSchema[object] = None

    _no_password = field_validator("password")(_refuse_password)


_USER_OUT_EXAMPLE: dict[str, JsonValue] = {
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


class UserOut(BaseModel):
    """A staff member as admins see them (never the password hash)."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"example": _USER_OUT_EXAMPLE}
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


class UserCreated(UserOut):
    """A new staff member and their one-time invite token (shown once, valid 24 hours)."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                **_USER_OUT_EXAMPLE,
                "invite_token": "nsp_1q2ZrT8wVb3mXo9LkP4sYdGh7uJcEaF0nQiWtRzUvBy",
                "invite_expires_at": "2026-11-22T10:00:00Z",
            }
        }
    )

    invite_token: str | None = Field(
        description="Give it to the new user; they set their password with it at "
        "POST /v1/auth/password-reset. Null in an idempotent replay: start a reset instead."
    )
    invite_expires_at: datetime


class PasswordResetOut(BaseModel):
    """A one-time reset token for a user (shown once, valid 24 hours)."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "user_id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21",
                "reset_token": "nsp_1q2ZrT8wVb3mXo9LkP4sYdGh7uJcEaF0nQiWtRzUvBy",
                "expires_at": "2026-11-22T10:00:00Z",
            }
        }
    )

    user_id: uuid.UUID
    reset_token: str = Field(
        description="Give it to the user; they set a new password with it at "
        "POST /v1/auth/password-reset."
    )
    expires_at: datetime
