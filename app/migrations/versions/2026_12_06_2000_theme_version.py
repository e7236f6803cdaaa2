"""themes carry a version: their ETag, and If-Match on a change

Revision ID: 0011_theme_version
Revises: 0010_feed_webhooks
Create Date: 2026-12-06 20:00:00.000000+00:00

Every other resource a PATCH changes has a version for its ETag (SPEC §4: ETag on single
resources); practice themes had none, so a stale If-Match could not be told from a current
one. Existing themes start at version 1.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_theme_version"
down_revision: str | None = "0010_feed_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.drop_column("version")
