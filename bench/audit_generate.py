"""Bulk-generate a realistic access log for measurement (COPY on PostgreSQL).

    python -m bench.audit_generate --events 1000000 [--practice ID] [--clients N] [--days N]

reads the service's settings (NOTES_DATABASE_URL, the signing key) like `notes-api`.

The events look like a practice's traffic over ``days``: reads and lists of clients,
sessions and notes, some writes, denied and not-found attempts, logins, and a few
break-the-glass accesses, spread over a pool of staff and clients. They are inserted the
way the pipeline writes them (event row plus per-client index rows) and then sequenced.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.ext.asyncio import AsyncEngine

from app.audit.ledger.sequencer import run_once
from app.audit.ledger.tree import EVENT, EVENT_CLIENT
from app.config import Settings, get_settings
from app.db import create_engine, utcnow
from app.models import Practice
from app.security.secrets import load_secrets

BATCH: Final = 20_000
# (action, resource type, method, route, weight)
_ACTIONS: Final = (
    ("client.read", "client", "GET", "/v1/clients/{id}", 20),
    ("client.list", "client", "GET", "/v1/clients", 8),
    ("session.list", "session", "GET", "/v1/sessions", 12),
    ("session.read", "session", "GET", "/v1/sessions/{id}", 10),
    ("note.read", "note", "GET", "/v1/notes/{id}", 20),
    ("note.update", "note", "PATCH", "/v1/notes/{id}", 6),
    ("note.sign", "note", "POST", "/v1/notes/{id}/sign", 3),
    ("progress.read", "episode", "GET", "/v1/episodes/{id}/progress", 6),
    ("measure.create", "measure", "POST", "/v1/clients/{id}/measures", 3),
    ("auth.login", "user", "POST", "/v1/auth/token", 8),
    ("audit.search", "audit_event", "GET", "/v1/audit/events", 4),
)
_OUTCOMES: Final = (
    ("success", 200, 90),
    ("denied", 403, 4),
    ("not_found", 404, 4),
    ("error", 422, 2),
)
_ROLES: Final = ("therapist", "therapist", "therapist", "supervisor", "admin", "auditor")
# Generated events carry no `details` (the column the recorder fills for reach changes).
COLUMNS: Final = tuple(c.name for c in EVENT.c if c.name != "details")


@dataclass
class Generated:
    """Rows of one batch: events and their per-client index rows, as column tuples."""

    events: list[tuple[Any, ...]]
    clients: list[tuple[Any, ...]]


def _uuid7(rng: random.Random, at: datetime) -> uuid.UUID:
    ms = int(at.timestamp() * 1000)
    rand = rng.getrandbits(74)
    value = (
        (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
    )
    return uuid.UUID(int=value)


def batches(
    *,
    count: int,
    practice_id: uuid.UUID,
    clients: int,
    days: int,
    seed: int = 7,
    batch: int = BATCH,
) -> Iterator[Generated]:
    """Synthetic events in time order, ``batch`` at a time."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not a secret
    pick = rng.random
    staff = [(uuid.uuid4(), rng.choice(_ROLES)) for _ in range(60)]
    pool = [(c, str(c)) for c in (uuid.uuid4() for _ in range(max(1, clients)))]
    ips = [
        f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}" for _ in range(500)
    ]
    actions = [a for a in _ACTIONS for _ in range(a[4])]
    outcomes = [o for o in _OUTCOMES for _ in range(o[2])]
    end = utcnow() - timedelta(minutes=1)
    step_us = max(1, int(days * 86_400_000_000 / max(1, count)))
    start = end - timedelta(microseconds=step_us * count)
    out = Generated([], [])
    for i in range(count):
        at = start + timedelta(microseconds=step_us * i)
        actor, role = staff[int(pick() * len(staff))]
        action, rtype, method, route, _ = actions[int(pick() * len(actions))]
        outcome, status, _ = outcomes[int(pick() * len(outcomes))]
        roll = pick()
        if action in ("auth.login", "audit.search"):
            named = []
        elif roll < 0.9:
            named = [pool[int(pick() * len(pool))]]
        else:
            named = sorted(rng.sample(pool, min(3, len(pool))), key=lambda c: c[1])
        clinical = role in ("therapist", "supervisor")
        glass = clinical and roll > 0.995
        event_id = _uuid7(rng, at)
        ids = [c[1] for c in named]
        out.events.append(
            (
                event_id,
                at,
                practice_id,
                f"{rng.getrandbits(128):032x}",
                "user",
                actor,
                role,
                action,
                rtype,
                ids[0] if ids else None,
                ids,
                outcome,
                status,
                "ETREAT" if glass else ("TREAT" if clinical else "HOPERAT"),
                "Client in crisis; covering therapist unavailable" if glass else None,
                ips[int(pick() * len(ips))],
                "PracticeFrontend/3.2",
                method,
                route,
            )
        )
        out.clients += [(event_id, c[0], practice_id, at) for c in named]
        if len(out.events) >= batch:
            yield out
            out = Generated([], [])
    if out.events:
        yield out


