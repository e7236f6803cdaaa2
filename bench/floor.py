"""Performance floor: a bare FastAPI app on a raw asyncpg pool.

The service under test is reported as a ratio of this app, measured back to back on the same
machine with the same worker count. Per request it does the minimum honest work the service's
read and write paths also do:

* ``GET /notes/{id}``: check ``Authorization: Bearer <token>`` (constant-time compare), then in
  one transaction select one ``floor_note`` row by primary key and insert one ``floor_audit``
  row; answer the note as JSON (404 when absent, audited all the same).
* ``POST /notes/{id}/observations`` (the write twin): same auth, then in one transaction insert
  one ``floor_observation`` row and one ``floor_audit`` row; answer 201 with the row as JSON.

Serve with ``uvicorn bench.floor:app``. Environment:

* ``FLOOR_DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/notes_bench_floor``);
  the database is created when missing, the tables at startup when missing.
* ``FLOOR_POOL_SIZE`` (default 10): min and max size of the asyncpg pool, per worker.
* ``FLOOR_TOKEN`` (default ``floor-token``): the accepted bearer token.

CLI (prints nothing on success)::

    python -m bench.floor seed N IDS_FILE   # insert N notes, write their ids one per line
    python -m bench.floor reset             # truncate the floor tables
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import importlib.util
import os
import secrets
import sys
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg  # type: ignore[import-untyped, unused-ignore]
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, ORJSONResponse
from pydantic import BaseModel, Field

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/notes_bench_floor"
DEFAULT_POOL_SIZE = 10
DEFAULT_TOKEN = "floor-token"  # noqa: S105 - benchmark-only token, overridable by env

#: Advisory lock key serialising schema creation when several workers start at once.
_SCHEMA_LOCK_KEY = 0x6E6F746573  # "notes"

SCHEMA_SQL: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS floor_note (
        id uuid PRIMARY KEY,
        practice_id uuid NOT NULL,
        body text NOT NULL,
        updated_at timestamptz NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS floor_audit (
        id bigserial PRIMARY KEY,
        occurred_at timestamptz NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        resource_id uuid,
        status int NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS floor_observation (
        id uuid PRIMARY KEY,
        note_id uuid NOT NULL,
        theme_code text NOT NULL,
        intensity int NOT NULL,
        created_at timestamptz NOT NULL
    )
    """,
)

SELECT_NOTE_SQL = "SELECT id, practice_id, body, updated_at FROM floor_note WHERE id = $1"
INSERT_AUDIT_SQL = (
    "INSERT INTO floor_audit (occurred_at, actor, action, resource_id, status) "
    "VALUES (now(), $1, $2, $3, $4)"
)
INSERT_OBSERVATION_SQL = (
    "INSERT INTO floor_observation (id, note_id, theme_code, intensity, created_at) "
    "VALUES ($1, $2, $3, $4, now()) RETURNING created_at"
)

ACTOR = "floor-client"

# orjson is optional: use it only when it is installed, as the service would.
_RESPONSE_CLASS: type[JSONResponse] = (
    ORJSONResponse if importlib.util.find_spec("orjson") is not None else JSONResponse
)


def database_url() -> str:
    """The floor's DSN from ``FLOOR_DATABASE_URL`` or the default."""
    return os.environ.get("FLOOR_DATABASE_URL", DEFAULT_DSN)


def pool_size() -> int:
    """Min and max asyncpg pool size from ``FLOOR_POOL_SIZE`` (default 10)."""
    return int(os.environ.get("FLOOR_POOL_SIZE", str(DEFAULT_POOL_SIZE)))


def expected_token() -> str:
    """The accepted bearer token from ``FLOOR_TOKEN``."""
    return os.environ.get("FLOOR_TOKEN", DEFAULT_TOKEN)


async def ensure_database(dsn: str) -> None:
    """Create the DSN's database when it does not exist (via the ``postgres`` database)."""
    try:
        conn = await asyncpg.connect(dsn)
    except asyncpg.InvalidCatalogNameError:
        parts = urlsplit(dsn)
        db_name = parts.path.lstrip("/")
        admin_dsn = urlunsplit(parts._replace(path="/postgres"))
        admin = await asyncpg.connect(admin_dsn)
        try:
            quoted = '"' + db_name.replace('"', '""') + '"'
            await admin.execute(f"CREATE DATABASE {quoted}")
        except asyncpg.DuplicateDatabaseError:
            pass  # another worker won the race
        finally:
            await admin.close()
    else:
        await conn.close()


