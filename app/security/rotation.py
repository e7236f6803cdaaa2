"""`notes-api rotate-keys`: re-encrypt every encrypted column under the active key.

Work goes column by column, in small batches that each commit on their own, so the command
can be killed at any moment and run again: a batch either committed (its rows are under the
active key and are not selected again) or rolled back (its rows still decrypt under their old
key). Each row is updated only if its ciphertext is still the one that was read, so a
concurrent write by the API (always under the active key) is never overwritten.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import SQLModel, col

from app.audit.context import AuditContext
from app.audit.recorder import add_event, build_event
from app.models import Practice
from app.security.encryption import VERSION, DecryptionError, KeyRing, encrypt, reencrypt

log = logging.getLogger("notes.rotation")

DEFAULT_BATCH_SIZE = 200


@dataclass(frozen=True)
class EncryptedColumn:
    """A column of encryption tokens bound to (table, column, row id)."""

    table: str
    column: str


# Every encrypted column of the service. A new encrypted column must be registered here (or
# through `register`) so that rotation re-encrypts it; tests check the list covers the tables.
ENCRYPTED_COLUMNS: list[EncryptedColumn] = [
    EncryptedColumn("note", "body"),
    EncryptedColumn("note", "risk_details"),
    EncryptedColumn("note", "plan"),
    EncryptedColumn("note", "return_comment"),
    EncryptedColumn("addendum", "body"),
    EncryptedColumn("addendum", "reason"),
    EncryptedColumn("client", "presenting_concerns"),
    EncryptedColumn("episode", "goals"),
    EncryptedColumn("episode", "close_summary"),
    EncryptedColumn("phase_transition", "rationale"),
    EncryptedColumn("observation", "evidence"),
    EncryptedColumn("relationship_episode", "other_person"),
    EncryptedColumn("relationship_episode", "wish_text"),
    EncryptedColumn("relationship_episode", "response_of_other_text"),
    EncryptedColumn("relationship_episode", "response_of_self_text"),
    EncryptedColumn("idempotency_record", "response_body"),
    EncryptedColumn("webhook_endpoint", "secret"),
    EncryptedColumn("webhook_endpoint", "previous_secret"),
]


def register(table: str, column: str) -> None:
    """Add an encrypted column to the rotation (idempotent)."""
    entry = EncryptedColumn(table, column)
    if entry not in ENCRYPTED_COLUMNS:
        ENCRYPTED_COLUMNS.append(entry)


@dataclass
class RotationReport:
    """What a run did: rows re-encrypted per column, rows that failed, batches committed."""

    active_key_id: str
    rotated: dict[str, int] = field(default_factory=dict)
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    batches: int = 0

    @property
    def total(self) -> int:
        """Rows re-encrypted in this run."""
        return sum(self.rotated.values())


def _present_columns() -> list[EncryptedColumn]:
    """Registered columns whose table exists in this version of the schema."""
    tables = SQLModel.metadata.tables
    return [
        entry
        for entry in ENCRYPTED_COLUMNS
        if entry.table in tables and entry.column in tables[entry.table].c
    ]


async def rotate(
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    ring: KeyRing,
    batch_size: int = DEFAULT_BATCH_SIZE,
    after_batch: Callable[[int], None] | None = None,
) -> RotationReport:
    """Re-encrypt every registered column under the active key; safe to interrupt and re-run."""
    report = RotationReport(active_key_id=ring.active_key_id)
    for entry in _present_columns():
        report.rotated[f"{entry.table}.{entry.column}"] = await _rotate_column(
            sessionmaker, ring, entry, batch_size, report, after_batch
        )
    return report


async def _rotate_column(
    sessionmaker: async_sessionmaker[AsyncSession],
    ring: KeyRing,
    entry: EncryptedColumn,
    batch_size: int,
    report: RotationReport,
    after_batch: Callable[[int], None] | None,
) -> int:
    table = sa.table(entry.table, sa.column("id", sa.Uuid()), sa.column(entry.column, sa.Text()))
    row_id, value = table.c.id, table.c[entry.column]
    current = f"{VERSION}.{ring.active_key_id}."
    stale = sa.and_(value.is_not(None), sa.not_(value.startswith(current, autoescape=True)))
    last: uuid.UUID | None = None
    rotated = 0
    while True:
        query = select(row_id, value).where(stale)
        if last is not None:
            query = query.where(row_id > last)
        async with sessionmaker() as session:
            rows = (await session.execute(query.order_by(row_id).limit(batch_size))).all()
            if not rows:
                return rotated
            for ident, token in rows:
                fresh = _reencrypted(ring, entry, ident, token, report)
                if fresh is None:
                    continue
                result = await session.execute(
                    sa.update(table)
                    .where(row_id == ident, value == token)
                    .values({entry.column: fresh})
                )
                rotated += result.rowcount  # type: ignore[attr-defined]
            await session.commit()
        last = rows[-1][0]
        report.batches += 1
        if after_batch is not None:
            after_batch(report.batches)


def _reencrypted(
    ring: KeyRing, entry: EncryptedColumn, ident: uuid.UUID, token: str, report: RotationReport
) -> str | None:
    """The token under the active key, or None (logged by location only) when unreadable."""
    location = {"table": entry.table, "column": entry.column, "row_id": str(ident)}
    if not token.startswith(f"{VERSION}."):
        # Plaintext, written by a version that did not yet encrypt this column (an old replica
        # still running after the migration): sealing it is what the migration would have done.
        log.warning("sealed plaintext found in %s.%s of row %s", entry.table, entry.column, ident)
        return encrypt(ring, token, **location)
    try:
        return reencrypt(ring, token, **location)
    except (DecryptionError, ValueError):
        log.error(
            "security event: cannot re-encrypt %s.%s of row %s; it keeps its old key",
            entry.table,
            entry.column,
            ident,
        )
        report.failed.append((entry.table, entry.column, str(ident)))
        return None


async def record_rotation(session: AsyncSession, report: RotationReport) -> int:
    """One audit event per practice (actor `system`) saying the keys were rotated; flushes."""
    practice_ids = list((await session.execute(select(col(Practice.id)))).scalars())
    request_id = f"cli-{uuid.uuid4().hex}"
    status = 500 if report.failed else 200
    for practice_id in practice_ids:
        ctx = AuditContext(
            request_id=request_id,
            method="CLI",
            path="notes-api rotate-keys",
            source_ip=None,
            user_agent="notes-api",
        )
        ctx.route = "notes-api rotate-keys"
        ctx.action = "encryption.rotate_keys"
        ctx.actor_type = "system"
        ctx.practice_id = practice_id
        ctx.target("encryption_key", report.active_key_id)
        await add_event(session, build_event(ctx, status))
    await session.flush()
    return len(practice_ids)
