"""audit events may name the ids a change added or removed (details)

Revision ID: 0007_audit_details
Revises: 0006_api_key_lifecycle
Create Date: 2026-12-06 10:00:00.000000+00:00

A care-team change must name the users it added and removed (SPEC §2.1). Older events keep
NULL, and a NULL `details` is left out of the hashed event object, so their leaf hashes and
every saved checkpoint stay valid. A plain ADD COLUMN (never a table rebuild) keeps the
append-only triggers in place on SQLite.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_audit_details"
down_revision: str | None = "0006_api_key_lifecycle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column("audit_event", sa.Column("details", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    op.drop_column("audit_event", "details")
