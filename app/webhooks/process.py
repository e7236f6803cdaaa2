"""The webhook deliverer as a process: `notes-api webhooks deliver`, or beside `notes-api serve`.

`serve` supervises it as a child (`python -m app.webhooks.process --parent-pid PID`) the way
it runs the audit sequencer; docker-compose runs it as a service of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from typing import Final

from app.config import Settings, get_settings
from app.db import create_engine
from app.logging import configure_logging
from app.security.secrets import load_secrets
from app.supervisor import Supervisor, child_command, orphaned
from app.webhooks.deliverer import Deliverer
from app.webhooks.pace import Pace, ServerLoad, children_visible

log = logging.getLogger("notes.webhooks")

DELIVERER_POOL: Final = 4  # fan-out, claims, and a few endpoints recording at once
LOWEST_NICENESS: Final = 19


def yield_cpu(priority: str) -> str:
    """Lower this process's CPU priority; what it got, for the log ("idle, group nice 19").

    Background work: where it shares cores with the API, requests come first. Linux
    schedules by group first and by task within a group, and without cgroups each session
    is a group (autogroup): `serve` starts the deliverer in a session of its own, where
    SCHED_IDLE or a nice value orders it against nothing. So a session leader also lowers
    its group (/proc/self/autogroup); elsewhere the group is the operator's to set (a
    container's CPU shares, a systemd unit's CPUWeight: docs/operations.md).
    """
    if priority == "normal":
        return "normal"
    got = []
    if priority == "idle" and hasattr(os, "sched_setscheduler"):
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
            got.append("idle")
        except OSError:  # a sandbox that refuses it: a nice value instead
            pass
    if not got:
        os.nice(LOWEST_NICENESS - os.nice(0))
        got.append(f"nice {LOWEST_NICENESS}")
    if os.getsid(0) == os.getpid():  # our own group: lowering it slows nothing else
        try:
            with open("/proc/self/autogroup", "w") as autogroup:
                autogroup.write(str(LOWEST_NICENESS))
            got.append(f"group nice {LOWEST_NICENESS}")
        except OSError:  # no autogroups here (another OS, or they are off)
            pass
    return ", ".join(got)


def pace_for(settings: Settings, parent: int | None) -> Pace:
    """Beside `serve` the pace goes by the server's own work; on its own, by the machine's.

    Where the kernel does not list a process's children, `serve`'s workers are out of sight
    and the machine is what the deliverer can go by.
    """
    if parent is not None and children_visible(parent):
        return Pace(settings.webhook_busy_per_second, ServerLoad(parent))
    return Pace(settings.webhook_busy_per_second)


async def run_forever(settings: Settings, *, parent: int | None) -> None:
    """Deliver until SIGTERM or SIGINT, or until process `parent` is gone."""
    if orphaned(parent):
        return
    policy = yield_cpu(settings.webhook_cpu_priority)
    secrets = load_secrets(settings)
    engine = create_engine(
        settings, pool_size=DELIVERER_POOL, application_name=f"{settings.service_name} deliverer"
    )
    deliverer = Deliverer(
        engine=engine, settings=settings, key_ring=secrets.key_ring, pace=pace_for(settings, parent)
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    async def watch_parent() -> None:
        while not stop.is_set():
            if orphaned(parent):
                log.warning("webhook deliverer: parent %s gone, stopping", parent)
                stop.set()
            await asyncio.sleep(1.0)

    watcher = asyncio.create_task(watch_parent())
    log.info("webhook deliverer running (CPU priority %s)", policy)
    try:
        await deliverer.run(stop)
    finally:
        watcher.cancel()
        await engine.dispose()


def supervisor() -> Supervisor:
    """A supervisor that keeps one deliverer child beside this server process."""
    command = child_command("app.webhooks.process")
    return Supervisor(command, name="webhook deliverer")


def main(argv: list[str] | None = None) -> None:
    """`python -m app.webhooks.process [--parent-pid PID]`."""
    parser = argparse.ArgumentParser(description="Deliver webhooks until SIGTERM.")
    parser.add_argument("--parent-pid", type=int, help="stop when this process is gone")
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    asyncio.run(run_forever(settings, parent=args.parent_pid))


if __name__ == "__main__":
    main()
