"""Staff members, their credentials and login throttling."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, id_field, practice_fk, timestamp_field


class User(SQLModel, table=True):
    """A staff member of one practice; email is unique across the service (stored lowercased)."""

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID = practice_fk()
    email: str = Field(max_length=254, unique=True)
    display_name: str = Field(max_length=200)
    role: str = Field(max_length=20)
    supervisor_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    requires_cosign: bool = False
    active: bool = True
    # Empty until an invited user sets a password: no password then verifies.
    password_hash: str = Field(max_length=255)
    # Bumped when every token of the user must stop at once (a password change or reset);
    # access tokens carry the epoch they were issued in.
    token_epoch: int = 0
    version: int = 1
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class ApiKey(SQLModel, table=True):
    """An integration credential; only a keyed hash of the secret is stored."""

    __tablename__ = "api_key"

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID = practice_fk()
    name: str = Field(max_length=100)
    prefix: str = Field(max_length=16)
    secret_hash: str = Field(max_length=64, unique=True)
    scopes: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    created_by: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = created_at_field()
    revoked_at: datetime | None = timestamp_field()
    last_used_at: datetime | None = timestamp_field()
    expires_at: datetime | None = timestamp_field()
    # audit, clinical or operational: decides who manages the key (app/api_keys/rules.py).
    kind: str = Field(max_length=16)
    # Clinical scopes created through the API wait for a supervisor (SPEC §2.1).
    pending_approval: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    approved_by: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    approved_at: datetime | None = timestamp_field()
    rotated_at: datetime | None = timestamp_field()
    # The secret a rotation replaced, valid until its grace period ends.
    previous_secret_hash: str | None = Field(default=None, max_length=64, unique=True)
    previous_secret_expires_at: datetime | None = timestamp_field()


class RefreshToken(SQLModel, table=True):
    """A rotating refresh token; reuse of a rotated one revokes its family."""

    __tablename__ = "refresh_token"

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID = practice_fk()
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    family_id: uuid.UUID = Field(index=True)
    token_hash: str = Field(max_length=64, unique=True)
    issued_at: datetime = created_at_field()
    expires_at: datetime = created_at_field()
    rotated_at: datetime | None = timestamp_field()
    revoked_at: datetime | None = timestamp_field()


class RevokedAccessToken(SQLModel, table=True):
    """An access token revoked by logout before it expires."""

    __tablename__ = "revoked_access_token"

    jti: str = Field(primary_key=True, max_length=64)
    practice_id: uuid.UUID = practice_fk()
    expires_at: datetime = created_at_field()


class LoginAttempt(SQLModel, table=True):
    """A login attempt, kept in the database so throttling holds across replicas."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        sa.Index("ix_login_attempt_email_attempted_at", "email", "attempted_at"),
        sa.Index("ix_login_attempt_source_ip_attempted_at", "source_ip", "attempted_at"),
    )

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID | None = Field(default=None, foreign_key="practice.id")
    email: str = Field(max_length=254)
    # The client address as the app sees it (ASGI `client`; proxies are not trusted).
    source_ip: str = Field(default="", max_length=64)
    succeeded: bool
    attempted_at: datetime = created_at_field()


class PasswordToken(SQLModel, table=True):
    """A one-time token to set a password: an invite or an admin's reset (keyed hash only)."""

    __tablename__ = "password_token"

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID = practice_fk()
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    purpose: str = Field(max_length=10)  # "invite" or "reset"
    token_hash: str = Field(max_length=64, unique=True)
    # The admin who started it; None for the operator's command line.
    created_by: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = created_at_field()
    expires_at: datetime = created_at_field()
    used_at: datetime | None = timestamp_field()
