"""audit log: Merkle leaves, nodes, signed checkpoints, reviews; append-only triggers

Revision ID: 0002_audit_log
Revises: 0001_foundation
Create Date: 2026-11-21 19:40:00.000000+00:00

Every audit table is insert-only. Triggers reject UPDATE, DELETE and TRUNCATE on
PostgreSQL and UPDATE and DELETE on SQLite (which has no TRUNCATE). Sequencing is an INSERT
into audit_leaf, never an UPDATE of audit_event.

Least-privilege application role (PostgreSQL). Migrations run as the schema owner; the
service connects as a role that cannot change or drop what it has written, cannot disable
triggers (only the owner can ALTER TABLE) and cannot set session_replication_role (only a
superuser can):

    CREATE ROLE notes_owner NOLOGIN;             -- owns the schema, runs `notes-api migrate`
    CREATE ROLE notes_app LOGIN PASSWORD '...';  -- what NOTES_DATABASE_URL names
    GRANT CONNECT ON DATABASE notes TO notes_app;
    GRANT USAGE ON SCHEMA public TO notes_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO notes_app;
    REVOKE UPDATE, DELETE, TRUNCATE ON audit_event, audit_event_client, audit_leaf,
        audit_node, audit_checkpoint, audit_review FROM notes_app;
    REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM notes_app;
    ALTER DEFAULT PRIVILEGES FOR ROLE notes_owner IN SCHEMA public
        GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO notes_app;

The grants and the triggers guard each other: a stolen application credential cannot
rewrite history, and a mistaken owner statement is still refused by the triggers. What
neither stops (a superuser behind the triggers' back) the Merkle tree and the signed
checkpoints reveal. docs/audit.md has the full list.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "0002_audit_log"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUDIT_TABLES = (
    "audit_event",
    "audit_event_client",
    "audit_leaf",
    "audit_node",
    "audit_checkpoint",
    "audit_review",
)
BREAK_GLASS = "break_glass_reason IS NOT NULL"

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def _create_tables() -> None:
    op.create_table(
        "audit_checkpoint",
        sa.Column("tree_size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("timestamp", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("key_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("signed_note", sa.Text(), nullable=False),
        sa.Column("signature", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.PrimaryKeyConstraint("tree_size", name=op.f("pk_audit_checkpoint")),
    )
    op.create_table(
        "audit_node",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("level", "index", name=op.f("pk_audit_node")),
    )
    op.create_table(
        "audit_leaf",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("seal", sa.LargeBinary(length=32), nullable=False),
        sa.Column("sequenced_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["audit_event.id"], name=op.f("fk_audit_leaf_event_id_audit_event")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_leaf")),
        sa.UniqueConstraint("event_id", name=op.f("uq_audit_leaf_event_id")),
    )
    op.create_table(
        "audit_review",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("review_event_id", sa.Uuid(), nullable=False),
        sa.Column("reviewer_id", sa.Uuid(), nullable=False),
        sa.Column("reviewer_type", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("reviewed_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["audit_event.id"], name=op.f("fk_audit_review_event_id_audit_event")
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practice.id"], name=op.f("fk_audit_review_practice_id_practice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_review")),
    )


def _create_indexes() -> None:
    # Plain op.create_index, never batch_alter_table: a batch "move and copy" of an audit
    # table on SQLite would silently drop its triggers.
    op.create_index(
        "ix_audit_review_event_id_reviewed_at", "audit_review", ["event_id", "reviewed_at"]
    )
    op.create_index(op.f("ix_audit_review_practice_id"), "audit_review", ["practice_id"])
    op.create_index("ix_audit_event_occurred_at", "audit_event", ["occurred_at", "id"])
    op.create_index(
        "ix_audit_event_break_glass",
        "audit_event",
        ["practice_id", "occurred_at", "id"],
        postgresql_where=sa.text(BREAK_GLASS),
        sqlite_where=sa.text(BREAK_GLASS),
    )


def _create_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table in AUDIT_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
            )
        return
    for table in AUDIT_TABLES:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'audit table {table} is append-only: "
                f"{verb} refused'); END"
            )


def _drop_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in AUDIT_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS audit_append_only()")
        return
    for table in AUDIT_TABLES:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")


def upgrade() -> None:
    """Apply this revision."""
    _create_tables()
    _create_indexes()
    _create_triggers()


def downgrade() -> None:
    """Revert this revision."""
    _drop_triggers()
    op.drop_index("ix_audit_event_break_glass", table_name="audit_event")
    op.drop_index("ix_audit_event_occurred_at", table_name="audit_event")
    op.drop_index(op.f("ix_audit_review_practice_id"), table_name="audit_review")
    op.drop_index("ix_audit_review_event_id_reviewed_at", table_name="audit_review")
    op.drop_table("audit_review")
    op.drop_table("audit_leaf")
    op.drop_table("audit_node")
    op.drop_table("audit_checkpoint")
