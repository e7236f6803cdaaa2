"""The deliverer yields to the API: a low CPU priority, a slow pace while the API works."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from app.config import Settings
from app.db import utcnow
from app.models import WebhookEndpoint
from app.state import AppState
from app.webhooks.pace import (
    MachineLoad,
    Pace,
    ServerLoad,
    children_visible,
    read_idle_seconds,
    read_tree,
)
from app.webhooks.process import pace_for
from app.webhooks.sender import Attempt
from bench.webhook_receiver import Receiver
from tests.conftest import World
from tests.factories import create_client
from tests.webhooks.support import deliverer, make_endpoint

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux scheduler")

_REPORT = (
    "import json, os\n"
    "from app.webhooks.process import yield_cpu\n"
    "got = yield_cpu({priority!r})\n"
    "group = open('/proc/self/autogroup').read() if os.path.exists('/proc/self/autogroup') "
    "else ''\n"
    "print(json.dumps({{'got': got, 'policy': os.sched_getscheduler(0), "
    "'nice': os.nice(0), 'group': group}}))\n"
)


def _yield_in_child(priority: str, *, own_session: bool) -> dict[str, object]:
    """yield_cpu(priority) in a child process (it cannot be undone); what it reports."""
    run = subprocess.run(
        [sys.executable, "-c", _REPORT.format(priority=priority)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        start_new_session=own_session,
    )
    report: dict[str, object] = json.loads(run.stdout)
    return report


@linux_only
def test_the_deliverer_runs_at_idle_priority_in_a_lowered_group() -> None:
    # As `serve` starts it: a session (and so a scheduling group) of its own, where a nice
    # value or SCHED_IDLE alone would order it against nothing else.
    report = _yield_in_child("idle", own_session=True)
    assert report["policy"] == os.SCHED_IDLE
    if report["group"]:  # a kernel with autogroups
        assert str(report["group"]).strip().endswith("nice 19")
        assert "group nice 19" in str(report["got"])


@linux_only
def test_a_deliverer_sharing_a_session_leaves_the_group_alone() -> None:
    # `notes-api webhooks deliver` typed in a shell: lowering the group would slow the shell.
    before = Path("/proc/self/autogroup")
    if not before.exists():
        pytest.skip("no autogroups")
    own_group = before.read_text()
    report = _yield_in_child("idle", own_session=False)
    assert report["policy"] == os.SCHED_IDLE
    assert report["group"] == own_group
    assert "group" not in str(report["got"])


def test_low_priority_is_nice_19_and_normal_changes_nothing() -> None:
    low = _yield_in_child("low", own_session=False)
    assert low["nice"] == 19
    assert low["policy"] != getattr(os, "SCHED_IDLE", -1)
    normal = _yield_in_child("normal", own_session=True)
    assert normal["got"] == "normal"
    assert normal["nice"] == os.nice(0)


class Machine:
    """A /proc/stat stand-in: idle CPU seconds a fake clock's second leaves beside us."""

    def __init__(self, idle_cores: float) -> None:
        self.now = 0.0
        self.idle = 0.0
        self.idle_cores = idle_cores

    def tick(self, seconds: float) -> None:
        self.now += seconds
        self.idle += self.idle_cores * seconds

    def load(self, cores: int = 2) -> MachineLoad:
        return MachineLoad(
            cores=cores,
            idle_seconds=lambda: self.idle,
            clock=lambda: self.now,
            own_seconds=lambda: 0,
        )


def test_the_machine_is_busy_when_less_than_a_core_and_a_quarter_stands_idle() -> None:
    machine = Machine(idle_cores=1.9)  # the deliverer alone, flat out, on two cores
    load = machine.load()
    machine.tick(0.2)
    assert load.has_spare_core()
    machine.idle_cores = 0.8  # the API takes a core and more
    machine.tick(0.2)
    assert not load.has_spare_core()
    machine.idle_cores = 1.9
    machine.tick(0.05)  # within a sample: the last answer holds
    assert not load.has_spare_core()
    machine.tick(0.2)
    assert load.has_spare_core()


