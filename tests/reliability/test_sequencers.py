"""Two servers, so two audit sequencers, started at once on one database: one gapless log."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.audit.ledger.tree import EVENT, LEAF
from tests.reliability.conftest import Seeded, ServiceFactory
from tests.waiting import eventually

pytestmark = [pytest.mark.server, pytest.mark.slow]

REQUESTS = 150


async def _unsequenced(seeded: Seeded) -> int:
    async with seeded.state.engine.connect() as conn:
        waiting = (
            sa.select(sa.func.count())
            .select_from(EVENT)
            .where(~sa.exists().where(LEAF.c.event_id == EVENT.c.id))
        )
        return int((await conn.execute(waiting)).scalar_one())


async def test_two_sequencers_at_once_keep_one_gapless_log(
    seeded: Seeded, services: ServiceFactory
) -> None:
    first, second = services(), services()
    await asyncio.gather(asyncio.to_thread(first.start), asyncio.to_thread(second.start))
    headers = seeded.world["therapist"].headers
    async with first.client() as one, second.client() as two:
        for n in range(0, REQUESTS, 10):
            await asyncio.gather(
                *(
                    (one if (n + k) % 2 else two).post(
                        "/v1/clients",
                        json={"given_name": "Seq", "family_name": f"Test {n + k}"},
                        headers=headers,
                    )
                    for k in range(10)
                )
            )

    async def all_sequenced() -> bool:
        return await _unsequenced(seeded) == 0

    await eventually(all_sequenced)
    async with seeded.state.engine.connect() as conn:
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
        total = (await conn.execute(sa.select(sa.func.count()).select_from(EVENT))).scalar_one()
    assert (lowest, highest) == (0, leaves - 1)  # numbers 0..n-1, none missing, none twice
    assert events == leaves == total  # each event numbered exactly once
    first.stop()
    second.stop()
    verified = first.cli("audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def _sequencer_children(pid: int) -> list[int]:
    """Live `audit sequencer` processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        parent = int(stat[stat.rfind(")") + 2 :].split()[1])
        module = b"app.audit.ledger.sequencer_process"
        if parent == pid and (module in argv or (b"audit" in argv and b"sequencer" in argv)):
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2] != "Z"


async def test_serve_runs_the_sequencer_beside_it_and_takes_it_down(
    backend: str, seeded: Seeded, services: ServiceFactory
) -> None:
    service = services()
    service.start()
    assert service.process is not None
    children = _sequencer_children(service.process.pid)
    if backend == "sqlite":  # the embedded default keeps it inside the one server process
        assert children == []
        service.stop()
        return
    assert len(children) == 1
    async with service.client() as http:
        ready = await http.get("/health/ready")
    assert ready.json()["checks"]["audit_sequencer"] == "ok"
    # SIGKILL leaves the child nobody to stop it: it notices and stops by itself.
    service.kill()

    async def orphan_gone() -> bool:
        return not _alive(children[0])

    await eventually(orphan_gone)
    # A graceful stop takes it down too.
    service.start()
    assert service.process is not None
    [child] = _sequencer_children(service.process.pid)
    service.stop()
    assert not _alive(child)
