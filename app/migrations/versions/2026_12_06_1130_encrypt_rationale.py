"""phase-transition rationales are encrypted like every free-text clinical field

Revision ID: 0009_encrypt_rationale
Revises: 0008_auth_credentials
Create Date: 2026-12-06 10:00:00.000000+00:00

SPEC §5 lists phase-transition rationales among the fields encrypted at rest; they were
stored in plaintext. The column becomes TEXT (a ciphertext is longer than the 2000
characters the API accepts) and every existing rationale is encrypted in place with the
service's active key (`migrations.upgrade(..., key_ring=)`, else NOTES_ENCRYPTION_KEYS or
the data folder's encryption.keys). The plaintext does not linger in the database files:
SQLite zeroes freed space, PostgreSQL's table is rewritten (VACUUM FULL). Downgrade decrypts
them back.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from app.migrations.sealing import (
    compact,
    erase_freed_space,
    keys_for,
    seal_column,
    unseal_column,
)

revision: str = "0009_encrypt_rationale"
down_revision: str | None = "0008_auth_credentials"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    ring = keys_for("phase_transition", "rationale")  # before any change: none may be missing
    erase_freed_space()
    with op.batch_alter_table("phase_transition", schema=None) as batch_op:
        batch_op.alter_column(
            "rationale",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=2000),
            type_=sa.Text(),
            existing_nullable=True,
        )
    if ring is not None:
        seal_column("phase_transition", "rationale", ring)
        compact("phase_transition")


def downgrade() -> None:
    """Revert this revision."""
    ring = keys_for("phase_transition", "rationale")
    if ring is not None:
        unseal_column("phase_transition", "rationale", ring)
    with op.batch_alter_table("phase_transition", schema=None) as batch_op:
        batch_op.alter_column(
            "rationale",
            existing_type=sa.Text(),
            type_=sqlmodel.sql.sqltypes.AutoString(length=2000),
            existing_nullable=True,
        )
