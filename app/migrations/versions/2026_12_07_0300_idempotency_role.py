"""idempotency records keep the role their response was made for

Revision ID: 0012_idempotency_role
Revises: 0011_theme_version
Create Date: 2026-12-07 03:00:00.000000+00:00

A stored response shows what its caller's role could see then (a therapist's new client holds
its presenting concerns). After a role change it is no longer replayed (409). Records made
before this revision have no role and replay as before; they expire within 48 hours.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_idempotency_role"
down_revision: str | None = "0011_theme_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("idempotency_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("caller_role", sa.String(length=20), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("idempotency_record", schema=None) as batch_op:
        batch_op.drop_column("caller_role")