def test_on_one_core_three_quarters_idle_is_enough() -> None:
    machine = Machine(idle_cores=0.8)
    load = machine.load(cores=1)
    machine.tick(0.2)
    assert load.has_spare_core()
    machine.idle_cores = 0.5
    machine.tick(0.2)
    assert not load.has_spare_core()


def test_what_this_process_uses_counts_as_spare() -> None:
    used = {"cpu": 0.0}
    machine = Machine(idle_cores=0.9)  # the deliverer itself keeps one core of two busy
    load = MachineLoad(
        cores=2,
        idle_seconds=lambda: machine.idle,
        clock=lambda: machine.now,
        own_seconds=lambda: used["cpu"],
    )
    machine.tick(0.2)
    used["cpu"] += 0.2
    assert load.has_spare_core()


@pytest.mark.skipif(read_idle_seconds() is None, reason="no /proc/stat")
def test_proc_stat_is_read() -> None:
    first = read_idle_seconds()
    time.sleep(0.05)
    second = read_idle_seconds()
    assert first is not None
    assert second is not None
    assert second >= first


class Server:
    """A clock and the CPU seconds each of a server's processes has used by it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.procs: dict[tuple[int, int], float] | None = {(1, 100): 5.0, (2, 200): 1.0}

    def work(self, seconds: float, **cores: float) -> None:
        """`seconds` pass while process pN uses `cores["pN"]` cores."""
        self.now += seconds
        assert self.procs is not None
        for key in self.procs:
            self.procs[key] += cores.get(f"p{key[0]}", 0.0) * seconds

    def load(self) -> ServerLoad:
        return ServerLoad(
            1, read=lambda: None if self.procs is None else dict(self.procs), clock=lambda: self.now
        )


def test_the_api_works_while_the_server_uses_a_quarter_core_or_more() -> None:
    server = Server()
    load = server.load()
    server.work(0.2, p1=0.24)  # an occasional request, the sequencer's polls
    assert load.quiet()
    server.work(0.2, p1=0.13, p2=0.13)  # two workers, a little each: a quarter in all
    assert not load.quiet()
    server.work(0.05)  # within a sample: the last answer holds
    assert not load.quiet()
    server.work(0.2)
    assert load.quiet()
    server.work(0.2, p2=0.6)  # one client reading notes back to back
    assert not load.quiet()


def test_processes_that_come_and_go_count_only_their_work_meanwhile() -> None:
    server = Server()
    load = server.load()
    server.work(0.2, p2=0.6)
    assert not load.quiet()
    assert server.procs is not None
    del server.procs[1, 100]  # a worker exits with its 5 s: the other one still works
    server.work(0.2, p2=0.6)
    assert not load.quiet()
    server.procs[3, 300] = 40.0  # a restarted sequencer, 40 s old: no work of this sample
    server.procs[2, 400] = server.procs.pop((2, 200))  # pid 2 used anew: a process of its own
    server.work(0.2)
    assert load.quiet()


def test_a_stale_sample_is_taken_anew_and_a_vanished_server_slows_nothing() -> None:
    server = Server()
    load = server.load()
    server.work(0.2, p1=1.0)
    assert not load.quiet()
    server.work(3.0, p1=0.05)  # nothing sent for 3 s: not averaged into a decision
    assert not load.quiet()
    server.work(0.2, p1=0.05)
    assert load.quiet()
    server.work(0.2, p1=1.0)
    assert not load.quiet()
    server.procs = None  # the server is gone; the deliverer stops with it
    server.now += 0.2
    assert load.quiet()


_SERVER = (
    "import subprocess, sys, time\n"
    "worker = subprocess.Popen([sys.executable, '-c', 'while True: pass'])\n"
    "print(worker.pid, flush=True)\n"
    "time.sleep(120)\n"
)


def _total(tree: dict[tuple[int, int], float] | None) -> float:
    assert tree is not None
    return sum(tree.values())


@linux_only
def test_the_servers_cpu_counts_its_children_but_not_the_deliverer() -> None:
    server = subprocess.Popen([sys.executable, "-c", _SERVER], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    with server.stdout:
        worker = int(server.stdout.readline())
    try:
        assert children_visible(server.pid)
        whole = _total(read_tree(server.pid, leave_out=os.getpid()))
        without = _total(read_tree(server.pid, leave_out=worker))
        deadline = time.monotonic() + 30  # a loaded machine gives the busy child less
        while _total(read_tree(server.pid, leave_out=os.getpid())) - whole < 0.1:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        # Left out, the busy child counts nothing: the server itself sleeps.
        assert _total(read_tree(server.pid, leave_out=worker)) - without < 0.05
        assert len(read_tree(server.pid, leave_out=os.getpid()) or {}) == 2
    finally:
        os.kill(worker, 9)
        server.kill()
        server.wait()
    assert read_tree(server.pid, leave_out=0) is None  # gone


def _stat(pid: int, comm: str, utime: int, stime: int, start: int = 7) -> str:
    after = ["S", "1", "1", "1", "0", "-1", "0", "0", "0", "0", "0", str(utime), str(stime)]
    after += ["0"] * 6 + [str(start)] + ["0"] * 20
    return f"{pid} ({comm}) " + " ".join(after) + "\n"


def test_a_process_tree_is_read_from_stat_files(tmp_path: Path) -> None:
    tick = os.sysconf("SC_CLK_TCK")
    (tmp_path / "10" / "task" / "10").mkdir(parents=True)
    (tmp_path / "10" / "task" / "15").mkdir()  # a thread that ended: no children file
    (tmp_path / "10" / "stat").write_text(_stat(10, "python (serve) x", tick, tick, start=42))
    assert read_tree(10, leave_out=0, proc=tmp_path) == {(10, 42): 2.0}
    assert not children_visible(10, proc=tmp_path)
    (tmp_path / "10" / "task" / "10" / "children").write_text("11 12 13 ")
    assert children_visible(10, proc=tmp_path)
    (tmp_path / "11" / "task").mkdir(parents=True)
    (tmp_path / "11" / "stat").write_text(_stat(11, "worker", tick, 0))
    (tmp_path / "12" / "task").mkdir(parents=True)
    (tmp_path / "12" / "stat").write_text(_stat(12, "deliverer", 50 * tick, 0))
    # 13 exited between the listing and the read: skipped; 12 is left out.
    assert read_tree(10, leave_out=12, proc=tmp_path) == {(10, 42): 2.0, (11, 7): 1.0}
    assert read_tree(99, leave_out=12, proc=tmp_path) is None


def test_beside_serve_the_pace_goes_by_the_server_alone_by_the_machine() -> None:
    settings = Settings(database_url="sqlite+aiosqlite:///:memory:")
    assert settings.webhook_busy_per_second == 10
    beside = pace_for(settings, os.getpid())
    assert isinstance(beside.load, ServerLoad if children_visible(os.getpid()) else MachineLoad)
    assert isinstance(pace_for(settings, None).load, MachineLoad)
    never = Settings(database_url="sqlite+aiosqlite:///:memory:", webhook_busy_per_second=0)
    assert pace_for(never, os.getpid()).interval == 0


class Busy:
    """An API that always works, or never does."""

    def __init__(self, busy: bool) -> None:
        self.busy = busy

    def quiet(self) -> bool:
        return not self.busy


async def _sends_in(pace: Pace, count: int) -> float:
    started = time.monotonic()
    for _ in range(count):
        await pace.wait()
    return time.monotonic() - started


async def test_a_busy_api_spaces_the_sends() -> None:
    assert await _sends_in(Pace(50, Busy(True)), 11) >= 0.19  # ten gaps of 20 ms
    assert await _sends_in(Pace(50, Busy(False)), 200) < 0.1
    assert await _sends_in(Pace(0), 200) < 0.1  # 0: never slows down


async def test_endpoints_take_turns_and_a_quiet_spell_leaves_no_burst() -> None:
    pace = Pace(20, Busy(True))
    sent: list[tuple[str, float]] = []

    async def endpoint(name: str) -> None:
        for _ in range(3):
            await pace.wait()
            sent.append((name, time.monotonic()))

    started = time.monotonic()
    await asyncio.gather(endpoint("a"), endpoint("b"))
    assert {name for name, _ in sent[:3]} == {"a", "b"}  # neither waits for the other's all
    # The k-th send of the two together never goes before its slot, 50 ms apart; a busy
    # machine may wake one late, which moves no later slot earlier.
    assert all(at - started >= k * 0.05 - 0.005 for k, (_, at) in enumerate(sent))
    await asyncio.sleep(0.3)
    assert await _sends_in(pace, 1) < 0.02  # the slot a quiet spell passed is not owed
    assert await _sends_in(pace, 1) >= 0.04


async def _hold_other_endpoints(state: AppState, mine: uuid.UUID) -> list[uuid.UUID]:
    """Lease every other unleased endpoint to a deliverer of no one; their ids."""
    table = WebhookEndpoint.__table__  # type: ignore[attr-defined]
    async with state.sessionmaker() as db:
        held = (
            await db.execute(
                table.update()
                .where(
                    table.c.id != mine,
                    # What a deliverer may claim (Deliverer.claim): unleased or lapsed.
                    sa.or_(table.c.lease_until.is_(None), table.c.lease_until < utcnow()),
                )
                .values(lease_owner="held-by-test", lease_until=utcnow() + timedelta(hours=1))
                .returning(table.c.id)
            )
        ).scalars()
        ids = list(held)
        await db.commit()
    return ids


async def _release(state: AppState, held: list[uuid.UUID]) -> None:
    table = WebhookEndpoint.__table__  # type: ignore[attr-defined]
    async with state.sessionmaker() as db:
        await db.execute(
            table.update()
            .where(table.c.id.in_(held), table.c.lease_owner == "held-by-test")
            .values(lease_owner=None, lease_until=None)
        )
        await db.commit()


async def test_paced_deliveries_arrive_in_order_and_record_before_the_lease_runs_out(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    receiver = await Receiver().start()
    try:
        mine = await make_endpoint(client, world["admin"].headers, receiver.url)
        made = [await create_client(client, world["therapist"].headers) for _ in range(6)]
        # A lease of 0.3 s: a batch is recorded, renewing it, within 0.1 s of its start.
        d = deliverer(state, webhook_lease_seconds=0.3)
        d.pace = Pace(20, Busy(True))
        recorded: list[int] = []
        record = d.record

        async def counting(endpoint: Any, attempts: list[Attempt]) -> bool:
            if str(endpoint.id) == mine["id"]:  # not other tests' endpoints, left failing
                recorded.append(len(attempts))
            return await record(endpoint, attempts)

        d.record = counting  # type: ignore[method-assign]
        # Other tests' endpoints (the database is shared), some failing and due again at
        # once, would share the pace: as if another deliverer held them.
        held = await _hold_other_endpoints(state, uuid.UUID(mine["id"]))
        try:
            started = time.monotonic()
            await d.pass_once()
            await d.settle()
            took = time.monotonic() - started
        finally:
            await _release(state, held)
        await d.close()
    finally:
        await receiver.stop()
    ids = [json.loads(r.body)["resource"]["id"] for r in receiver.requests]
    assert ids == [c["id"] for c in made]  # each once, in order, by the one lease holder
    assert took >= 0.24  # six sends 50 ms apart
    assert sum(recorded) == 6
    assert max(recorded) < 6  # several batches, each recorded in time


class LatePace(Pace):
    """Every turn comes after a third of a 0.3-s lease has passed."""

    def __init__(self) -> None:
        super().__init__(0)

    async def wait(self) -> None:
        await asyncio.sleep(0.15)


async def test_a_turn_that_comes_after_the_record_deadline_sends_nothing(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    receiver = await Receiver().start()
    try:
        await make_endpoint(client, world["admin"].headers, receiver.url)
        made = await create_client(client, world["therapist"].headers)
        d = deliverer(state, webhook_lease_seconds=0.3)
        d.pace = LatePace()
        await d.pass_once()
        await d.settle()
        assert receiver.requests == []  # the lease may have run out meanwhile: nothing sent
        d.pace = Pace(0)
        await d.pass_once()  # released, not left leased: the next pass takes it up
        await d.settle()
        await d.close()
    finally:
        await receiver.stop()
    assert [json.loads(r.body)["resource"]["id"] for r in receiver.requests] == [made["id"]]
