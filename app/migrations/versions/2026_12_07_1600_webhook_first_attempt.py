"""webhook deliveries remember their first attempt

Revision ID: 0016_webhook_first_attempt
Revises: 0015_audit_time_range
Create Date: 2026-12-07 16:00:00.000000+00:00

A message's retry window runs from its first attempt, not from its creation: messages queued
behind a failing one wait without an attempt, and counted from creation they were given up
after a single try once the one ahead of them was. Existing rows take their earliest
recorded attempt.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0016_webhook_first_attempt"
down_revision: str | None = "0015_audit_time_range"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("first_attempt_at", app.db.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute(
        "UPDATE webhook_delivery SET first_attempt_at = (SELECT min(a.attempted_at) "
        "FROM webhook_attempt a WHERE a.delivery_id = webhook_delivery.id)"
    )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_column("first_attempt_at")
