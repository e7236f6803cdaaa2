"""`notes-api serve --workers 4` on PostgreSQL: one sequencer, every request audited once."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from app.audit.ledger.tree import EVENT, LEAF
from tests.reliability.conftest import Seeded, ServiceFactory
from tests.server_process import start_server, stop_server
from tests.waiting import eventually

pytestmark = [pytest.mark.server, pytest.mark.slow]

WORKERS = 4
REQUESTS = 200


def _children(pid: int) -> dict[int, bytes]:
    """Live child processes of ``pid`` and their environment."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            environ = (entry / "environ").read_bytes()
            argv = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat[stat.rfind(")") + 2 :].split()[1]) == pid:
            found[int(entry.name)] = argv + b"\0\0" + environ
    return found


async def test_four_workers_share_one_sequencer_and_audit_every_request_once(
    backend: str, seeded: Seeded, services: ServiceFactory
) -> None:
    if backend == "sqlite":
        pytest.skip("several workers are for PostgreSQL (SQLite keeps the sequencer in-process)")
    service = services()
    process = start_server(
        service.settings.data_dir,
        service.port,
        env=service.env,
        args=("--no-migrate", "--workers", str(WORKERS)),
    )
    try:

        async def all_started() -> dict[int, bytes] | None:
            found = _children(process.pid)
            return found if len(found) >= WORKERS + 2 else None

        children = await eventually(all_started)
        sequencers = [
            p for p, info in children.items() if b"app.audit.ledger.sequencer_process" in info
        ]
        # uvicorn's workers, spawned by multiprocessing (whose resource tracker is a child too)
        workers = [p for p, info in children.items() if b"spawn_main" in info]
        assert len(sequencers) == 1
        assert len(workers) == WORKERS
        # Each worker was told the sequencer runs elsewhere, so starts none of its own.
        assert all(b"NOTES_SEQUENCER=external" in children[p].split(b"\0") for p in workers)

        headers = seeded.world["therapist"].headers
        ids = [f"workers-{uuid.uuid4().hex}" for _ in range(REQUESTS)]
        limits = httpx.Limits(max_connections=16, max_keepalive_connections=0)
        async with service.client(limits=limits) as http:

            async def one(n: int, request_id: str) -> int:
                call = {**headers, "X-Request-ID": request_id}
                if n % 2:
                    body = {"given_name": "Worker", "family_name": f"Test {n}"}
                    response = await http.post("/v1/clients", json=body, headers=call)
                else:
                    response = await http.get("/v1/clients", headers=call)
                return response.status_code

            statuses = await asyncio.gather(*(one(n, rid) for n, rid in enumerate(ids)))
        assert set(statuses) <= {200, 201}, statuses

        async with seeded.state.engine.connect() as conn:
            waiting = sa.select(sa.func.count()).where(
                ~sa.exists().where(LEAF.c.event_id == EVENT.c.id)
            )

            async def all_sequenced() -> bool:
                return (await conn.execute(waiting)).scalar_one() == 0

            await eventually(all_sequenced)
            per_request: dict[str, int] = dict(
                (
                    await conn.execute(
                        sa.select(EVENT.c.request_id, sa.func.count())
                        .where(EVENT.c.request_id.in_(ids))
                        .group_by(EVENT.c.request_id)
                    )
                ).all()
            )
            leaves, lowest, highest, events = (
                await conn.execute(
                    sa.select(
                        sa.func.count(),
                        sa.func.min(LEAF.c.seq),
                        sa.func.max(LEAF.c.seq),
                        sa.func.count(sa.distinct(LEAF.c.event_id)),
                    )
                )
            ).one()
        assert per_request == dict.fromkeys(ids, 1)  # every request audited exactly once
        assert (lowest, highest) == (0, leaves - 1)
        assert events == leaves
        backlog = service.cli("audit", "backlog")
        assert backlog.returncode == 0, backlog.stderr
        assert backlog.stdout.startswith("0 events waiting")
    finally:
        stop_server(process)
    log = service.log.read_text()
    assert "Traceback" not in log, log
    verified = service.cli("audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
