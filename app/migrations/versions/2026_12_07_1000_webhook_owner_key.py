"""webhook endpoints remember the API key that set them up

Revision ID: 0014_webhook_owner_key
Revises: 0013_feed_staff_only
Create Date: 2026-12-07 10:00:00.000000+00:00

An endpoint a key created (or last enabled) stops with that key: revoked or expired, the
endpoint is disabled, so no event leaves for a URL whose credential is gone. Existing
endpoints have no owner key recorded; they keep working as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_webhook_owner_key"
down_revision: str | None = "0013_feed_staff_only"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("webhook_endpoint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_key_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            "fk_webhook_endpoint_owner_key_id_api_key", "api_key", ["owner_key_id"], ["id"]
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("webhook_endpoint", schema=None) as batch_op:
        batch_op.drop_constraint("fk_webhook_endpoint_owner_key_id_api_key", type_="foreignkey")
        batch_op.drop_column("owner_key_id")