async def insert(engine: AsyncEngine, rows: Generated) -> None:
    """Insert one batch: COPY on PostgreSQL, executemany elsewhere."""
    client_columns = ("event_id", "client_id", "practice_id", "occurred_at")
    if engine.dialect.name == "postgresql":
        events = [r[:10] + (json.dumps(r[10]),) + r[11:] for r in rows.events]
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            pg: Any = raw.driver_connection
            async with pg.transaction():
                await pg.copy_records_to_table("audit_event", records=events, columns=COLUMNS)
                await pg.copy_records_to_table(
                    "audit_event_client", records=rows.clients, columns=client_columns
                )
        return
    async with engine.begin() as conn:
        await conn.execute(
            sa.insert(EVENT), [dict(zip(COLUMNS, r, strict=True)) for r in rows.events]
        )
        if rows.clients:
            await conn.execute(
                sa.insert(EVENT_CLIENT),
                [dict(zip(client_columns, r, strict=True)) for r in rows.clients],
            )


async def analyze(engine: AsyncEngine) -> None:
    """Refresh the planner's statistics after a bulk load (PostgreSQL; autovacuum lags)."""
    if engine.dialect.name != "postgresql":
        return
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(
            sa.text(
                "ANALYZE audit_event, audit_event_client, audit_leaf, audit_node, audit_checkpoint"
            )
        )


async def generate(
    engine: AsyncEngine,
    *,
    settings: Settings,
    signing_key: Ed25519PrivateKey,
    count: int,
    practice_id: uuid.UUID | None = None,
    clients: int = 5000,
    days: int = 365,
    sequence: bool = True,
) -> uuid.UUID:
    """Insert ``count`` events (into a new practice unless ``practice_id``), then sequence them."""
    if practice_id is None:
        practice_id = uuid.uuid4()
        async with engine.begin() as conn:
            await conn.execute(
                Practice.__table__.insert().values(  # type: ignore[attr-defined]
                    id=practice_id,
                    name="Audit benchmark practice",
                    created_at=datetime.now().astimezone(),
                )
            )
    started = time.perf_counter()
    for rows in batches(count=count, practice_id=practice_id, clients=clients, days=days):
        await insert(engine, rows)
    inserted = time.perf_counter() - started
    print(
        f"inserted {count} events for practice {practice_id} in {inserted:.1f}s "
        f"({count / inserted:,.0f}/s)",
        file=sys.stderr,
    )
    await analyze(engine)
    if sequence:
        started = time.perf_counter()
        latest = await run_once(engine, settings=settings, signing_key=signing_key)
        await analyze(engine)
        took = time.perf_counter() - started
        print(
            f"sequenced in {took:.1f}s ({count / took:,.0f}/s); "
            f"tree size {latest['tree_size'] if latest else 0}",
            file=sys.stderr,
        )
    return practice_id


def main(argv: list[str] | None = None) -> None:
    """`python -m bench.audit_generate`: bulk-insert a synthetic log, then sequence it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=100_000, help="how many events")
    parser.add_argument("--practice", type=uuid.UUID, help="practice (default: a new one)")
    parser.add_argument("--clients", type=int, default=5000, help="size of the client pool")
    parser.add_argument("--days", type=int, default=365, help="span of history")
    parser.add_argument(
        "--no-sequence", dest="sequence", action="store_false", help="leave them unsequenced"
    )
    args = parser.parse_args(argv)
    if min(args.events, args.clients, args.days) < 1:
        parser.error("--events, --clients and --days must be at least 1")
    settings = get_settings()
    signing_key = load_secrets(settings).signing_key

    async def run() -> None:
        engine = create_engine(settings)
        try:
            await generate(
                engine,
                settings=settings,
                signing_key=signing_key,
                count=args.events,
                practice_id=args.practice,
                clients=args.clients,
                days=args.days,
                sequence=args.sequence,
            )
        finally:
            await engine.dispose()

    asyncio.run(run())


if __name__ == "__main__":
    main()
