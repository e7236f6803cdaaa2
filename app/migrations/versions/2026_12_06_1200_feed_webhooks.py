"""change feed outbox, webhook endpoints and deliveries; updated_at indexes for lists

Revision ID: 0010_feed_webhooks
Revises: 0009_encrypt_rationale
Create Date: 2026-12-06 10:00:00.000000+00:00

feed_event rows are written in the transaction of the change they describe; feed_counter
holds each practice's last position, and its row lock orders concurrent writers so that
positions are gapless (docs/integrations.md). The application role needs INSERT, SELECT and
DELETE (retention purge) on feed_event, and SELECT, INSERT, UPDATE on feed_counter and the
webhook tables (DELETE too on the webhook tables: deleting an endpoint deletes its log).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "0010_feed_webhooks"
down_revision: str | None = "0009_encrypt_rationale"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "feed_counter",
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practice.id"], name=op.f("fk_feed_counter_practice_id_practice")
        ),
        sa.PrimaryKeyConstraint("practice_id", name=op.f("pk_feed_counter")),
    )
    op.create_table(
        "feed_event",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("occurred_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resource_type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("resource_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("actor_type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practice.id"], name=op.f("fk_feed_event_practice_id_practice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_event")),
        sa.UniqueConstraint(
            "practice_id", "position", name=op.f("uq_feed_event_practice_id_position")
        ),
    )
    with op.batch_alter_table("feed_event", schema=None) as batch_op:
        batch_op.create_index("ix_feed_event_occurred_at", ["occurred_at"], unique=False)

    op.create_table(
        "webhook_endpoint",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("event_types", sa.JSON(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("previous_secret", sa.Text(), nullable=True),
        sa.Column("previous_secret_expires_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("disabled_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("disabled_reason", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("failing_since", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cursor_position", sa.BigInteger(), nullable=False),
        sa.Column("lease_owner", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("lease_until", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practice.id"], name=op.f("fk_webhook_endpoint_practice_id_practice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoint")),
    )
    with op.batch_alter_table("webhook_endpoint", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhook_endpoint_practice_id"), ["practice_id"], unique=False
        )

    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("endpoint_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("event_type", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["webhook_endpoint.id"],
            name=op.f("fk_webhook_delivery_endpoint_id_webhook_endpoint"),
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practice.id"], name=op.f("fk_webhook_delivery_practice_id_practice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_delivery")),
    )
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.create_index(
            "ix_webhook_delivery_endpoint_id_created_at",
            ["endpoint_id", "created_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_webhook_delivery_endpoint_id_status",
            ["endpoint_id", "status", "position"],
            unique=False,
        )

    op.create_table(
        "webhook_attempt",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("delivery_id", sa.Uuid(), nullable=False),
        sa.Column("attempted_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["webhook_delivery.id"],
            name=op.f("fk_webhook_attempt_delivery_id_webhook_delivery"),
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practice.id"], name=op.f("fk_webhook_attempt_practice_id_practice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_attempt")),
    )
    with op.batch_alter_table("webhook_attempt", schema=None) as batch_op:
        batch_op.create_index(
            "ix_webhook_attempt_delivery_id_attempted_at",
            ["delivery_id", "attempted_at"],
            unique=False,
        )

    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.create_index(
            "ix_client_practice_id_updated_at", ["practice_id", "updated_at", "id"], unique=False
        )

    with op.batch_alter_table("session", schema=None) as batch_op:
        batch_op.create_index(
            "ix_session_practice_id_updated_at", ["practice_id", "updated_at", "id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("session", schema=None) as batch_op:
        batch_op.drop_index("ix_session_practice_id_updated_at")

    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_index("ix_client_practice_id_updated_at")

    with op.batch_alter_table("webhook_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_attempt_delivery_id_attempted_at")

    op.drop_table("webhook_attempt")
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_delivery_endpoint_id_status")
        batch_op.drop_index("ix_webhook_delivery_endpoint_id_created_at")

    op.drop_table("webhook_delivery")
    with op.batch_alter_table("webhook_endpoint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_endpoint_practice_id"))

    op.drop_table("webhook_endpoint")
    with op.batch_alter_table("feed_event", schema=None) as batch_op:
        batch_op.drop_index("ix_feed_event_occurred_at")

    op.drop_table("feed_event")
    op.drop_table("feed_counter")
