"""a key with a clinical scope is a clinical key, even with audit:read beside it

Revision ID: 0015_clinical_keys_kind
Revises: 0014_webhook_owner_key
Create Date: 2026-12-07 13:00:00.000000+00:00

Such a key (only the command line makes one) was filed as an auditor's: an auditor could
rotate it into a fresh secret that read notes, and no supervisor or admin saw it. Filed as
clinical, it is seen by supervisors and admins, and its rotation awaits approval again.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015_clinical_keys_kind"
down_revision: str | None = "0014_webhook_owner_key"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.execute(
        "UPDATE api_key SET kind = 'clinical' WHERE kind = 'audit' AND ("
        """CAST(scopes AS TEXT) LIKE '%"notes:read"%' """
        """OR CAST(scopes AS TEXT) LIKE '%"progress:read"%')"""
    )


def downgrade() -> None:
    """Nothing to revert: the earlier code reads a clinical kind as it is."""
