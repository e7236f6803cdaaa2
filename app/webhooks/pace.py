"""How fast the deliverer sends: flat out while the API is quiet, slowly while it works.

The deliverer is background work beside the API (docs/adr/0019-deliverer-yields.md). A low
scheduling priority lets the API's requests run first, but a deliverer busy on the next core
still slows them: the two share caches, memory and the database's WAL flushes, and a
flat-out deliverer cost the API a third of its single-connection rate on the 2-core bench
machine even at SCHED_IDLE. So while the API works, the deliverer sends at most
`NOTES_WEBHOOK_BUSY_PER_SECOND` messages a second. Beside `serve` it watches the server's
own processes (ServerLoad); on its own, where the API is out of sight, the machine
(MachineLoad): less than a core and a quarter idle beside it counts as the API working.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final, Protocol

SERVER_BUSY_CORES: Final = 0.25  # the server's CPU, in cores, above which the API is working
SPARE_CORES: Final = 1.25  # idle beside the deliverer before it sends flat out
SAMPLE_SECONDS: Final = 0.1  # how often the server or the machine is looked at (while sending)
STALE_SECONDS: Final = 1.0  # a sample older than this is taken anew, not decided on
PROC_STAT: Final = "/proc/stat"


def read_idle_seconds(path: str = PROC_STAT) -> float | None:
    """CPU seconds every core of the machine has spent idle since boot (None: unknown)."""
    try:
        with open(path, "rb") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    if len(fields) < 6 or fields[0] != b"cpu":
        return None
    return (int(fields[4]) + int(fields[5])) / os.sysconf("SC_CLK_TCK")  # idle + iowait


class Load(Protocol):
    """What the pace goes by."""

    def quiet(self) -> bool:
        """Whether the deliverer may send flat out now."""
        ...


Tree = dict[tuple[int, int], float]  # (pid, start time in ticks) -> CPU seconds used


def read_tree(root: int, leave_out: int, proc: Path = Path("/proc")) -> Tree | None:
    """CPU seconds used by process `root` and each of its descendants, `leave_out` not among them.

    Keyed by pid and start time, so that a process that exits or a pid used anew is told
    apart from one that works. None when `root` is gone or /proc cannot tell (not Linux).
    """
    tick = os.sysconf("SC_CLK_TCK")
    tree: Tree = {}
    pending, seen = [root], set()
    while pending:
        pid = pending.pop()
        if pid == leave_out or pid in seen:
            continue
        seen.add(pid)
        try:
            stat = (proc / str(pid) / "stat").read_bytes()
            # Fields after the command's closing parenthesis: utime and stime are the 14th
            # and 15th of the line, starttime the 22nd.
            fields = stat[stat.rindex(b")") + 2 :].split()
            tree[pid, int(fields[19])] = (int(fields[11]) + int(fields[12])) / tick
        except (OSError, ValueError, IndexError):
            if pid == root:
                return None
            continue  # exited meanwhile
        try:
            tasks = list((proc / str(pid) / "task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                pending += [int(c) for c in (task / "children").read_bytes().split()]
            except (OSError, ValueError):  # that thread ended meanwhile
                continue
    return tree


def children_visible(pid: int, proc: Path = Path("/proc")) -> bool:
    """Whether this kernel lists a process's children (/proc/PID/task/TID/children)."""
    return (proc / str(pid) / "task" / str(pid) / "children").exists()


class ServerLoad:
    """Whether the server beside the deliverer is answering requests, from its CPU use.

    The server is `notes-api serve`'s process and its children (uvicorn's workers and the
    audit sequencer, whose work follows the API's writes), this deliverer left out: what the
    bench's receiver or a colleague's test run use is not the API working, and SCHED_IDLE
    already yields to them. Each process counts what it used since the last sample; one that
    appeared counts from the next, one that exited no longer counts.
    """

    def __init__(
        self,
        server: int,
        *,
        read: Callable[[], Tree | None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.read = read or (lambda: read_tree(server, os.getpid()))
        self.clock = clock
        self.calm = True
        self.at = self.clock()
        self.last = self.read()

    def quiet(self) -> bool:
        """Whether, over the last sample, the server used less than a quarter of a core."""
        now = self.clock()
        if now - self.at < SAMPLE_SECONDS:
            return self.calm
        tree = self.read()
        if tree is None:  # the server is gone (the deliverer stops with it) or unknown
            self.calm = True
        elif self.last is not None and now - self.at <= STALE_SECONDS:
            used = sum(tree[k] - self.last[k] for k in tree.keys() & self.last.keys())
            self.calm = used / (now - self.at) < SERVER_BUSY_CORES
        # A sample older than that (nothing was sent meanwhile) starts a new one instead of
        # averaging a long quiet spell into the decision: the last decision holds until then.
        self.at, self.last = now, tree
        return self.calm


class MachineLoad:
    """Whether the machine has a core to spare beside this process, from /proc/stat.

    What this process itself uses counts as spare: a deliverer sending flat out does not
    slow itself down.
    """

    def __init__(
        self,
        *,
        cores: int | None = None,
        idle_seconds: Callable[[], float | None] = read_idle_seconds,
        clock: Callable[[], float] = time.monotonic,
        own_seconds: Callable[[], float] = time.process_time,
    ) -> None:
        self.idle_seconds = idle_seconds
        self.clock = clock
        self.own_seconds = own_seconds
        # On one core "a core to spare" cannot be: there, three quarters of it will do.
        self.needed = min(SPARE_CORES, 0.75 * (cores or os.cpu_count() or 1))
        self.spare = True
        self.last = self._sample()

    def _sample(self) -> tuple[float, float, float] | None:
        idle = self.idle_seconds()
        return None if idle is None else (self.clock(), idle, self.own_seconds())

    def has_spare_core(self) -> bool:
        """Whether, over the last sample, the rest of the machine left enough idle."""
        if self.last is None:  # not Linux, or /proc not mounted: nothing to go by
            return True
        if self.clock() - self.last[0] < SAMPLE_SECONDS:
            return self.spare
        now = self._sample()
        if now is None:
            return self.spare
        wall = now[0] - self.last[0]
        idle_beside_us = (now[1] - self.last[1]) + (now[2] - self.last[2])
        self.spare = idle_beside_us / wall >= self.needed
        self.last = now
        return self.spare

    quiet = has_spare_core


class Pace:
    """Spaces the sends of all of a process's endpoint tasks while the API works.

    Each send reserves the next free slot and sleeps until it comes: endpoints take turns,
    and a slow one holds no slot while it waits for its answer. `busy_per_second` 0 never
    slows down.
    """

    def __init__(self, busy_per_second: float, load: Load | None = None) -> None:
        self.interval = 1.0 / busy_per_second if busy_per_second > 0 else 0.0
        self.load = load if load is not None or not self.interval else MachineLoad()
        self.next_slot = 0.0

    async def wait(self) -> None:
        """Return when this send may go."""
        if not self.interval or self.load is None or self.load.quiet():
            return
        now = asyncio.get_running_loop().time()
        slot = max(self.next_slot, now)  # a quiet spell leaves no credit for a burst
        self.next_slot = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)
