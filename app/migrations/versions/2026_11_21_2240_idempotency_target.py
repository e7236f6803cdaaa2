"""idempotency records keep the resource and clients their first request's event named

Revision ID: 0005_idempotency_target
Revises: 0004_themes_measures
Create Date: 2026-11-21 22:40:00.000000+00:00

A replayed response is audited like any request; without these columns its event could
name neither the created resource nor its client, and a client's access report would miss
the replay. Rows stored before this revision keep NULL: their replays name no resource.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005_idempotency_target"
down_revision: str | None = "0004_themes_measures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("idempotency_record", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("resource_type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )
        batch_op.add_column(
            sa.Column("resource_id", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True)
        )
        batch_op.add_column(sa.Column("client_ids", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("idempotency_record", schema=None) as batch_op:
        batch_op.drop_column("client_ids")
        batch_op.drop_column("resource_id")
        batch_op.drop_column("resource_type")