async def ensure_schema(conn: Any) -> None:
    """Create the floor tables when missing; safe with several workers starting at once."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _SCHEMA_LOCK_KEY)
        for statement in SCHEMA_SQL:
            await conn.execute(statement)


class _State:
    pool: Any = None
    token: bytes = DEFAULT_TOKEN.encode()


_state = _State()


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    dsn = database_url()
    size = pool_size()
    await ensure_database(dsn)
    _state.token = expected_token().encode()
    _state.pool = await asyncpg.create_pool(dsn, min_size=size, max_size=size, init=None)
    async with _state.pool.acquire() as conn:
        await ensure_schema(conn)
    try:
        yield
    finally:
        pool, _state.pool = _state.pool, None
        await pool.close()


app = FastAPI(
    title="notes bench floor",
    lifespan=lifespan,
    docs_url=None,
    redoc_url=None,
    openapi_url=None,
    default_response_class=_RESPONSE_CLASS,
)


def _authorized(request: Request) -> bool:
    header = request.headers.get("authorization")
    if header is None or header[:7].lower() != "bearer ":
        return False
    return hmac.compare_digest(header[7:].strip().encode(), _state.token)


def _unauthorized() -> JSONResponse:
    return _RESPONSE_CLASS(
        {"detail": "unauthorized"},
        status_code=401,
        headers={"WWW-Authenticate": "Bearer"},
    )


class ObservationIn(BaseModel):
    theme_code: str = Field(min_length=1, max_length=64)
    intensity: int


@app.get("/notes/{note_id}")
async def read_note(note_id: uuid.UUID, request: Request) -> JSONResponse:
    if not _authorized(request):
        return _unauthorized()
    async with _state.pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow(SELECT_NOTE_SQL, note_id)
        status = 200 if row is not None else 404
        await conn.execute(INSERT_AUDIT_SQL, ACTOR, "note.read", note_id, status)
    if row is None:
        return _RESPONSE_CLASS({"detail": "note not found"}, status_code=404)
    updated_at: datetime = row["updated_at"]
    return _RESPONSE_CLASS(
        {
            "id": str(row["id"]),
            "practice_id": str(row["practice_id"]),
            "body": row["body"],
            "updated_at": updated_at.isoformat(),
        }
    )


@app.post("/notes/{note_id}/observations", status_code=201)
async def create_observation(
    note_id: uuid.UUID, payload: ObservationIn, request: Request
) -> JSONResponse:
    if not _authorized(request):
        return _unauthorized()
    observation_id = uuid.uuid4()
    async with _state.pool.acquire() as conn, conn.transaction():
        created_at: datetime = await conn.fetchval(
            INSERT_OBSERVATION_SQL,
            observation_id,
            note_id,
            payload.theme_code,
            payload.intensity,
        )
        await conn.execute(INSERT_AUDIT_SQL, ACTOR, "observation.create", note_id, 201)
    return _RESPONSE_CLASS(
        {
            "id": str(observation_id),
            "note_id": str(note_id),
            "theme_code": payload.theme_code,
            "intensity": payload.intensity,
            "created_at": created_at.isoformat(),
        },
        status_code=201,
    )


# --- seeding -------------------------------------------------------------------------------


def _note_body(size: int) -> str:
    # Deterministic-length, non-compressible-looking text (hex), cut to ``size`` characters.
    return secrets.token_hex((size + 1) // 2)[:size]


async def seed_notes(
    n: int,
    dsn: str | None = None,
    *,
    practice_id: uuid.UUID | None = None,
    body_size: int = 512,
) -> list[uuid.UUID]:
    """Insert ``n`` notes (creating database and tables when missing); return their ids."""
    target = dsn or database_url()
    await ensure_database(target)
    conn = await asyncpg.connect(target)
    try:
        await ensure_schema(conn)
        practice = practice_id or uuid.uuid4()
        now = datetime.now(UTC)
        ids = [uuid.uuid4() for _ in range(n)]
        records = [(note_id, practice, _note_body(body_size), now) for note_id in ids]
        await conn.copy_records_to_table(
            "floor_note",
            records=records,
            columns=["id", "practice_id", "body", "updated_at"],
        )
        await conn.execute("ANALYZE floor_note")
    finally:
        await conn.close()
    return ids


def write_ids(ids: Sequence[uuid.UUID], ids_file: str | os.PathLike[str]) -> None:
    """Write ``ids`` to ``ids_file``, one per line."""
    Path(ids_file).write_text("".join(f"{note_id}\n" for note_id in ids), encoding="utf-8")


def seed(
    n: int,
    ids_file: str | os.PathLike[str],
    dsn: str | None = None,
    *,
    body_size: int = 512,
) -> list[uuid.UUID]:
    """Synchronous seeding helper: insert ``n`` notes and write their ids to ``ids_file``."""
    ids = asyncio.run(seed_notes(n, dsn, body_size=body_size))
    write_ids(ids, ids_file)
    return ids


async def reset_tables(dsn: str | None = None) -> None:
    """Truncate the floor tables (creating them when missing)."""
    target = dsn or database_url()
    await ensure_database(target)
    conn = await asyncpg.connect(target)
    try:
        await ensure_schema(conn)
        await conn.execute("TRUNCATE floor_note, floor_audit, floor_observation RESTART IDENTITY")
    finally:
        await conn.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__)
    parser.add_argument("--dsn", default=None, help="overrides FLOOR_DATABASE_URL")
    sub = parser.add_subparsers(dest="command", required=True)
    seed_cmd = sub.add_parser("seed", help="insert N notes and write their ids to a file")
    seed_cmd.add_argument("n", type=int)
    seed_cmd.add_argument("ids_file")
    seed_cmd.add_argument("--body-size", type=int, default=512)
    sub.add_parser("reset", help="truncate the floor tables")
    args = parser.parse_args(argv)
    if args.command == "seed":
        seed(args.n, args.ids_file, args.dsn, body_size=args.body_size)
    else:
        asyncio.run(reset_tables(args.dsn))
    return 0


if __name__ == "__main__":
    sys.exit(main())
