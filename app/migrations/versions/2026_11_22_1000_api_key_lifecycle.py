"""api keys: expiry, supervisor approval of clinical scopes, rotation with a grace period

Revision ID: 0006_api_key_lifecycle
Revises: 0005_idempotency_target
Create Date: 2026-11-22 10:00:00.000000+00:00

Keys stored before this revision get their kind from their scopes, never expire, need no
approval (an admin or the operator made them before separation of duties) and have no
previous secret.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "0006_api_key_lifecycle"
down_revision: str | None = "0005_idempotency_target"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_KEYS = sa.table(
    "api_key", sa.column("id", sa.Uuid()), sa.column("scopes", sa.JSON()), sa.column("kind")
)


def _kind(scopes: list[str]) -> str:
    # As app.security.api_keys.key_kind decides it today; a migration keeps its own copy.
    if "audit:read" in scopes:
        return "audit"
    if {"notes:read", "progress:read"} & set(scopes):
        return "clinical"
    return "operational"


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
    bind = op.get_bind()
    for key_id, scopes in bind.execute(sa.select(_KEYS.c.id, _KEYS.c.scopes)).all():
        bind.execute(
            _KEYS.update().where(_KEYS.c.id == key_id).values(kind=_kind(list(scopes or [])))
        )
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.alter_column(
            "kind", existing_type=sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False
        )
        batch_op.add_column(
            sa.Column("expires_at", app.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("pending_approval", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("approved_by", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column("approved_at", app.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("rotated_at", app.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "previous_secret_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "previous_secret_expires_at", app.db.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_api_key_approved_by_user"), "user", ["approved_by"], ["id"]
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_api_key_previous_secret_hash"), ["previous_secret_hash"]
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_api_key_previous_secret_hash"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_api_key_approved_by_user"), type_="foreignkey")
        batch_op.drop_column("previous_secret_expires_at")
        batch_op.drop_column("previous_secret_hash")
        batch_op.drop_column("rotated_at")
        batch_op.drop_column("approved_at")
        batch_op.drop_column("approved_by")
        batch_op.drop_column("pending_approval")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("kind")
