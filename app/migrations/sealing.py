"""Data migrations of protected columns: encrypt the plaintext a column held, or decrypt it back.

A revision that starts encrypting a column calls `seal_column` on upgrade and `unseal_column`
on downgrade. Both walk the column by primary key in batches, so a large table never sits in
memory, and both leave values already in the wanted form alone, so a re-run is harmless.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import context, op

from app.config import Settings
from app.security.encryption import DecryptionError, KeyRing, decrypt, encrypt, key_id_of

BATCH = 500


def key_ring() -> KeyRing:
    """The ring `migrations.upgrade` was given, else the one the service is configured with."""
    given = context.config.attributes.get("key_ring")
    if isinstance(given, KeyRing):
        return given
    settings = Settings()
    if settings.encryption_keys is not None:
        return KeyRing.from_config(settings.encryption_keys.get_secret_value())
    path = settings.data_dir / "encryption.keys"
    if path.exists():
        return KeyRing.from_file(path)
    # Never invent a key here: what it encrypted would be lost with this process.
    raise RuntimeError(
        "this migration encrypts existing rows: set NOTES_ENCRYPTION_KEYS, or NOTES_DATA_DIR "
        "to the folder holding the service's encryption.keys"
    )


def keys_for(table_name: str, column: str) -> KeyRing | None:
    """The key ring when the column holds any value, else None (an empty table needs no key).

    Called before a revision changes anything, so that missing keys leave the schema as it was.
    """
    table = sa.table(table_name, sa.column(column, sa.Text()))
    held = op.get_bind().execute(
        sa.select(sa.literal(1)).where(table.c[column].is_not(None)).limit(1)
    )
    return key_ring() if held.first() is not None else None


def erase_freed_space() -> None:
    """On SQLite, zero what is deleted or overwritten from now on (the build's default may not).

    Without it the pages of a rewritten table keep the old plaintext in the file's free space.
    """
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA secure_delete = ON")


def compact(table: str) -> None:
    """On PostgreSQL, rewrite the table so that the old row versions (plaintext) leave its files.

    VACUUM cannot run in a transaction: the work so far is committed first, which is safe
    because every step of these revisions can run again.
    """
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.execute(f'VACUUM FULL "{table}"')


def _rewrite(
    table_name: str, column: str, ring: KeyRing, convert: Callable[[str, str], str]
) -> None:
    """Replace each non-NULL value of a column by `convert(value, row id)`, in batches."""
    table = sa.table(table_name, sa.column("id", sa.Uuid()), sa.column(column, sa.Text()))
    bind = op.get_bind()
    last = None
    while True:
        query = sa.select(table.c.id, table.c[column]).where(table.c[column].is_not(None))
        if last is not None:
            query = query.where(table.c.id > last)
        rows = bind.execute(query.order_by(table.c.id).limit(BATCH)).all()
        if not rows:
            return
        for row_id, value in rows:
            fresh = convert(value, str(row_id))
            if fresh != value:
                bind.execute(sa.update(table).where(table.c.id == row_id).values({column: fresh}))
        last = rows[-1][0]


def seal_column(table: str, column: str, ring: KeyRing) -> None:
    """Encrypt every plaintext value of a column in place, bound to its table, column and row."""

    def seal(value: str, row_id: str) -> str:
        try:
            decrypt(ring, value, table=table, column=column, row_id=row_id)
            return value  # already this row's ciphertext: a re-run
        except DecryptionError:
            return encrypt(ring, value, table=table, column=column, row_id=row_id)

    _rewrite(table, column, ring, seal)


def unseal_column(table: str, column: str, ring: KeyRing) -> None:
    """Decrypt every value of a column in place, for a downgrade to a plaintext column."""

    def unseal(value: str, row_id: str) -> str:
        try:
            key_id_of(value)
        except ValueError:
            return value  # not a token: already plaintext
        # A token that fails to decrypt stops the downgrade rather than being lost.
        return decrypt(ring, value, table=table, column=column, row_id=row_id)

    _rewrite(table, column, ring, unseal)
