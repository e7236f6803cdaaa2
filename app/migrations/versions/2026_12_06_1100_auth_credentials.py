"""one-time password tokens, a per-user token epoch, login attempts by source address

Revision ID: 0008_auth_credentials
Revises: 0007_audit_details
Create Date: 2026-11-22 09:00:00.000000+00:00

Invites and admin resets hand out one-time tokens (`password_token`, keyed hashes only).
`user.token_epoch` lets a password change end every access token of the user inside the
statement that already reads the user row. Lockout is counted per account and source
address, so `login_attempt` keeps the address (rows from before keep the empty string).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "0008_auth_credentials"
down_revision: str | None = "0007_audit_details"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("token_epoch", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "source_ip",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=False,
                server_default="",
            )
        )
        batch_op.create_index(
            "ix_login_attempt_source_ip_attempted_at", ["source_ip", "attempted_at"], unique=False
        )
    op.create_table(
        "password_token",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user.id"], name=op.f("fk_password_token_created_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practice.id"], name=op.f("fk_password_token_practice_id_practice")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_password_token_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_token_token_hash")),
    )
    with op.batch_alter_table("password_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_password_token_practice_id"), ["practice_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_password_token_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("password_token")
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempt_source_ip_attempted_at")
        batch_op.drop_column("source_ip")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("token_epoch")
