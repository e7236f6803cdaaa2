"""audit events refuse a time no reader can hold

Revision ID: 0015_audit_time_range
Revises: 0014_webhook_owner_key
Create Date: 2026-12-07 13:10:00.000000+00:00

The application role may INSERT into audit_event and audit_event_client. A row dated
outside years 1-9999 cannot be read back into Python (asyncpg raises OverflowError), so one
such row made the auditor's search and the sequencer fail on every pass. It is now refused
on insert by a trigger (a CHECK constraint would be checked against rows already stored,
which cannot be deleted, and SQLite's ALTER TABLE cannot add one: batch mode would drop the
append-only triggers). Rows stored before this revision are not re-read.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015_audit_time_range"
down_revision: str | None = "0014_webhook_owner_key"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("audit_event", "audit_event_client")
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_time_range() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.occurred_at < '0001-01-01 00:00:00+00' OR NEW.occurred_at >= '10000-01-01 00:00:00+00'
    THEN
        RAISE EXCEPTION '%.occurred_at out of range', TG_TABLE_NAME;
    END IF;
    RETURN NEW;
END $$
"""


def upgrade() -> None:
    """Apply this revision."""
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute(PG_FUNCTION)
    for table in TABLES:
        if postgres:
            op.execute(
                f"CREATE TRIGGER {table}_occurred_at_range BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION audit_time_range()"
            )
            continue
        # SQLite keeps the text SQLAlchemy wrote ('YYYY-MM-DD HH:MM:SS.ffffff'); datetime()
        # is NULL for what it cannot read; year 0 and a fifth year digit are out of range.
        op.execute(
            f"CREATE TRIGGER {table}_occurred_at_range BEFORE INSERT ON {table} "
            "WHEN datetime(NEW.occurred_at) IS NULL OR NEW.occurred_at < '0001' "
            "OR NEW.occurred_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' "
            f"BEGIN SELECT RAISE(ABORT, '{table}.occurred_at out of range'); END"
        )


def downgrade() -> None:
    """Revert this revision."""
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        on = f" ON {table}" if postgres else ""
        op.execute(f"DROP TRIGGER {table}_occurred_at_range{on}")
    if postgres:
        op.execute("DROP FUNCTION audit_time_range()")
