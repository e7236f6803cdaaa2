"""feed events of staff whom keys do not read are marked as such

Revision ID: 0013_feed_staff_only
Revises: 0012_idempotency_role
Create Date: 2026-12-07 04:00:00.000000+00:00

`users:read` keys read clinicians only (SPEC §9): a `user.*` event of an admin or auditor is
shown to admins alone, never to keys or webhooks. Decided when the event is written, by the
user's role then (before and after the change), so the feed's history does not move when a
role changes later. Existing events take the user's role now, the best knowledge there is.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_feed_staff_only"
down_revision: str | None = "0012_idempotency_role"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FEED = sa.table(
    "feed_event",
    sa.column("resource_type", sa.String),
    sa.column("resource_id", sa.Uuid),
    sa.column("staff_only", sa.Boolean),
)
_USER = sa.table("user", sa.column("id", sa.Uuid), sa.column("role", sa.String))


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("feed_event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("staff_only", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    others = sa.select(_USER.c.id).where(_USER.c.role.not_in(("therapist", "supervisor")))
    op.execute(
        _FEED.update()
        .where(_FEED.c.resource_type == "user", _FEED.c.resource_id.in_(others))
        .values(staff_only=True)
    )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("feed_event", schema=None) as batch_op:
        batch_op.drop_column("staff_only")
